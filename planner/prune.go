package planner

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"

	"github.com/monokit/monokit/diag"
	"github.com/monokit/monokit/manifest"
)

// prune produces the production tree once per target platform. For node apps it
// runs pnpm deploy on the install alone, which holds only what pnpm reads (the
// lockfile, the workspace's package.json files, .npmrc, patches), so no source
// edit re-runs it; a workspace stage then lays the workspace packages' files
// onto the tree, and the runtime adds the app's files from its build. For
// Next.js apps it gathers the standalone output, and a select stage fits it to
// the platform.
//
// The deploy runs on the build platform and selects the target platform's
// prebuilt packages with --os/--cpu/--libc; install scripts that may compile for
// the platform they run on are left to a native stage on the target platform,
// which workspace edits do not reach either.
func (b *builder) prune() error {
	prod := b.prodPackages()
	pf := b.platforms(prod)
	b.plan.Platforms = pf
	if b.plan.Preset == manifest.PresetNext {
		b.add(b.standalone())
		b.tree = "prune"
		return b.selectPlatform(prod)
	}
	if b.pkg == b.ws.Root {
		return diag.Errorf(b.t.Package.Pos, "target %q: the workspace root cannot be deployed; point package: at a workspace package", b.t.Name)
	}
	b.add(b.deploy(pf))
	b.tree = "prune"
	if pf.CrossSelect && pf.HasNative() {
		if err := b.native(pf); err != nil {
			return err
		}
	}
	if !pf.CrossSelect && pf.AllNative {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s: install scripts run on the build platform; for another target platform, pnpm 10.14 or later runs them there", pf.Source))
	}
	return b.workspace(pf)
}

// standalone gathers a Next.js app's standalone output, its static files and
// what the app's exec collected (public/) into the production tree.
func (b *builder) standalone() Stage {
	app := "app:" + b.pkg.ID()
	dir := path.Join(BuildRoot, b.pkg.Dir)
	return Stage{ID: "prune", Kind: KindPrune, Platform: OnBuild, Outputs: []string{PruneRoot},
		Needs: []string{app},
		Copies: []Copy{
			{From: app, Src: path.Join(dir, ".next/standalone") + "/", Dest: PruneRoot + "/"},
			{From: app, Src: path.Join(dir, ".next/static"), Dest: path.Join(PruneRoot, b.pkg.Dir, ".next/static")},
			{From: app, Src: "/", Dest: PruneRoot + "/", Collected: true},
		}}
}

// deploy is pnpm deploy of the app's production closure from the install
// alone: third-party packages in full, workspace packages as their
// package.json, which is all the install holds of them.
func (b *builder) deploy(pf Platforms) Stage {
	s := Stage{ID: "prune", Kind: KindPrune, Platform: OnBuild, Outputs: []string{PruneRoot}, Workdir: BuildRoot, Needs: []string{"deps"}}
	cmd := fmt.Sprintf("pnpm --filter=%s deploy --prod --store-dir=%s", shellQuote(b.pkg.ID()), StoreDir)
	// pnpm 10 deploys from the shared lockfile only with injected workspace
	// packages; --legacy keeps the pnpm 9 behaviour for everyone else.
	if b.plan.PNPM.Major >= 10 && !b.ws.Lockfile.InjectWorkspacePackages && !b.ws.Config.InjectWorkspacePackages {
		cmd += " --legacy"
	}
	if pf.CrossSelect {
		s.PerTarget = true
		cmd += fmt.Sprintf(" --os=$%s --cpu=$%s --libc=%s", TargetOSEnv, TargetCPUEnv, b.rt.libc)
		if pf.HasNative() {
			cmd += " --ignore-scripts"
		}
	}
	s.Run = []string{cmd + " " + TreeDir}
	s.Mounts = []Mount{{Target: TreeMount, Keep: KeepResult}}
	s.Caches = lockedCaches(StoreDir, CacheDir)
	s.Secrets = len(b.plan.Secrets) > 0
	return s
}

// workspace lays the files of the workspace packages in the production
// closure onto the tree, from their builds (their outputs) and the context
// (the sources of those without a build), choosing each package's files as
// pnpm deploy does (npm-packlist); then what the target's generate: commands
// wrote. Editing a workspace package re-runs only this, a copy.
func (b *builder) workspace(pf Platforms) error {
	closure := b.ws.ProdClosure(b.pkg)
	in := WorkspaceInput{Tree: TreeDir, Root: BuildRoot, Packlist: Packlist}
	for _, p := range closure {
		if p != b.pkg && p != b.ws.Root {
			in.Packages = append(in.Packages, WorkspacePackage{Name: p.JSON.Name, Dir: p.Dir, Manifest: slices.Contains(b.outputs(p), path.Join(p.Dir, "package.json"))})
		}
	}
	gen := b.generate
	if len(in.Packages) == 0 && gen == "" {
		return nil
	}
	needs, sources := b.contributions(b.pkg, closure)
	s := Stage{ID: "workspace", Kind: KindWorkspace, Platform: OnBuild, PerTarget: pf.CrossSelect, Outputs: []string{PruneRoot}, Workdir: BuildRoot,
		Needs: append(append([]string{"deps"}, needs...), b.tree), Inputs: sources, Excludes: []string{NodeModules},
		Mounts: []Mount{{Stage: b.tree, Target: TreeMount, Keep: KeepResult}}, Helpers: []string{WorkspaceScript, StoreScript}}
	if len(in.Packages) > 0 {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, File{Path: WorkspaceData, Data: string(data)})
		s.Run = append(s.Run, "node "+WorkspaceScript+" "+WorkspaceData)
	}
	if gen != "" {
		// What the target's generate: commands wrote, laid onto the
		// deployed tree where pnpm deploy left it out.
		data, err := json.Marshal(b.generatedInput(closure))
		if err != nil {
			return err
		}
		s.Needs = append(s.Needs, gen)
		s.Mounts = append(s.Mounts, Mount{Stage: gen, Extra: true, Target: GeneratedMount})
		s.Helpers = append(s.Helpers, GeneratedScript)
		s.Files = append(s.Files, File{Path: GeneratedData, Data: string(data)})
		s.Run = append(s.Run, "node "+GeneratedScript+" place "+GeneratedData)
	}
	b.add(s)
	b.tree = s.ID
	return nil
}
