package frontend

import (
	"context"
	"path"

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
func inferEntrypoint(ctx context.Context, c client.Client, bc *dockerui.Client) (*dockerui.Source, *input, error) {
	in, err := loadInput(ctx, c, bc)
	if err != nil {
		return nil, in, err
	}
	sources, err := in.sources(ctx, solver.InferSources(in.ws), "load sources to infer targets")
	if err != nil {
		return nil, in, err
	}
	data, _, err := solver.InferManifest(in.ws, sources)
	if err != nil {
		return nil, in, err
	}
	return &dockerui.Source{SourceMap: llb.NewSourceMap(nil, solver.InferredName, "yaml", data)}, in, nil
}
