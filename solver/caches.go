package solver

import (
	"path"
	"strings"

	"github.com/monokit/monokit/solver/plan"
)

// lockedCache is a cache at target, one writer at a time (pnpm's store and
// apt's lists are not safe to share): pnpm's by their last element (store,
// pnpm), a package's by its path in the workspace.
func lockedCache(target string) plan.CacheMount {
	name := path.Base(target)
	if rel, ok := strings.CutPrefix(target, plan.BuildRoot+"/"); ok {
		name = rel
	}
	return plan.CacheMount{Name: name, Target: target, Sharing: plan.CacheLocked}
}

func lockedCaches(targets ...string) []plan.CacheMount {
	var out []plan.CacheMount
	for _, t := range targets {
		out = append(out, lockedCache(t))
	}
	return out
}
