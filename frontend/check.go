package frontend

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/solver/pb"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
)

// maxCheckSource is the largest file a finding quotes lines of: the result
// carries each quoted file whole (a lockfile may be tens of megabytes).
const maxCheckSource = 1 << 20

// checkTargets answers `docker buildx build --call check`: it loads the
// workspace, plans the target (or every target) and reports what
// solver.Check finds, each at its file and line, in BuildKit's format. It
// returns the workspace files it read too, which its errors quote.
func checkTargets(ctx context.Context, c client.Client, bc *dockerui.Client, m *manifest.Manifest, src *dockerui.Source) (*lint.LintResults, fs.FS, error) {
	cfg, err := checkConfig(src.Filename, src.Data, bc.LinterConfig)
	if err != nil {
		return nil, nil, err
	}
	in, err := loadInput(ctx, c, bc)
	ws, files := in.ws, in.files
	if err != nil {
		return nil, files, err
	}
	names := []string{bc.Target}
	if bc.Target == "" {
		names = slices.Sorted(maps.Keys(m.Targets))
	}
	// The health route and trace rules read the targets' sources: a second
	// transfer, for --call check only.
	code, err := in.sources(ctx, solver.CheckSources(m, ws, names, bc.BuildArgs), "load sources for checks")
	if err != nil {
		return nil, files, err
	}
	res := &lint.LintResults{}
	sources := map[string]int{}
	source := func(file string) int {
		if i, ok := sources[file]; ok {
			return i
		}
		var info *pb.SourceInfo
		if file == src.Filename {
			info = &pb.SourceInfo{Filename: file, Data: src.Data, Language: "yaml"}
		} else if data, err := ctxfs.ReadFile(files, file); err == nil && len(data) <= maxCheckSource {
			info = &pb.SourceInfo{Filename: file, Data: data, Language: sourceLanguage(file)}
		} else {
			sources[file] = -1 // a warning without lines; its text names them
			return -1
		}
		res.Sources = append(res.Sources, info)
		sources[file] = len(res.Sources) - 1
		return sources[file]
	}
	source(src.Filename) // the manifest is source 0: a check error points into it
	var fired []string
	for _, name := range names {
		found, err := solver.Check(m, ws, name, solver.Options{BuildArgs: bc.BuildArgs}, code)
		if err != nil {
			return nil, files, err
		}
		for _, f := range found {
			if cfg.SkipAll || slices.Contains(cfg.SkipRules, f.Rule.Name) {
				continue
			}
			detail := f.Msg
			if f.Pos.File != src.Filename {
				// buildx shows every source under the manifest's name.
				detail = f.Pos.String() + ": " + detail
			}
			if len(names) > 1 {
				detail = fmt.Sprintf("target %q: %s", name, detail)
			}
			res.Warnings = append(res.Warnings, lint.Warning{RuleName: f.Rule.Name, Description: f.Rule.Description, URL: f.Rule.URL, Detail: detail, Location: location(source(f.Pos.File), f.Pos)})
			if !slices.Contains(fired, f.Rule.Name) {
				fired = append(fired, f.Rule.Name)
			}
		}
	}
	if cfg.ReturnAsError && len(fired) > 0 {
		res.Error = &lint.BuildError{Message: "lint violation found for rules: " + strings.Join(fired, ", "),
			Location: *location(0, diag.Pos{Line: 1})}
	}
	return res, files, nil
}

// checkConfig reads the checks' settings as BuildKit's Dockerfile frontend
// does (skip=Rule,...|all; error=true): the BUILDKIT_DOCKERFILE_CHECK build
// argument, as dockerui parsed it (fromArg), else a "# check=" comment among
// the manifest's first comment lines.
func checkConfig(filename string, data []byte, fromArg *linter.Config) (*linter.Config, error) {
	if fromArg != nil {
		return fromArg, nil
	}
	line := 0
	for l := range strings.Lines(string(data)) {
		line++
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		c, ok := strings.CutPrefix(l, "#")
		if !ok {
			break // the directives are the comments before the first key
		}
		k, v, ok := strings.Cut(strings.TrimSpace(c), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "check") {
			cfg, err := linter.ParseLintOptions(v)
			if err != nil {
				return nil, diag.Errorf(diag.Pos{File: filename, Line: line}, "# check=: %v", err)
			}
			return cfg, nil
		}
	}
	return &linter.Config{}, nil
}
