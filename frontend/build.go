package frontend

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/frontend/subrequests/lint"
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/llb/plan2llb"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// Build is the gateway build function: `monokit frontend` runs it for BuildKit, and
// integration tests run it in-process with client.Build.
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
	var loaded *workspace
	if zeroConfig(src.Filename) {
		var inferred *dockerui.Source
		inferred, loaded, err = inferEntrypoint(ctx, c, bc)
		files = loaded.files
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

	if loaded == nil {
		loaded, err = loadWorkspace(ctx, c, bc)
		files = loaded.files
		if err != nil {
			return nil, err
		}
	}
	ws, metadata := loaded.ws, loaded.metadata
	plan, err := solver.SolveTarget(m, ws, bc.Target, solver.Options{BuildArgs: bc.BuildArgs})
	if err != nil {
		return nil, err
	}
	if err := defaultPlatforms(bc, m); err != nil {
		return nil, err
	}
	epoch, err := sourceDateEpoch(bc.BuildArgs)
	if err != nil {
		return nil, err
	}
	excludes, err := bc.DockerIgnorePatterns(ctx)
	if err != nil {
		return nil, err
	}
	mainCtx, err := bc.MainContext(ctx,
		llb.IncludePatterns(plan.ContextPaths),
		llb.ExcludePatterns(append(excludes, pnpm.MetadataExcludes...)),
	)
	if err != nil {
		return nil, err
	}
	imgs := newImages(c, bc)
	caps := bc.BuildOpts().LLBCaps
	mergeOp, err := useMergeOp(caps.Supports(pb.CapMergeOp) == nil, bc.BuildArgs)
	if err != nil {
		return nil, err
	}
	buildPlatform := platforms.DefaultSpec()
	if len(bc.BuildPlatforms) > 0 {
		buildPlatform = bc.BuildPlatforms[0]
	}
	// Resolve every base image at once; the per-platform builds below then find
	// them resolved.
	targets := bc.TargetPlatforms
	if len(targets) == 0 {
		targets = []ocispecs.Platform{buildPlatform}
	}
	onBuild, onTarget := plan.BaseImages()
	if err := imgs.prefetch(ctx, onBuild, []ocispecs.Platform{buildPlatform}, onTarget, targets); err != nil {
		return nil, err
	}

	rb, err := bc.Build(ctx, func(ctx context.Context, tp *ocispecs.Platform, _ int) (*dockerui.BuildResult, error) {
		target := buildPlatform
		if tp != nil {
			target = *tp
		}
		res, err := plan2llb.Build(ctx, plan, plan2llb.Options{
			Context:        *mainCtx,
			Metadata:       metadata,
			Image:          imgs.resolve,
			BuildPlatform:  buildPlatform,
			TargetPlatform: target,
			MergeOp:        mergeOp,
			CacheNS:        bc.CacheIDNamespace,
			NoCache:        func(id string) bool { return bc.IsNoCache(id) },
			SourceMap:      src.SourceMap,
			Epoch:          epoch,
			Runnable:       runnable(bc.BuildOpts().Workers),
			Labels:         bc.Labels,
			Proxy:          proxyEnv(bc.BuildArgs),
		})
		if err != nil {
			return nil, err
		}
		def, err := res.State.Marshal(ctx, llb.Platform(target), llb.WithCaps(caps))
		if err != nil {
			return nil, err
		}
		// Evaluate: the build runs here rather than at export, so its errors
		// reach the frontend, which explains pnpm's refusal of the lockfile.
		sr, err := c.Solve(ctx, client.SolveRequest{Definition: def.ToPB(), CacheImports: bc.CacheImports, Evaluate: true})
		if err != nil {
			return nil, lockfileRefused(err, ws, plan)
		}
		ref, err := sr.SingleRef()
		if err != nil {
			return nil, err
		}
		return &dockerui.BuildResult{Reference: ref, Image: res.Image, BaseImage: res.BaseImage, Epoch: epoch}, nil
	})
	if err != nil {
		return nil, err
	}
	return rb.Finalize()
}

