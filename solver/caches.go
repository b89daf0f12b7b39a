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

// frameworkCaches are the persistent caches of the app's framework build,
// where it keeps one between builds (as Next.js's .next/cache): Astro's
// cacheDir (content layer store, optimized images), Create React App's
// webpack loaders' node_modules/.cache, Angular's .angular/cache (which the
// Angular CLI fills on CI, as builds here are, only when angular.json sets
// cli.cache.environment to ci or all). Vite's
// build and the frameworks on it (React Router, SvelteKit, Nitro) keep none.
func (b *builder) frameworkCaches() []plan.CacheMount {
	dir := path.Join(plan.BuildRoot, b.pkg.Dir)
	var out []plan.CacheMount
	for _, c := range []struct{ dep, dir string }{
		{"astro", "node_modules/.astro"},
		{"react-scripts", "node_modules/.cache"},
		{"@angular/cli", ".angular/cache"},
	} {
		if b.pkg.JSON.HasDep(c.dep) {
			out = append(out, lockedCache(path.Join(dir, c.dir)))
		}
	}
	return out
}
