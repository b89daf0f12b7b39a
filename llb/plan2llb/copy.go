package plan2llb

import (
	"fmt"
	"strings"
	"time"

	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

func copyOp(src llb.State, c plan.Copy, chown *llb.ChownOpt, epoch *time.Time) *llb.FileAction {
	return llb.Copy(src, c.Src, c.Dest, copyInfo(c, chown, epoch))
}

func copyInfo(c plan.Copy, chown *llb.ChownOpt, epoch *time.Time) *llb.CopyInfo {
	if c.FixedTime && epoch == nil {
		t := time.Unix(0, 0)
		epoch = &t
	}
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

// aliasCopies adds s's aliases (plan.Alias) from src to fa, which may be
// nil: each copies the real directory's files, or the file, to its path.
// The stage's excludes under Dest apply, relative to it, and every
// node_modules is left out, as in Inputs.
func aliasCopies(fa *llb.FileAction, src llb.State, s plan.Stage, epoch *time.Time) *llb.FileAction {
	for _, a := range s.Aliases {
		excludes := []string{plan.NodeModules}
		for _, e := range s.Excludes {
			if rel, ok := strings.CutPrefix(e, a.Dest+"/"); ok {
				excludes = append(excludes, rel)
			}
		}
		info := &llb.CopyInfo{CopyDirContentsOnly: true, CreateDestPath: true, ExcludePatterns: excludes, CreatedTime: epoch}
		from, to := "/"+a.Src, plan.BuildRoot+"/"+a.Dest
		if fa == nil {
			fa = llb.Copy(src, from, to, info)
		} else {
			fa = fa.Copy(src, from, to, info)
		}
	}
	return fa
}
