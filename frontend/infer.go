package frontend

import (
	"context"
	"io/fs"
	"path"

	"github.com/monokit/monokit/solver/plan"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"

	"github.com/monokit/monokit/solver"
)

// zeroConfig reports whether the build names no manifest but the workspace's
// own package.json: `docker buildx build -f package.json --build-arg
// BUILDKIT_SYNTAX=<monokit image>` (the Dockerfile frontend reads the file
// -f names before it hands over, so some file must exist; the root
// package.json always does).
func zeroConfig(filename string) bool { return path.Base(filename) == "package.json" }

// inferEntrypoint reads the workspace and the candidate apps' sources and
// returns the manifest monokit infers, as the build's source: errors and
// --call targets quote its lines under solver.InferredName.
func inferEntrypoint(ctx context.Context, c client.Client, bc *dockerui.Client) (*dockerui.Source, *workspace, error) {
	loaded, err := loadWorkspace(ctx, c, bc)
	if err != nil {
		return nil, loaded, err
	}
	var sources fs.FS
	if patterns := solver.InferSources(loaded.ws); len(patterns) > 0 {
		if _, sources, err = readContext(ctx, c, bc, patterns, []string{plan.NodeModules}, "monokit-sources", "load sources to infer targets"); err != nil {
			return nil, loaded, err
		}
	}
	data, _, err := solver.InferManifest(loaded.ws, sources)
	if err != nil {
		return nil, loaded, err
	}
	return &dockerui.Source{SourceMap: llb.NewSourceMap(nil, solver.InferredName, "yaml", data)}, loaded, nil
}
