package plan2llb

import (
	"context"
	"fmt"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/solver/plan"
)

// ImageFunc returns the state of an image reference for a platform, and its
// config when known (the runtime image's becomes the result's base). The
// frontend resolves named contexts and registry images; tests return fixed
// states.
type ImageFunc func(ctx context.Context, ref string, platform ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error)

// Result is what Build returns, in the shape of dockerfile2llb's: the image's
// state, its config and the config of the image it starts from.
type Result struct {
	State     llb.State
	Image     *dockerspec.DockerOCIImage
	BaseImage *dockerspec.DockerOCIImage
}

// Options are the per-request facts Build needs. Build reads nothing else: no
// environment, no clock, no network.
type Options struct {
	// Context is the build context, already filtered to plan.ContextPaths.
	Context llb.State
	// Metadata holds the workspace metadata files (pnpm.MetadataPatterns) the
	// frontend already transferred to plan; the install reads its inputs from it,
	// so the lockfile crosses the wire once. Zero: read them from Context.
	Metadata llb.State
	// Image resolves every base image.
	Image ImageFunc
	// BuildPlatform runs toolchain, install, builds and prune; TargetPlatform is
	// the runtime image's.
	BuildPlatform  ocispecs.Platform
	TargetPlatform ocispecs.Platform
	// MergeOp says the worker supports llb.Merge (Docker's classic store does not).
	MergeOp bool
	// CacheNS prefixes cache mount IDs (BUILDKIT_CACHE_MOUNT_NS).
	CacheNS string
	// NoCache reports whether a stage must not use the build cache (--no-cache,
	// --no-cache-filter).
	NoCache func(stageID string) bool
	// SourceMap locates ops in the manifest; nil outside the frontend.
	SourceMap *llb.SourceMap
	// Epoch is SOURCE_DATE_EPOCH for created timestamps of copied files.
	Epoch *time.Time
	// Runnable reports whether the worker can execute a platform (natively or
	// emulated); nil means it can run any.
	Runnable func(ocispecs.Platform) bool
	// Labels are added to the image's (--label), over the plan's.
	Labels map[string]string
	// Proxy is the HTTP_PROXY, HTTPS_PROXY, NO_PROXY, FTP_PROXY and ALL_PROXY
	// of every step, from the build arguments of those names, as the
	// Dockerfile frontend passes them: outside the cache key and the history.
	Proxy *llb.ProxyEnv
}

// Build returns the runtime image of plan for o.TargetPlatform: its state and
// config.
func Build(ctx context.Context, pl *plan.Plan, o Options) (*Result, error) {
	if o.Image == nil {
		return nil, fmt.Errorf("plan2llb: Options.Image is required")
	}
	if err := pl.CheckPlatform(o.BuildPlatform, o.TargetPlatform, o.Runnable); err != nil {
		return nil, err
	}
	b := &graph{plan: pl, o: o, states: map[string]llb.State{}, outputs: map[string]llb.State{}, extras: map[string]llb.State{}, collected: map[string]llb.State{}, layers: map[string]llb.State{}}
	full := pl.Expander() // a build's closure, as its lists
	for _, s := range pl.Stages {
		s = full(s)
		var err error
		switch s.Kind {
		case plan.KindToolchain:
			err = b.toolchain(ctx, s)
		case plan.KindDeps:
			err = b.deps(ctx, s)
		case plan.KindBuild, plan.KindGenerate, plan.KindApp:
			err = b.packageBuild(ctx, s)
		case plan.KindPrune, plan.KindWorkspace:
			err = b.prune(ctx, s)
		case plan.KindNative:
			err = b.native(ctx, s)
		case plan.KindSelect:
			err = b.selectPlatform(ctx, s)
		case plan.KindTrace:
			err = b.trace(ctx, s)
		case plan.KindRuntime:
			err = b.runtime(ctx, s)
		default:
			err = fmt.Errorf("plan2llb: stage %s has unknown kind %q", s.ID, s.Kind)
		}
		if err != nil {
			return nil, err
		}
	}
	if b.runtimeID == "" {
		return nil, fmt.Errorf("plan2llb: plan for %s has no runtime stage", pl.Target)
	}
	img := Image(pl, b.baseImage, o.TargetPlatform, o.Epoch)
	for k, v := range o.Labels {
		img.Config.Labels[k] = v
	}
	return &Result{State: b.states[b.runtimeID], Image: img, BaseImage: b.baseImage}, nil
}

// graph holds the states of the stages built so far.
type graph struct {
	plan *plan.Plan
	o    Options
	// runtimeID is the runtime stage's, and baseImage its image's config.
	runtimeID string
	baseImage *dockerspec.DockerOCIImage
	// states are each stage's full result; outputs are build stages' outputs
	// alone, on scratch, so dependents merge them as independent layers;
	// extras and collected are what stages keep of their KeepExtra and
	// KeepCollect mounts.
	states    map[string]llb.State
	outputs   map[string]llb.State
	extras    map[string]llb.State
	collected map[string]llb.State
	// layers are the runtime's named layers, built once for the runtime and
	// the stages that mount them.
	layers map[string]llb.State
}

func (b *graph) need(s plan.Stage, id string) (llb.State, error) {
	st, ok := b.states[id]
	if !ok {
		return llb.State{}, fmt.Errorf("plan2llb: stage %s needs %s, which the plan has not built before it", s.ID, id)
	}
	return st, nil
}

// needKind is the stage of that kind among those s needs: the plan's Needs are
// the only way one stage reaches another.
func (b *graph) needKind(s plan.Stage, kind plan.Kind) (string, llb.State, error) {
	for _, id := range s.Needs {
		if n := b.plan.Stage(id); n != nil && n.Kind == kind {
			st, err := b.need(s, id)
			return id, st, err
		}
	}
	return "", llb.State{}, fmt.Errorf("plan2llb: stage %s needs no %s stage", s.ID, kind)
}

// constraints are the options every op of stage s carries: a name for progress
// output, where in the manifest it comes from, and --no-cache.
func (b *graph) constraints(s plan.Stage, name string) []llb.ConstraintsOpt {
	id := s.ID
	if s.PerTarget || s.Platform == plan.OnTarget {
		// One per target platform in a multi-platform build.
		id += " " + platforms.Format(b.o.TargetPlatform)
	}
	opts := []llb.ConstraintsOpt{llb.WithCustomName(fmt.Sprintf("[%s] %s", id, name))}
	if loc := b.location(s); loc != nil {
		opts = append(opts, loc)
	}
	if b.o.NoCache != nil && b.o.NoCache(s.ID) {
		opts = append(opts, llb.IgnoreCache)
	}
	return opts
}

// location attaches the manifest position of the stage's target to its ops, so
// BuildKit errors point at the manifest.
func (b *graph) location(s plan.Stage) llb.ConstraintsOpt {
	sm := b.o.SourceMap
	if sm == nil {
		return nil
	}
	pos := b.plan.Pos
	if s.Pos.File == sm.Filename && s.Pos.Line > 0 {
		pos = s.Pos
	}
	if pos.Line < 1 {
		return nil
	}
	return sm.Location([]*pb.Range{{Start: &pb.Position{Line: int32(pos.Line)}, End: &pb.Position{Line: int32(pos.Line)}}})
}
