package plan2llb

import (
	"context"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

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
