package frontend

import (
	"context"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/apicaps"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/llb/plan2llb"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// buildTarget plans bc.Target over the loaded workspace, resolves every base
// image the plan names at once, and builds the image of each target platform.
func buildTarget(ctx context.Context, in *input, m *manifest.Manifest, src *dockerui.Source) (*client.Result, error) {
	bc := in.bc
	pl, err := solver.SolveTarget(m, in.ws, bc.Target, solver.Options{BuildArgs: bc.BuildArgs})
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
	mainCtx, err := in.context(ctx, pl)
	if err != nil {
		return nil, err
	}
	caps := bc.BuildOpts().LLBCaps
	mergeOp, err := useMergeOp(caps.Supports(pb.CapMergeOp) == nil, bc.BuildArgs)
	if err != nil {
		return nil, err
	}
	buildPlatform := platforms.DefaultSpec()
	if len(bc.BuildPlatforms) > 0 {
		buildPlatform = bc.BuildPlatforms[0]
	}
	targets := bc.TargetPlatforms
	if len(targets) == 0 {
		targets = []ocispecs.Platform{buildPlatform}
	}
	// Resolve every base image at once; the per-platform builds below then
	// find them resolved.
	imgs := newImages(in.c, bc)
	onBuild, onTarget := pl.BaseImages()
	if err := imgs.prefetch(ctx, onBuild, []ocispecs.Platform{buildPlatform}, onTarget, targets); err != nil {
		return nil, err
	}
	per := platformBuild{in: in, plan: pl, caps: caps, epoch: epoch, options: plan2llb.Options{
		Context:       *mainCtx,
		Metadata:      in.metadata,
		Image:         imgs.resolve,
		BuildPlatform: buildPlatform,
		MergeOp:       mergeOp,
		CacheNS:       bc.CacheIDNamespace,
		NoCache:       func(id string) bool { return bc.IsNoCache(id) },
		SourceMap:     src.SourceMap,
		Epoch:         epoch,
		Runnable:      runnable(bc.BuildOpts().Workers),
		Labels:        bc.Labels,
		Proxy:         proxyEnv(bc.BuildArgs),
	}}
	rb, err := bc.Build(ctx, func(ctx context.Context, tp *ocispecs.Platform, _ int) (*dockerui.BuildResult, error) {
		target := buildPlatform
		if tp != nil {
			target = *tp
		}
		return per.build(ctx, target)
	})
	if err != nil {
		return nil, err
	}
	return rb.Finalize()
}

// platformBuild is what the build of each target platform shares: the plan
// and the conversion's options, all but the target platform.
type platformBuild struct {
	in      *input
	plan    *plan.Plan
	caps    apicaps.CapSet
	epoch   *time.Time
	options plan2llb.Options
}

// build converts the plan for one target platform and solves it.
func (p platformBuild) build(ctx context.Context, target ocispecs.Platform) (*dockerui.BuildResult, error) {
	o := p.options
	o.TargetPlatform = target
	res, err := plan2llb.Build(ctx, p.plan, o)
	if err != nil {
		return nil, err
	}
	def, err := res.State.Marshal(ctx, llb.Platform(target), llb.WithCaps(p.caps))
	if err != nil {
		return nil, err
	}
	// Evaluate: the build runs here rather than at export, so its errors
	// reach the frontend, which explains pnpm's refusal of the lockfile.
	sr, err := p.in.c.Solve(ctx, client.SolveRequest{Definition: def.ToPB(), CacheImports: p.in.bc.CacheImports, Evaluate: true})
	if err != nil {
		return nil, lockfileRefused(err, p.in.ws, p.plan)
	}
	ref, err := sr.SingleRef()
	if err != nil {
		return nil, err
	}
	return &dockerui.BuildResult{Reference: ref, Image: res.Image, BaseImage: res.BaseImage, Epoch: p.epoch}, nil
}
