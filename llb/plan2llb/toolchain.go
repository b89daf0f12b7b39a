package plan2llb

import (
	"context"
	"strings"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

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
