package planner

import (
	"encoding/json"
	"path"
)

// selectPlatform fits a traced tree (Next.js's standalone output, traced on
// the build platform from the whole install) to each target platform: it swaps
// in the platform's prebuilt packages as the lockfile pins them and drops what
// production does not install.
func (b *builder) selectPlatform(prod []string) error {
	parents := b.ws.Lockfile.PlatformParents(prod)
	sel, err := json.Marshal(SelectInput{Libc: b.rt.libc, StoreDir: StoreDir, Prod: prod, Parents: parents, Platform: b.ws.Lockfile.PlatformPackages(parents)})
	if err != nil {
		return err
	}
	s := Stage{ID: "select", Kind: KindSelect, Platform: OnBuild, PerTarget: true, Needs: []string{"toolchain", b.tree},
		Files: []File{{Path: SelectData, Data: string(sel)}}, Helpers: []string{SelectScript, StoreScript},
		Run: []string{"node " + SelectScript + " " + TreeDir + " " + SelectData}, Workdir: TreeDir,
		Mounts: []Mount{{Stage: b.tree, Target: TreeMount, Keep: KeepResult}},
		Caches: lockedCaches(StoreDir, CacheDir), Outputs: []string{PruneRoot}, Secrets: len(b.plan.Secrets) > 0}
	if b.ws.Present[".npmrc"] {
		// npm fetches the packages: with the registries and credentials
		// the repository configures for pnpm (its secrets are mounted).
		s.Inputs = []string{".npmrc"}
		// As npm's global config: a secret at ~/.npmrc (user config)
		// still counts, as it does for pnpm.
		s.Env = []string{"npm_config_globalconfig=" + path.Join(BuildRoot, ".npmrc")}
	}
	b.add(s)
	b.tree = "select"
	return nil
}
