package plan2llb

import (
	"context"
	"path"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

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
	fa = aliasCopies(fa, b.o.Context, s, b.o.Epoch)
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
// A build's dependents copy its result for them: what its setup steps wrote
// (its KeepExtra mount) and its outputs.
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
	if s.Kind == plan.KindBuild || s.Kind == plan.KindGenerate {
		// What its setup steps wrote (at their paths in the build), then
		// its outputs, which its build wrote last.
		out := llb.Scratch()
		if extra, ok := b.extras[s.ID]; ok {
			out = extra
		}
		for _, o := range s.Outputs {
			p := path.Join(plan.BuildRoot, o)
			out = out.File(llb.Copy(run, p, p, &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true, CreatedTime: b.o.Epoch}), b.constraints(s, "COPY output "+o)...)
		}
		b.outputs[s.ID] = out
	}
	return nil
}
