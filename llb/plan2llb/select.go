package plan2llb

import (
	"context"
	"strings"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

// selectPlatform fits Next.js's traced tree to the target platform, on the
// toolchain (build platform, with npm to fetch the target's packages), with
// the inputs it reads from the context (the repository's .npmrc).
func (b *graph) selectPlatform(ctx context.Context, s plan.Stage) error {
	_, tc, err := b.needKind(s, plan.KindToolchain)
	if err != nil {
		return err
	}
	if len(s.Inputs) > 0 {
		tc = tc.File(llb.Copy(b.o.Context, "/", plan.BuildRoot+"/", contextCopy(s.Inputs, s.Excludes, b.o.Epoch)), b.constraints(s, "COPY "+strings.Join(s.Inputs, " "))...)
	}
	return b.treeScript(ctx, s, tc)
}
