package frontend

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/moby/buildkit/client/llb"
	gwpb "github.com/moby/buildkit/frontend/gateway/pb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// lockfileRefused points pnpm's refusal of the lockfile, which the install
// tells apart by its exit status, at the line to change: the first drift
// monokit's reading of pnpm's check finds, else the lockfile itself.
func lockfileRefused(err error, ws *pnpm.Workspace, pl *plan.Plan) error {
	var exit *gwpb.ExitError
	if !errors.As(err, &exit) || exit.ExitCode != solver.LockfileRefusedExit {
		return err
	}
	pos := diag.Pos{File: pnpm.LockFile, Line: 1, Col: 1}
	why := "it is out of date"
	if drift := ws.LockfileDrift(ws.Closure(ws.Find(pl.Package)), pl.PNPM.Major); len(drift) > 0 {
		pos, why = drift[0].Pos, drift[0].Msg
	}
	// A new error, not a wrapped one: BuildKit sends an error that holds a gRPC
	// status with that status's message, which would drop this one.
	return &diag.Error{Pos: pos, Err: fmt.Errorf("pnpm install --frozen-lockfile refused pnpm-lock.yaml: %s; run pnpm install and commit pnpm-lock.yaml (pnpm's own message is in the [deps] log above)", why)}
}

// withSources attaches BuildKit source info for every position in err, grouped by
// file: the manifest through its source map, workspace files (package.json,
// pnpm-lock.yaml, ...) with their content read from the context, so buildx prints
// the lines at fault.
func withSources(err error, sm *llb.SourceMap, files fs.FS) error {
	if err == nil {
		return nil
	}
	byFile := map[string][]*pb.Range{}
	var order []string
	for _, p := range diag.Positions(err) {
		if p.Line < 1 {
			continue
		}
		if _, ok := byFile[p.File]; !ok {
			order = append(order, p.File)
		}
		byFile[p.File] = append(byFile[p.File], &pb.Range{
			Start: &pb.Position{Line: int32(p.Line), Character: int32(max(p.Col-1, 0))},
			End:   &pb.Position{Line: int32(p.Line), Character: int32(max(p.Col-1, 0))},
		})
	}
	for _, file := range order { // the first wrapped prints first
		info := &pb.SourceInfo{Filename: file}
		switch {
		case sm != nil && file == sm.Filename:
			info.Data, info.Language = sm.Data, sm.Language
			if sm.Definition != nil {
				info.Definition = sm.Definition.ToPB()
			}
		case files != nil:
			data, rerr := fs.ReadFile(files, file)
			if rerr != nil {
				continue
			}
			info.Data = data
			info.Language = sourceLanguage(file)
		default:
			continue
		}
		err = errdefs.WithSource(err, &errdefs.Source{Info: info, Ranges: byFile[file]})
	}
	return err
}

// sourceLanguage is how BuildKit is told to show a file of the context.
func sourceLanguage(file string) string {
	return map[string]string{".json": "json", ".yaml": "yaml", ".yml": "yaml"}[path.Ext(file)]
}