// loadWorkspace fetches only the workspace metadata files from the build context
// and solves the workspace over them. It returns their state too: the install
// step copies from it, so nothing is transferred twice.
func loadWorkspace(ctx context.Context, c client.Client, bc *dockerui.Client) (*workspace, error) {
	st, fsys, err := readContext(ctx, c, bc, pnpm.MetadataPatterns, pnpm.MetadataExcludes, "monokit-metadata", "load workspace metadata")
	if err != nil {
		return &workspace{}, err
	}
	ws, err := pnpm.Load(fsys)
	return &workspace{ws, st, fsys}, err
}

// workspace is what loadWorkspace read: the workspace, the state of its
// metadata files (the install copies from it), and those files, which
// errors quote. Its files are there even when loading failed.
type workspace struct {
	ws       *pnpm.Workspace
	metadata llb.State
	files    fs.FS
}

// readContext transfers the context's files that match include (less
// .dockerignore's and excludes) and reads them all, concurrently.
func readContext(ctx context.Context, c client.Client, bc *dockerui.Client, include, excludes []string, key, name string) (llb.State, fs.FS, error) {
	ignored, err := bc.DockerIgnorePatterns(ctx)
	if err != nil {
		return llb.State{}, nil, err
	}
	st, err := bc.MainContext(ctx,
		llb.IncludePatterns(include),
		llb.ExcludePatterns(append(ignored, excludes...)),
		llb.SharedKeyHint(key),
		dockerui.WithInternalName(name),
	)
	if err != nil {
		return llb.State{}, nil, err
	}
	def, err := st.Marshal(ctx)
	if err != nil {
		return llb.State{}, nil, err
	}
	res, err := c.Solve(ctx, client.SolveRequest{Definition: def.ToPB()})
	if err != nil {
		return llb.State{}, nil, err
	}
	ref, err := res.SingleRef()
	if err != nil {
		return llb.State{}, nil, err
	}
	fsys := newRefFS(ctx, ref)
	if err := fsys.prefetch(); err != nil {
		return llb.State{}, nil, err
	}
	return *st, fsys, nil
}

// defaultPlatforms uses the manifest's platforms when --platform is not given.
func defaultPlatforms(bc *dockerui.Client, m *manifest.Manifest) error {
	if len(bc.TargetPlatforms) > 0 || len(m.Platforms) == 0 {
		return nil
	}
	for _, s := range m.Platforms {
		p, err := platforms.Parse(s.Value)
		if err != nil {
			return diag.Errorf(s.Pos, "platforms: %v", err)
		}
		bc.TargetPlatforms = append(bc.TargetPlatforms, platforms.Normalize(p))
	}
	bc.MultiPlatformRequested = bc.MultiPlatformRequested || len(bc.TargetPlatforms) > 1
	return nil
}

// sourceDateEpoch reads the SOURCE_DATE_EPOCH build arg (buildx passes the
// environment variable as one).
func sourceDateEpoch(args map[string]string) (*time.Time, error) {
	v, ok := args["SOURCE_DATE_EPOCH"]
	if !ok || v == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970 as a whole number", v)
	}
	t := time.Unix(sec, 0).UTC()
	return &t, nil
}

// runnable reports whether some worker executes a platform, natively or through
// the emulators registered on its host; nil when the workers are not known.
func runnable(workers []client.WorkerInfo) func(ocispecs.Platform) bool {
	var all []ocispecs.Platform
	for _, w := range workers {
		all = append(all, w.Platforms...)
	}
	if len(all) == 0 {
		return nil
	}
	m := platforms.Any(all...)
	return m.Match
}

// MergeOpArg is the build argument that turns merge ops off: the runtime is
// then assembled with copies, as on a daemon without merge and diff ops (the
// Docker engine's classic image store), where monokit falls back by itself.
const MergeOpArg = "MONOKIT_MERGE_OP"

func useMergeOp(supported bool, args map[string]string) (bool, error) {
	v, ok := args[MergeOpArg]
	if !ok {
		return supported, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("--build-arg %s=%q: want true or false", MergeOpArg, diag.Clip(v))
	}
	return on && supported, nil
}
