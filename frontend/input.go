package frontend

import (
	"context"
	"io/fs"
	"path"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"

	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// input is what a build reads of the build context, in the one order every
// job takes (build, --call check, zero-config inference): first the
// workspace metadata, from which the solver plans; then, where the job needs
// them, the sources the plan or the inference names; then, for a build, the
// context the plan's stages copy from.
type input struct {
	c  client.Client
	bc *dockerui.Client
	ws *pnpm.Workspace
	// metadata is the state of the metadata files: the install copies from
	// it, so nothing is transferred twice.
	metadata llb.State
	// files are those files, which errors quote. They are there even when
	// loading the workspace failed.
	files fs.FS
}

// loadInput transfers only the workspace metadata files from the build
// context and loads the workspace over them.
func loadInput(ctx context.Context, c client.Client, bc *dockerui.Client) (*input, error) {
	in := &input{c: c, bc: bc}
	st, fsys, err := in.read(ctx, pnpm.MetadataPatterns, pnpm.MetadataExcludes, "monokit-metadata", "load workspace metadata")
	if err != nil {
		return in, err
	}
	in.metadata, in.files = st, fsys
	in.ws, err = pnpm.Load(fsys)
	if err != nil {
		return in, err
	}
	// A package whose directory is a symlink does not match the patterns;
	// its importer of the lockfile names it, and a transfer that follows
	// that path brings the link and its target.
	unseen := in.ws.UnseenImporters()
	if len(unseen) == 0 {
		return in, nil
	}
	follow := make([]string, len(unseen))
	for i, dir := range unseen {
		follow[i] = path.Join(dir, "package.json")
	}
	st, fsys, err = in.read(ctx, pnpm.MetadataPatterns, pnpm.MetadataExcludes, "monokit-metadata", "load workspace metadata (following symlinked packages)", llb.FollowPaths(follow))
	if err != nil {
		return in, err
	}
	in.metadata, in.files = st, fsys
	in.ws, err = pnpm.Load(fsys)
	return in, err
}

// sources transfers the source files that patterns match (node_modules
// left out), in a second transfer, for a job that reads code: inference and
// the health route rule. None when patterns is empty.
func (in *input) sources(ctx context.Context, patterns []string, name string) (fs.FS, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	_, fsys, err := in.read(ctx, patterns, []string{plan.NodeModules}, "monokit-sources", name)
	return fsys, err
}

// context is the build context the plan's stages copy from: only its
// ContextPaths (the metadata reach the install from in.metadata).
func (in *input) context(ctx context.Context, pl *plan.Plan) (*llb.State, error) {
	return in.contextState(ctx, pl.ContextPaths, pnpm.MetadataExcludes)
}

// contextState is the state of the context's files that match include, less
// .dockerignore's and excludes.
func (in *input) contextState(ctx context.Context, include, excludes []string, opts ...llb.LocalOption) (*llb.State, error) {
	ignored, err := in.bc.DockerIgnorePatterns(ctx)
	if err != nil {
		return nil, err
	}
	return in.bc.MainContext(ctx, append([]llb.LocalOption{
		llb.IncludePatterns(include),
		llb.ExcludePatterns(append(ignored, excludes...)),
	}, opts...)...)
}

// read transfers the context's files that match include (less
// .dockerignore's and excludes) and reads them all, concurrently.
func (in *input) read(ctx context.Context, include, excludes []string, key, name string, opts ...llb.LocalOption) (llb.State, fs.FS, error) {
	st, err := in.contextState(ctx, include, excludes, append([]llb.LocalOption{llb.SharedKeyHint(key), dockerui.WithInternalName(name)}, opts...)...)
	if err != nil {
		return llb.State{}, nil, err
	}
	def, err := st.Marshal(ctx)
	if err != nil {
		return llb.State{}, nil, err
	}
	res, err := in.c.Solve(ctx, client.SolveRequest{Definition: def.ToPB()})
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
