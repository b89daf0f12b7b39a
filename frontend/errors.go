package frontend

import (
	"io/fs"
	"path"

	bk "github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"

	"github.com/monokit/monokit/manifest"
)

// withSources attaches BuildKit source info for every position in err, grouped by
// file: the manifest through its source map, workspace files (package.json,
// pnpm-lock.yaml, ...) with their content read from the context, so buildx prints
// the lines at fault.
func withSources(err error, sm *bk.SourceMap, files fs.FS) error {
	if err == nil {
		return nil
	}
	byFile := map[string][]*pb.Range{}
	var order []string
	for _, p := range manifest.Positions(err) {
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
			info.Language = map[string]string{".json": "json", ".yaml": "yaml"}[path.Ext(file)]
		default:
			continue
		}
		err = errdefs.WithSource(err, &errdefs.Source{Info: info, Ranges: byFile[file]})
	}
	return err
}
