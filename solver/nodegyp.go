package solver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// addonHelpers are the packages through which an install script compiles an
// addon with node-gyp when no prebuilt binary fits the platform (or none can
// be downloaded): prebuild-install and node-pre-gyp fetch one first,
// node-gyp-build looks for one in the package, and node-addon-api, nan and
// bindings are what addons compiled from source use.
var addonHelpers = map[string]bool{"prebuild-install": true, "node-gyp-build": true, "node-gyp": true, "@mapbox/node-pre-gyp": true,
	"node-pre-gyp": true, "node-addon-api": true, "nan": true, "bindings": true}

// gypToolchain is what node-gyp needs to compile: a Python, make and a C++
// compiler (the same names for apt and apk).
var gypToolchain = []string{"python3", "make", "g++"}

// nodeGypBuilders are the packages of the install whose install script pnpm
// runs and that may compile with node-gyp (they depend on an addonHelpers
// package): the build image then carries gypToolchain, for the install and
// the native stage, never the runtime.
func (b *builder) nodeGypBuilders(closure []*pnpm.Package) []string {
	importers := []string{"."}
	for _, p := range closure {
		importers = append(importers, p.Dir)
	}
	allow, never, _, _ := b.buildSettings()
	all := b.runsEveryBuild()
	var out []string
	for key, deps := range b.ws.Lockfile.InstallPackages(importers) {
		lp := b.ws.Lockfile.Packages[key]
		if lp == nil || !slices.ContainsFunc(deps, func(d string) bool { return addonHelpers[d] }) {
			continue
		}
		if all && !matchAny(never, lp) || b.runsBuild(lp, allow, never) {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// runsEveryBuild reports whether pnpm runs every dependency's install
// script: dangerouslyAllowAllBuilds (pnpm 10+), or pnpm before 10 on a
// lockfile 9.0, which does not record which have one.
func (b *builder) runsEveryBuild() bool {
	if b.plan.PNPM.Major >= 10 {
		return b.ws.Config.DangerouslyAllowAllBuilds
	}
	return strings.HasPrefix(b.ws.Lockfile.Version, "9.")
}

// runsBuild reports whether pnpm runs the package's install script: one
// the build settings allow (pnpm 10+), or, before pnpm 10, one lockfile
// 6.0 marks requiresBuild; never one they deny.
func (b *builder) runsBuild(lp *pnpm.LockPackage, allow, never []string) bool {
	if matchAny(never, lp) {
		return false
	}
	if b.plan.PNPM.Major >= 10 {
		return matchAny(allow, lp)
	}
	return lp.RequiresBuild
}

// buildPackages are the system packages of the build image: the manifest's,
// then node-gyp's toolchain when an install script may compile (the plan
// notes why), each once.
func (b *builder) buildPackages(closure []*pnpm.Package) []string {
	var names []string
	for _, p := range b.m.SystemPackages {
		names = append(names, p.Value)
	}
	if gyp := b.nodeGypBuilders(closure); len(gyp) > 0 {
		var added []string
		for _, t := range gypToolchain {
			if !slices.Contains(names, t) {
				added = append(added, t)
			}
		}
		names = append(names, added...)
		if len(added) > 0 {
			shown := gyp[:min(len(gyp), 3)]
			more := ""
			if len(gyp) > len(shown) {
				more = fmt.Sprintf(" and %d more", len(gyp)-len(shown))
			}
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s in the build image (not the runtime): the install scripts of %s%s may compile with node-gyp where no prebuilt binary fits the platform", strings.Join(added, ", "), strings.Join(shown, ", "), more))
		}
	}
	return names
}
