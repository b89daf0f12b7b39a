package solver

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// selectPlatform fits a traced tree (Next.js's standalone output, traced on
// the build platform from the whole install) to each target platform: it swaps
// in the platform's prebuilt packages as the lockfile pins them and drops what
// production does not install.
func (b *builder) selectPlatform(prod []string) error {
	parents := b.ws.Lockfile.PlatformParents(prod)
	major, maxLength := b.plan.PNPM.Major, b.ws.StoreDirMaxLength()
	in := helpers.SelectInput{Libc: b.rt.libc, StoreDir: plan.StoreDir, Prod: prod, Parents: parents, Entries: b.ws.StoreEntries(prod, major)}
	var fetches []plan.Mount
	byNPM := 0
	for _, p := range b.ws.Lockfile.PlatformPackages(parents) {
		pp := helpers.PinnedPackage{Key: p.Key, Name: p.Name, Version: p.Version, OS: p.OS, CPU: p.CPU, Libc: p.Libc,
			Integrity: p.Integrity, Tarball: p.Tarball, Dependents: p.Dependents, Entry: pnpm.StoreDirName(p.Key, major, maxLength)}
		// BuildKit fetches what takes no credentials: cached, and in
		// parallel with the build; npm fetches the rest, with the
		// repository's .npmrc and secrets. The script checks each against
		// the lockfile's integrity either way.
		if u, ok := b.ws.PublicTarball(p); ok && len(b.plan.Secrets) == 0 {
			// Only platform-specific ones: what they depend on that is not
			// (a wasm32 build's runtime) is rarely needed, and npm fetches it
			// then. Nor Next.js's compiler: the traced server never loads it.
			if len(p.OS)+len(p.CPU) > 0 && plan.Allows(p.Libc, b.rt.libc) && !strings.HasPrefix(p.Name, "@next/swc-") {
				m := plan.Mount{Target: path.Join(plan.FetchRoot, pp.Entry), URL: u, File: "package.tgz", OS: p.OS, CPU: p.CPU, CrossOnly: true}
				pp.Fetched = path.Join(m.Target, m.File)
				fetches = append(fetches, m)
			}
		} else {
			byNPM++
		}
		in.Platform = append(in.Platform, pp)
	}
	if byNPM > 0 {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("select: npm fetches %d of the %d platform-specific packages, with the repository's .npmrc and secrets (BuildKit fetches only what takes no credentials)", byNPM, len(in.Platform)))
	}
	sel, err := json.Marshal(in)
	if err != nil {
		return err
	}
	s := plan.Stage{ID: "select", Kind: plan.KindSelect, Platform: plan.OnBuild, PerTarget: true, Needs: []string{"toolchain", b.tree},
		Files: []plan.File{{Path: helpers.SelectData, Data: string(sel)}}, Helpers: []string{helpers.SelectScript, helpers.StoreScript},
		Run: []string{"node " + helpers.SelectScript + " " + plan.TreeDir + " " + helpers.SelectData}, Workdir: plan.TreeDir,
		Mounts: append([]plan.Mount{{Stage: b.tree, Target: plan.TreeMount, Keep: plan.KeepResult}}, fetches...),
		Caches: lockedCaches(plan.StoreDir, plan.CacheDir), Outputs: []string{plan.PruneRoot}, Secrets: len(b.plan.Secrets) > 0}
	if b.ws.Present[".npmrc"] {
		// npm fetches the packages: with the registries and credentials
		// the repository configures for pnpm (its secrets are mounted).
		s.Inputs = []string{".npmrc"}
		// As npm's global config: a secret at ~/.npmrc (user config)
		// still counts, as it does for pnpm.
		s.Env = []string{"npm_config_globalconfig=" + path.Join(plan.BuildRoot, ".npmrc")}
	}
	b.add(s)
	b.tree = "select"
	return nil
}
