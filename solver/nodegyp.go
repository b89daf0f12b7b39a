package solver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// addonHelpers are the packages an addon compiled with node-gyp depends on
// when no prebuilt binary fits the platform (or none can be downloaded):
// prebuild-install fetches one first, node-gyp-build looks for one in the
// package, and node-addon-api, nan and bindings are what addons compiled
// from source use. node-gyp and node-pre-gyp are not among them: tools
// depend on those too (@npmcli/run-script, @vercel/nft), while the addons
// that use node-pre-gyp also use node-addon-api or nan.
var addonHelpers = map[string]bool{"prebuild-install": true, "node-gyp-build": true, "node-addon-api": true, "nan": true, "bindings": true}

// gypToolchain is what node-gyp needs to compile: a Python, make and a C++
// compiler (the same names for apt and apk).
var gypToolchain = []string{"python3", "make", "g++"}

// nodeGypBuilders are the packages of the install that may compile with
// node-gyp (they depend on an addonHelpers package), whether or not pnpm
// runs their install scripts: a build may compile them too (jitsu's
// profiles service runs npm install for isolated-vm in its build, as
// images built on the full node image, which has the toolchain, do). The
// build image then carries gypToolchain, for the install, the builds and
// the native stage, never the runtime.
func (b *builder) nodeGypBuilders(closure []*pnpm.Package) []string {
	var out []string
	for key, deps := range b.installPackages(closure) {
		if slices.ContainsFunc(deps, func(d string) bool { return addonHelpers[d] }) {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// buildPackages are the system packages of the build image: the manifest's,
// then node-gyp's toolchain when an addon of the install may compile (the
// plan notes why), each once.
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
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s in the build image (not the runtime): %s%s may compile with node-gyp where no prebuilt binary fits the platform", strings.Join(added, ", "), strings.Join(shown, ", "), more))
		}
	}
	return names
}
