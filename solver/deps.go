package solver

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// deps installs from metadata files only, so no source edit re-runs it.
func (b *builder) deps(closure []*pnpm.Package) error {
	inputs := []string{pnpm.LockFile, pnpm.RootManifest}
	for _, f := range []string{pnpm.WorkspaceFile, ".npmrc", ".pnpmfile.cjs", ".pnpmfile.mjs"} {
		if b.ws.Present[f] {
			inputs = append(inputs, f)
		}
	}
	inputs = append(inputs, b.ws.PatchFiles()...)
	// Local tarballs and directories are not metadata: they come from the
	// context, like bins.
	bins, err := b.localFiles(closure)
	if err != nil {
		return err
	}
	var aliases []plan.Alias
	for _, p := range closure {
		if p.Dir != "." {
			in, al := packageFiles([]*pnpm.Package{p}, pnpm.RootManifest)
			inputs, aliases = append(inputs, in...), append(aliases, al...)
		}
		// pnpm links a workspace package's bins at install only when their
		// files are there: a build tool that is a workspace package (a
		// devDependency with a bin) needs them. Bins that a build writes do
		// not exist yet, for monokit as for pnpm.
		for _, f := range p.JSON.BinFiles() {
			if rel := pnpm.CleanJoin(p.Dir, f); rel != "" && rel != "." {
				bins = append(bins, rel)
			}
		}
	}
	scriptFiles, notes := rootScriptFiles(b.ws)
	bins = append(bins, scriptFiles...)
	b.plan.Notes = append(b.plan.Notes, notes...)
	filter := fmt.Sprintf("--filter=%s...", shellQuote(b.filter))
	install := fmt.Sprintf("pnpm install --frozen-lockfile --prefer-offline --store-dir=%s %s --filter=.", plan.StoreDir, filter)
	s := plan.Stage{
		ID:            "deps",
		Kind:          plan.KindDeps,
		Needs:         []string{"toolchain"},
		Inputs:        inputs,
		Aliases:       aliases,
		Excludes:      []string{plan.NodeModules},
		ContextInputs: dedupe(bins),
		Run:           reportLockfileRefusal(install),
		Workdir:       plan.BuildRoot,
		Title:         "RUN " + install,
		Platform:      plan.OnBuild,
		Caches:        lockedCaches(plan.StoreDir, plan.CacheDir),
		Secrets:       len(b.plan.Secrets) > 0,
	}
	strip := b.installScripts(closure)
	if v, pos := b.ws.UseNodeVersion(); v != "" {
		// The image's Node.js is that release (resolveNode); pnpm would
		// download it from nodejs.org all the same.
		strip.Settings = append(strip.Settings, helpers.FileLine{File: pos.File, Line: pos.Line})
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s: use-node-version %s is the build image's Node.js release and the runtime's line; the install does not download it (monokit comments the line out)", pos, v))
	}
	if len(strip.Manifests) > 0 || len(strip.Settings) > 0 {
		data, err := json.Marshal(strip)
		if err != nil {
			return err
		}
		s.Helpers = []string{helpers.MetadataScript}
		s.Files = []plan.File{{Path: helpers.MetadataData, Data: string(data)}}
		s.Run = append([]string{"node " + helpers.MetadataScript + " " + helpers.MetadataData}, s.Run...)
	}
	b.add(s)
	return nil
}

// installScripts are the lifecycle scripts the install must not run: the
// closure's workspace projects' own (their build stages run them, beside
// their files), and the root's repository hygiene (husky, only-allow),
// which does nothing for a build and may fail in one.
func (b *builder) installScripts(closure []*pnpm.Package) helpers.MetadataInput {
	in := helpers.MetadataInput{Root: plan.BuildRoot}
	// The install runs the root's scripts whether or not the closure holds it.
	projects := append([]*pnpm.Package{b.ws.Root}, slices.DeleteFunc(slices.Clone(closure), func(p *pnpm.Package) bool { return p == b.ws.Root })...)
	for _, p := range projects {
		var names []string
		for _, name := range projectScripts {
			script, ok := p.JSON.Scripts[name]
			if ok && (p != b.ws.Root || hygiene(script)) {
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			in.Manifests = append(in.Manifests, helpers.ManifestScripts{File: p.JSON.File, Remove: names})
		}
	}
	return in
}

// LockfileRefusedExit is the install's exit status when pnpm refused the
// lockfile as out of date (ERR_PNPM_OUTDATED_LOCKFILE or
// ERR_PNPM_LOCKFILE_CONFIG_MISMATCH). pnpm exits 1 for every error; the frontend
// needs this one told apart to point at the line to change.
const LockfileRefusedExit = 78

// reportLockfileRefusal runs install with its output shown as it comes and
// exits LockfileRefusedExit when pnpm refused the lockfile. Its files go once
// the install succeeds.
func reportLockfileRefusal(install string) []string {
	const status, log = "/tmp/monokit-install.status", "/tmp/monokit-install.log"
	return []string{
		fmt.Sprintf("{ %s 2>&1 || echo $? >%s; } | tee %s", install, status, log),
		fmt.Sprintf("if [ -s %s ]; then ! grep -qE 'ERR_PNPM_(OUTDATED_LOCKFILE|LOCKFILE_CONFIG_MISMATCH)' %s || exit %d; exit \"$(cat %s)\"; fi", status, log, LockfileRefusedExit, status),
		fmt.Sprintf("rm -f %s %s", status, log),
	}
}
