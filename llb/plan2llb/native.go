package plan2llb

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
)

// native runs the install scripts pnpm deploy skipped, on the target platform:
// the build image for that platform, the production tree mounted, one exec.
// It is the only step that may execute on the target platform. For the build
// platform it runs as the plan's variant says, from a stage it needs.
func (b *graph) native(ctx context.Context, s plan.Stage) error {
	if v := s.OnBuildPlatform; v != nil && platforms.OnlyStrict(b.o.BuildPlatform).Match(b.o.TargetPlatform) {
		base, err := b.need(s, v.From)
		if err != nil {
			return err
		}
		s.Run = v.Run
		return b.treeScript(ctx, s, base)
	}
	img, _, err := b.o.Image(ctx, s.Image, b.o.TargetPlatform)
	if err != nil {
		return err
	}
	return b.treeScript(ctx, s, img)
}

// treeScript runs a script on base with the production tree mounted
// read-write (at solver.TreeDir) and the stage's images read-only; the tree
// mount's result is the stage's, with no copy in or out.
func (b *graph) treeScript(ctx context.Context, s plan.Stage, base llb.State) error {
	base, err := b.withFiles(base, s)
	if err != nil {
		return err
	}
	b.states[s.ID], err = b.exec(ctx, base, s)
	return err
}

// withFiles writes the stage's helper scripts and data files onto st.
func (b *graph) withFiles(st llb.State, s plan.Stage) (llb.State, error) {
	if len(s.Helpers) == 0 && len(s.Files) == 0 {
		return st, nil
	}
	var fa *llb.FileAction
	write := func(p string, data []byte) {
		if fa == nil {
			fa = llb.Mkdir(path.Dir(p), 0o755, llb.WithParents(true))
		} else {
			fa = fa.Mkdir(path.Dir(p), 0o755, llb.WithParents(true))
		}
		fa = fa.Mkfile(p, 0o644, data)
	}
	for _, h := range s.Helpers {
		data, err := helpers.Script(h)
		if err != nil {
			return llb.State{}, err
		}
		write(h, data)
	}
	for _, f := range s.Files {
		write(f.Path, []byte(f.Data))
	}
	return st.File(fa, b.constraints(s, "MKFILE "+strings.Join(append(slices.Clone(s.Helpers), fileNames(s.Files)...), " "))...), nil
}

func fileNames(fs []plan.File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

// targetEnv sets the target platform's os and cpu, as npm names them, for a
// per-target stage.
func targetEnv(st llb.State, p ocispecs.Platform) llb.State {
	return st.AddEnv(plan.TargetOSEnv, p.OS).AddEnv(plan.TargetCPUEnv, plan.NodeArch(p.Architecture))
}
