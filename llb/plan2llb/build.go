package plan2llb

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/monokit/monokit/solver/plan"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
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
	b := &graph{plan: pl, o: o, states: map[string]llb.State{}, outputs: map[string]llb.State{}, extras: map[string]llb.State{}, collected: map[string]llb.State{}}
	for _, s := range pl.Stages {
		var err error
		switch s.Kind {
		case plan.KindToolchain:
			err = b.toolchain(ctx, s)
		case plan.KindDeps:
			err = b.deps(ctx, s)
		case plan.KindBuild, plan.KindApp:
			err = b.packageBuild(ctx, s)
		case plan.KindPrune, plan.KindWorkspace:
			err = b.prune(ctx, s)
		case plan.KindNative:
			err = b.native(ctx, s)
		case plan.KindSelect:
			err = b.selectPlatform(ctx, s)
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

func (b *graph) toolchain(ctx context.Context, s plan.Stage) error {
	img, _, err := b.o.Image(ctx, s.Image, b.o.BuildPlatform)
	if err != nil {
		return err
	}
	// Merge and Run keep the first input's environment, so this reaches every
	// later step on the build image.
	st := withEnv(img, s.Env)
	run := append([]llb.RunOption{shell(s.Run)}, b.caches(s)...)
	run = append(run, b.secrets(s)...)
	if len(s.Inputs) > 0 {
		// Mounted read-only where deps later copies them: the toolchain's
		// layer, under every later step, does not hold them.
		run = append(run, llb.AddMount(plan.BuildRoot, llb.Scratch().File(llb.Copy(b.metadata(), "/", "/", contextCopy(s.Inputs, nil, b.o.Epoch))), llb.Readonly))
	}
	b.states[s.ID] = st.Run(append(run, b.runOptions(s, "RUN "+strings.Join(s.Run, " && "))...)...).Root()
	return nil
}

// metadata is the state holding the files pnpm reads (the whole context when
// the caller has none apart).
func (b *graph) metadata() llb.State {
	if b.o.Metadata.Output() == nil {
		return b.o.Context
	}
	return b.o.Metadata
}

// deps copies only the metadata pnpm reads onto the toolchain and installs.
func (b *graph) deps(ctx context.Context, s plan.Stage) error {
	_, tc, err := b.needKind(s, plan.KindToolchain)
	if err != nil {
		return err
	}
	fa := llb.Copy(b.metadata(), "/", plan.BuildRoot+"/", contextCopy(s.Inputs, s.Excludes, b.o.Epoch))
	if len(s.ContextInputs) > 0 {
		fa = fa.Copy(b.o.Context, "/", plan.BuildRoot+"/", contextCopy(s.ContextInputs, s.Excludes, b.o.Epoch))
	}
	base := tc.File(fa, b.constraints(s, "COPY "+strings.Join(append(slices.Clone(s.Inputs), s.ContextInputs...), " "))...)
	run, err := b.exec(ctx, base, s)
	b.states[s.ID] = run
	return err
}

// base is where a build or prune step starts: deps with the stage's helper
// and data files (written first, so an edit to the sources does not write them
// again), then the stage's inputs from the context (its sources, root inputs,
// sources of dependencies without a build), then the outputs of the builds it
// needs. They are copied onto deps in one file op rather than merged: an exec
// on a merge first materialises it, hardlinking the whole dependency tree,
// which costs more than copying sources and outputs.
func (b *graph) base(s plan.Stage) (llb.State, error) {
	depsID, deps, err := b.needKind(s, plan.KindDeps)
	if err != nil {
		return llb.State{}, err
	}
	if len(s.Run) > 0 {
		if deps, err = b.withFiles(deps, s); err != nil {
			return llb.State{}, err
		}
	}
	var fa *llb.FileAction
	add := func(src llb.State, info *llb.CopyInfo) {
		if fa == nil {
			fa = llb.Copy(src, "/", "/", info)
		} else {
			fa = fa.Copy(src, "/", "/", info)
		}
	}
	if len(s.Inputs) > 0 { // no patterns would mean the whole context
		fa = llb.Copy(b.o.Context, "/", plan.BuildRoot+"/", contextCopy(s.Inputs, s.Excludes, b.o.Epoch))
	}
	for _, id := range s.Needs {
		if id == depsID {
			continue
		}
		if _, err := b.need(s, id); err != nil {
			return llb.State{}, err
		}
		// Only builds have outputs; a stage needed for what it keeps
		// (the app's generated files, mounted) adds nothing here.
		if out, ok := b.outputs[id]; ok {
			add(out, &llb.CopyInfo{CopyDirContentsOnly: true})
		}
	}
	if fa == nil {
		return deps, nil
	}
	return deps.File(fa, b.constraints(s, "COPY sources and dependency outputs")...), nil
}

// packageBuild runs a package's build in its directory on top of its base.
func (b *graph) packageBuild(ctx context.Context, s plan.Stage) error {
	base, err := b.base(s)
	if err != nil {
		return err
	}
	if len(s.Run) == 0 {
		b.states[s.ID] = base
		return nil
	}
	run, err := b.exec(ctx, base, s)
	if err != nil {
		return err
	}
	b.states[s.ID] = run
	if s.Kind == plan.KindBuild {
		out := llb.Scratch()
		for _, o := range s.Outputs {
			p := path.Join(plan.BuildRoot, o)
			out = out.File(llb.Copy(run, p, p, &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true, CreatedTime: b.o.Epoch}), b.constraints(s, "COPY output "+o)...)
		}
		b.outputs[s.ID] = out
	}
	return nil
}

// prune runs a production-tree stage's commands on its base (pnpm deploy, or
// the workspace stage's copy onto the deployed tree), or gathers Next.js's
// standalone output, into PruneRoot. The commands write into a mount the plan
// keeps as the stage's result: the tree is never copied out of a build
// filesystem.
func (b *graph) prune(ctx context.Context, s plan.Stage) error {
	if len(s.Run) > 0 {
		base, err := b.base(s)
		if err != nil {
			return err
		}
		b.states[s.ID], err = b.exec(ctx, base, s)
		return err
	}
	out := llb.Scratch()
	for _, c := range s.Copies {
		src, err := b.source(s, c)
		if err != nil {
			return err
		}
		out = out.File(copyOp(src, c, nil, b.o.Epoch), b.constraints(s, copyName(b.plan, c))...)
	}
	b.states[s.ID] = out
	return nil
}

// runtime adds the production tree to the runtime image on the target platform
// with file operations only: nothing executes on the target platform, so no
// emulation is needed. Files are owned by root, so the app user cannot change them.
func (b *graph) runtime(ctx context.Context, s plan.Stage) error {
	img, cfg, err := b.o.Image(ctx, s.Image, b.o.TargetPlatform)
	if err != nil {
		return err
	}
	b.runtimeID, b.baseImage = s.ID, cfg
	root := &llb.ChownOpt{User: &llb.UserOpt{UID: 0}, Group: &llb.UserOpt{UID: 0}}
	// One file op per layer the plan names, so one image layer each (a
	// chain of ops would export a layer per op), and Image writes one
	// history entry for each.
	var layers []llb.State
	for _, group := range runtimeLayers(s) {
		var fa *llb.FileAction
		for _, c := range group {
			src, err := b.source(s, c)
			if err != nil {
				return err
			}
			if fa == nil {
				fa = copyOp(src, c, root, b.o.Epoch)
			} else {
				fa = fa.Copy(src, c.Src, c.Dest, copyInfo(c, root, b.o.Epoch))
			}
		}
		layers = append(layers, llb.Scratch().File(fa, b.constraints(s, layerName(b.plan, group))...))
	}
	b.states[s.ID] = b.layer(img, layers, s, "MERGE the app onto "+s.Image)
	return nil
}

// runtimeLayers splits the runtime stage's copies into its layers: each run
// of copies the plan puts in one.
func runtimeLayers(s plan.Stage) [][]plan.Copy {
	var out [][]plan.Copy
	for i, c := range s.Copies {
		if i == 0 || c.Layer != s.Copies[i-1].Layer {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// layerName describes a runtime layer, in progress output and in the image's
// history: the same text on every platform.
func layerName(pl *plan.Plan, group []plan.Copy) string {
	var copies []string
	for _, c := range group {
		copies = append(copies, strings.TrimPrefix(copyName(pl, c), "COPY "))
	}
	name := "COPY " + strings.Join(copies, ", ")
	if l := group[0].Layer; l != "" {
		name = fmt.Sprintf("COPY %s layer: %s", l, strings.Join(copies, ", "))
	}
	return name
}

func copyOp(src llb.State, c plan.Copy, chown *llb.ChownOpt, epoch *time.Time) *llb.FileAction {
	return llb.Copy(src, c.Src, c.Dest, copyInfo(c, chown, epoch))
}

func copyInfo(c plan.Copy, chown *llb.ChownOpt, epoch *time.Time) *llb.CopyInfo {
	return &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true, ChownOpt: chown, CreatedTime: epoch, ExcludePatterns: c.Excludes}
}

// copyName names a copy in progress output; a collected copy by the paths the
// From stage collected.
func copyName(pl *plan.Plan, c plan.Copy) string {
	if c.Collected {
		if from := pl.Stage(c.From); from != nil {
			return fmt.Sprintf("COPY %s %s", plan.CollectedPaths(from.Collect), c.Dest)
		}
	}
	return fmt.Sprintf("COPY %s %s", c.Src, c.Dest)
}

// source is the state a copy reads: the From stage's result, or what it collected.
func (b *graph) source(s plan.Stage, c plan.Copy) (llb.State, error) {
	if !c.Collected {
		return b.need(s, c.From)
	}
	st, ok := b.collected[c.From]
	if !ok {
		return llb.State{}, fmt.Errorf("plan2llb: stage %s copies what %s collected, which collects nothing", s.ID, c.From)
	}
	return st, nil
}

// contextCopy copies the given context paths (globs allowed) and nothing else. A
// pattern that matches nothing copies nothing, and content outside the patterns
// does not affect the cache key.
func contextCopy(include, exclude []string, epoch *time.Time) *llb.CopyInfo {
	return &llb.CopyInfo{
		CopyDirContentsOnly: true,
		CreateDestPath:      true,
		IncludePatterns:     include,
		ExcludePatterns:     exclude,
		CreatedTime:         epoch,
	}
}

// layer puts layers on top of base: merged when the worker can, so each stays
// an independent layer; copied one after another otherwise.
func (b *graph) layer(base llb.State, layers []llb.State, s plan.Stage, name string) llb.State {
	if b.o.MergeOp {
		return llb.Merge(append([]llb.State{base}, layers...), b.constraints(s, name)...)
	}
	for _, l := range layers {
		base = base.File(llb.Copy(l, "/", "/", &llb.CopyInfo{CopyDirContentsOnly: true}), b.constraints(s, strings.Replace(name, "MERGE", "COPY", 1))...)
	}
	return base
}

// exec runs a stage's commands in its Workdir with its mounts, caches and
// secrets, and returns its result: its filesystem, or the mount it keeps as
// its result. What it keeps of other mounts goes to extras and collected.
func (b *graph) exec(ctx context.Context, base llb.State, s plan.Stage) (llb.State, error) {
	st := withEnv(base, s.Env)
	if s.Workdir != "" {
		st = st.Dir(s.Workdir)
	}
	if s.PerTarget {
		st = targetEnv(st, b.o.TargetPlatform)
	}
	run := []llb.RunOption{shell(s.Run)}
	for _, m := range s.Mounts {
		src, err := b.mountSource(ctx, s, m)
		if err != nil {
			return llb.State{}, err
		}
		var opts []llb.MountOption
		if m.Keep == "" {
			opts = append(opts, llb.Readonly)
		}
		run = append(run, llb.AddMount(m.Target, src, opts...))
	}
	run = append(run, b.caches(s)...)
	run = append(run, b.secrets(s)...)
	name := s.Title
	if name == "" {
		name = "RUN " + strings.Join(s.Run, " && ")
	}
	es := st.Run(append(run, b.runOptions(s, name)...)...)
	result := es.Root()
	for _, m := range s.Mounts {
		switch m.Keep {
		case plan.KeepResult:
			result = es.GetMount(m.Target)
		case plan.KeepExtra:
			b.extras[s.ID] = es.GetMount(m.Target)
		case plan.KeepCollect:
			b.collected[s.ID] = es.GetMount(m.Target)
		}
	}
	return result, nil
}

// mountSource is what a mount starts as: an image for the target platform, a
// needed stage's result or what it keeps, or an empty directory.
func (b *graph) mountSource(ctx context.Context, s plan.Stage, m plan.Mount) (llb.State, error) {
	switch {
	case m.Image != "":
		img, _, err := b.o.Image(ctx, m.Image, b.o.TargetPlatform)
		return img, err
	case m.Stage != "" && m.Extra:
		if _, err := b.need(s, m.Stage); err != nil {
			return llb.State{}, err
		}
		st, ok := b.extras[m.Stage]
		if !ok {
			return llb.State{}, fmt.Errorf("plan2llb: stage %s mounts what %s keeps, which keeps nothing", s.ID, m.Stage)
		}
		return st, nil
	case m.Stage != "":
		return b.need(s, m.Stage)
	}
	return llb.Scratch(), nil
}

// secrets mounts the plan's secrets into stage s, if it mounts them. A CA
// bundle is also named by NODE_EXTRA_CA_CERTS, for this step only: a run
// option's environment does not reach the step's result.
func (b *graph) secrets(s plan.Stage) []llb.RunOption {
	if !s.Secrets {
		return nil
	}
	var out []llb.RunOption
	for _, sec := range b.plan.Secrets {
		var opts []llb.SecretOption
		if !sec.Required {
			opts = append(opts, llb.SecretOptional)
		}
		if sec.Env != "" {
			out = append(out, llb.AddSecretWithDest(sec.ID, nil, append(opts, llb.SecretAsEnvName(sec.Env))...))
			continue
		}
		out = append(out, llb.AddSecret(sec.File(), append(opts, llb.SecretID(sec.ID))...))
		if sec.CA {
			out = append(out, llb.AddEnv(plan.CAEnv, sec.File()))
		}
	}
	return out
}

// caches are the stage's persistent cache mounts, as the plan declares them.
func (b *graph) caches(s plan.Stage) []llb.RunOption {
	sharing := map[string]llb.CacheMountSharingMode{plan.CacheLocked: llb.CacheMountLocked, plan.CacheShared: llb.CacheMountShared, plan.CachePrivate: llb.CacheMountPrivate}
	var out []llb.RunOption
	for _, c := range s.Caches {
		out = append(out, llb.AddMount(c.Target, llb.Scratch(), llb.AsPersistentCacheDir(b.cacheID(c.Name), sharing[c.Sharing])))
	}
	return out
}

// cacheID namespaces a cache mount by the build platform and the plan's cache key
// (libc and Node.js major), so stores of incompatible native builds never mix.
func (b *graph) cacheID(name string) string {
	p := b.o.BuildPlatform
	arch := p.Architecture
	if p.Variant != "" {
		arch += p.Variant
	}
	id := fmt.Sprintf("monokit/%s/%s-%s-%s", name, p.OS, arch, b.plan.CacheKey)
	if b.o.CacheNS != "" {
		id = b.o.CacheNS + "/" + id
	}
	return id
}

// shell runs each command in a /bin/sh -e of its own, in order, stopping at the
// first that fails. The commands are arguments, not text of one script: a
// heredoc, an exit or a trailing backslash in a user's command cannot swallow
// or skip monokit's commands after it.
func shell(cmds []string) llb.RunOption {
	return llb.Args(append([]string{"/bin/sh", "-c", `for c in "$@"; do /bin/sh -ec "$c" || exit; done`, "sh"}, cmds...))
}

func withEnv(st llb.State, env []string) llb.State {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		st = st.AddEnv(k, v)
	}
	return st
}

// runOptions are what every exec of stage s carries besides its command and
// mounts: its constraints, and the proxy settings.
func (b *graph) runOptions(s plan.Stage, name string) []llb.RunOption {
	var out []llb.RunOption
	for _, o := range b.constraints(s, name) {
		out = append(out, o)
	}
	if b.o.Proxy != nil {
		out = append(out, llb.WithProxy(*b.o.Proxy))
	}
	return out
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
