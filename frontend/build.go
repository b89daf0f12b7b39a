package frontend

import (
	"context"
	"io/fs"

	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"

	"github.com/monokit/monokit/solver/manifest"
)

// Build is the gateway build function: `monokit frontend` runs it for BuildKit, and
// integration tests run it in-process with client.Build. It reads the manifest
// (or infers one), answers a subrequest (--call targets|outline|check) or
// builds the target for every target platform.
func Build(ctx context.Context, c client.Client) (_ *client.Result, err error) {
	bc, err := dockerui.NewClient(c)
	if err != nil {
		return nil, err
	}
	// The manifest is read first and alone: reading it sets dockerui's ignore
	// file when <manifest>.dockerignore exists, without dockerui's lock, and
	// that file must win over .dockerignore for every read after it.
	src, err := bc.ReadEntrypoint(ctx, "yaml")
	if err != nil {
		return nil, err
	}
	// Every user mistake below carries a diag.Pos; attach the file and lines
	// once, here, as BuildKit's Dockerfile frontend does.
	var files fs.FS
	defer func() { err = withSources(err, src.SourceMap, files) }()

	// No manifest: infer one from the workspace.
	var in *input
	if zeroConfig(src.Filename) {
		var inferred *dockerui.Source
		inferred, in, err = inferEntrypoint(ctx, c, bc)
		files = in.files
		if err != nil {
			return nil, err
		}
		src = inferred
	}

	m, err := manifest.Parse(src.Filename, src.Data)
	if err != nil {
		return nil, err
	}
	if res, ok, err := bc.HandleSubrequest(ctx, dockerui.RequestHandler{
		ListTargets: func(ctx context.Context) (*targetsList, error) { return listTargets(m, src.Data), nil },
		Outline: func(ctx context.Context) (*outline.Outline, error) {
			return targetOutline(m, bc.Target, bc.BuildArgs, src.Data)
		},
		Lint: func(ctx context.Context) (res *lint.LintResults, err error) {
			res, files, err = checkTargets(ctx, c, bc, m, src)
			return res, err
		},
	}); err != nil || ok {
		return res, err
	}

	if in == nil {
		in, err = loadInput(ctx, c, bc)
		files = in.files
		if err != nil {
			return nil, err
		}
	}
	return buildTarget(ctx, in, m, src)
}
