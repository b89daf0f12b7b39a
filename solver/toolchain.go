package solver

import (
	"errors"
	"path"
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// systemPackages installs the build image's system packages (buildPackages):
// every stage that may compile native code runs it first.
func (b *builder) systemPackages() []string {
	if len(b.sysPkgs) == 0 {
		return nil
	}
	var names []string
	for _, p := range b.sysPkgs {
		names = append(names, shellQuote(p)) // checked by checkSystemPackages, or monokit's own; quoted all the same
	}
	if b.rt.libc == manifest.LibcMusl {
		return []string{"apk add --no-cache " + strings.Join(names, " "), gypHeaders}
	}
	return []string{"apt-get update && apt-get install -y --no-install-recommends " + strings.Join(names, " ") + " && rm -rf /var/lib/apt/lists/*", gypHeaders}
}

// gypHeaders puts the image's Node.js headers where node-gyp looks before it
// downloads them from nodejs.org (its cache, ~/.cache/node-gyp/<version>,
// marked with the installVersion node-gyp 10 to 12 write): npm_config_nodedir
// says the same, but not every pnpm passes it to dependencies' install
// scripts (pnpm 11.2.1 drops it; karakeep's better-sqlite3 went to
// nodejs.org and failed).
const gypHeaders = `d="$HOME/.cache/node-gyp/$(node -p process.versions.node)" && mkdir -p "$d/include" && ln -sfn /usr/local/include/node "$d/include/node" && echo 11 >"$d/installVersion"`

func (b *builder) toolchain(closure []*pnpm.Package) {
	b.sysPkgs = b.buildPackages(closure)
	run := b.systemPackages()
	// npm-packlist chooses the workspace packages' files for the production
	// tree, as pnpm deploy does (see workspace).
	install, inputs := b.npmGlobal("pnpm@"+b.plan.PNPM.Version, "npm-packlist@"+helpers.PacklistVersion)
	run = append(run, install)
	caches := []plan.CacheMount{{Name: "npm", Target: "/root/.npm", Sharing: plan.CacheLocked}}
	caches = append(caches, b.systemCaches()...)
	b.add(plan.Stage{
		ID:       "toolchain",
		Kind:     plan.KindToolchain,
		Image:    b.rt.buildImage,
		Run:      run,
		Env:      toolchainEnv,
		Platform: plan.OnBuild,
		Caches:   caches,
		Inputs:   inputs,
		Secrets:  len(b.plan.Secrets) > 0,
	})
}

// npmGlobal installs packages globally on the build image, from the
// registry the repository configures, with its credentials (its secrets are
// mounted): where only a private registry is reachable, npm's default is
// not. npm reads no project .npmrc for a global install, so the file is its
// global config (inputs: mounted, not copied, so the layer does not hold
// it); a secret at ~/.npmrc (user config) still counts. The specs are
// monokit's own pins.
func (b *builder) npmGlobal(specs ...string) (cmd string, inputs []string) {
	cmd = "npm install --global --no-fund --no-audit " + strings.Join(specs, " ")
	if b.ws.Present[".npmrc"] {
		inputs = []string{".npmrc"}
		cmd += " --globalconfig=" + path.Join(plan.BuildRoot, ".npmrc")
	}
	return cmd, inputs
}

// tracer is the build image with @vercel/nft (and esbuild, which strips
// TypeScript's types for it), for the trace stage: a stage of its own, so
// that turning tracing on or off leaves the toolchain, and every step on
// it, as it was.
func (b *builder) tracer() plan.Stage {
	install, inputs := b.npmGlobal("@vercel/nft@"+helpers.NFTVersion, "esbuild@"+helpers.EsbuildVersion)
	return plan.Stage{
		ID:       "tracer",
		Kind:     plan.KindToolchain,
		Image:    b.rt.buildImage,
		Run:      []string{install},
		Env:      toolchainEnv,
		Platform: plan.OnBuild,
		Caches:   []plan.CacheMount{{Name: "npm", Target: "/root/.npm", Sharing: plan.CacheLocked}},
		Inputs:   inputs,
		Secrets:  len(b.plan.Secrets) > 0,
	}
}

// systemCaches keep apt's downloads and lists between builds, for a stage
// that installs system packages (the command removes the lists from the
// layer, not from the cache).
func (b *builder) systemCaches() []plan.CacheMount {
	if len(b.sysPkgs) == 0 {
		return nil
	}
	return []plan.CacheMount{{Name: "apt-cache", Target: "/var/cache/apt", Sharing: plan.CacheLocked},
		{Name: "apt-lists", Target: "/var/lib/apt/lists", Sharing: plan.CacheLocked}}
}

// toolchainEnv is set for every step on the build image. CI makes pnpm
// non-interactive; npm_config_nodedir lets node-gyp use the headers that ship
// with Node.js instead of downloading them.
var toolchainEnv = []string{"CI=true", "npm_config_nodedir=/usr/local", "npm_config_update_notifier=false"}

// checkSystemPackages checks each system package against the grammar of the
// package manager that installs it: apt's for glibc build images, apk's for musl.
func checkSystemPackages(m *manifest.Manifest, libc string) error {
	var errs []error
	for _, p := range m.SystemPackages {
		switch {
		case libc == manifest.LibcMusl && !manifest.AlpinePackage(p.Value):
			errs = append(errs, diag.Errorf(p.Pos, "system-packages: %q is not an Alpine package name, and the build image for musl installs with apk", p.Value))
		case libc != manifest.LibcMusl && !manifest.DebianPackage(p.Value):
			errs = append(errs, diag.Errorf(p.Pos, "system-packages: %q is not a Debian package name (lowercase letters, digits and +.-, at least two), and the build image for glibc installs with apt-get", p.Value))
		}
	}
	return errors.Join(errs...)
}
