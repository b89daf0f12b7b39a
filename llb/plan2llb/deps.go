package plan2llb

import (
	"context"
	"slices"
	"strings"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

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
	// The helper that takes lifecycle scripts out of the manifests, first:
	// no metadata edit writes it again.
	if tc, err = b.withFiles(tc, s); err != nil {
		return err
	}
	fa := llb.Copy(b.metadata(), "/", plan.BuildRoot+"/", contextCopy(s.Inputs, s.Excludes, b.o.Epoch))
	fa = aliasCopies(fa, b.metadata(), s, b.o.Epoch)
	if len(s.ContextInputs) > 0 {
		fa = fa.Copy(b.o.Context, "/", plan.BuildRoot+"/", contextCopy(s.ContextInputs, s.Excludes, b.o.Epoch))
	}
	base := tc.File(fa, b.constraints(s, "COPY "+strings.Join(append(slices.Clone(s.Inputs), s.ContextInputs...), " "))...)
	run, err := b.exec(ctx, base, s)
	b.states[s.ID] = run
	return err
}
