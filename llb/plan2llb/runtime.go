package plan2llb

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

// runtime adds the production tree to the runtime image on the target platform
// with file operations only: nothing executes on the target platform, so no
// emulation is needed. Files are owned by root, so the app user cannot change them.
func (b *graph) runtime(ctx context.Context, s plan.Stage) error {
	img, cfg, err := b.o.Image(ctx, s.Image, b.o.TargetPlatform)
	if err != nil {
		return err
	}
	b.runtimeID, b.baseImage = s.ID, cfg
	// One file op per layer the plan names, so one image layer each (a
	// chain of ops would export a layer per op), and Image writes one
	// history entry for each.
	var layers []llb.State
	for _, group := range runtimeLayers(s) {
		l, err := b.runtimeLayer(s, s, group)
		if err != nil {
			return err
		}
		layers = append(layers, l)
	}
	b.states[s.ID] = b.layer(img, layers, s, "MERGE the app onto "+s.Image)
	return nil
}

// runtimeLayer is one layer of the runtime stage rt: its copies onto scratch,
// owned by root, so the app user cannot change them. A stage that mounts the
// layer (Mount.Layer) and the runtime get the same state: need is the stage
// asking, whose Needs must hold the copies' sources.
func (b *graph) runtimeLayer(rt, need plan.Stage, group []plan.Copy) (llb.State, error) {
	name := group[0].Layer
	key := rt.ID + "/" + name // the trace's untraced layers and the runtime's share names
	if st, ok := b.layers[key]; ok && name != "" {
		return st, nil
	}
	root := &llb.ChownOpt{User: &llb.UserOpt{UID: 0}, Group: &llb.UserOpt{UID: 0}}
	var fa *llb.FileAction
	for _, c := range group {
		src, err := b.source(need, c)
		if err != nil {
			return llb.State{}, err
		}
		if fa == nil {
			fa = copyOp(src, c, root, b.o.Epoch)
		} else {
			fa = fa.Copy(src, c.Src, c.Dest, copyInfo(c, root, b.o.Epoch))
		}
	}
	st := llb.Scratch().File(fa, b.constraints(rt, layerName(b.plan, group))...)
	if name != "" {
		b.layers[key] = st
	}
	return st, nil
}

// namedLayer is the untraced runtime's layer of that name, for a stage
// that mounts it.
func (b *graph) namedLayer(need plan.Stage, name string) (llb.State, error) {
	if rt := b.layerStage(); rt != nil {
		for _, group := range runtimeLayers(*rt) {
			if group[0].Layer == name {
				return b.runtimeLayer(*rt, need, group)
			}
		}
	}
	return llb.State{}, fmt.Errorf("plan2llb: stage %s mounts the runtime's %s layer, which the plan's runtime stage does not have", need.ID, name)
}

// mergedLayers are the untraced runtime's layers of those names, the later
// on top, as one filesystem.
func (b *graph) mergedLayers(need plan.Stage, names []string) (llb.State, error) {
	var layers []llb.State
	for _, name := range names {
		l, err := b.namedLayer(need, name)
		if err != nil {
			return llb.State{}, err
		}
		layers = append(layers, l)
	}
	return b.layer(llb.Scratch(), layers, need, "MERGE the untraced tree"), nil
}

// layerStage is the stage whose copies define the runtime's untraced
// layers: the trace stage, which holds them when the runtime ships its
// cut, else the runtime stage; nil if the plan has neither.
func (b *graph) layerStage() *plan.Stage {
	var rt *plan.Stage
	for i := range b.plan.Stages {
		switch b.plan.Stages[i].Kind {
		case plan.KindTrace:
			return &b.plan.Stages[i]
		case plan.KindRuntime:
			rt = &b.plan.Stages[i]
		}
	}
	return rt
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
