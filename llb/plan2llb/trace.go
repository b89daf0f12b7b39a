package plan2llb

import (
	"context"

	"github.com/monokit/monokit/solver/plan"
)

// trace runs the trace stage on the toolchain (where @vercel/nft is), with
// the untraced layers mounted: its result is the kept files, a directory per
// layer, which the runtime copies. Its copies are not applied here: they
// define the untraced layers it and the workspace stage mount.
func (b *graph) trace(ctx context.Context, s plan.Stage) error {
	_, tc, err := b.needKind(s, plan.KindToolchain)
	if err != nil {
		return err
	}
	base, err := b.withFiles(tc, s)
	if err != nil {
		return err
	}
	b.states[s.ID], err = b.exec(ctx, base, s)
	return err
}
