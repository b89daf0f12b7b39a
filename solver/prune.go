package solver

import (
	"fmt"
	"path"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
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
// which workspace edits do not reach either. pnpm before 10.14 has no such
// flags: its deploy runs the scripts, for the build platform only, and the
// native stage then only adds the shared libraries the addons link.
func (b *builder) prune() error {
	if b.plan.Preset == manifest.PresetStatic {
		return nil // a static site has no production tree
	}
	if b.plan.Preset == manifest.PresetNode && b.startsNitro() {
		// Nitro traced every module its server loads into .output.
		b.plan.Notes = append(b.plan.Notes, "Nitro's .output holds the modules its server loads: the image ships it alone, with no production tree")
		return nil
	}
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
	if pf.HasNative() {
		if err := b.native(pf); err != nil {
			return err
		}
	}
	if !pf.CrossSelect && pf.AllNative {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s: install scripts run on the build platform; for another target platform, pnpm 10.14 or later runs them there", pf.Source))
	}
	return b.workspace(prod)
}

// startsNitro reports whether the app starts Nitro's output.
func (b *builder) startsNitro() bool {
	sc, err := b.start()
	return err == nil && sc.nitro()
}

// standalone gathers a Next.js app's standalone output, its static files and
// what the app's exec collected (public/) into the production tree.
func (b *builder) standalone() plan.Stage {
	app := "app:" + b.pkg.ID()
	dir := path.Join(plan.BuildRoot, b.pkg.Dir)
	return plan.Stage{ID: "prune", Kind: plan.KindPrune, Platform: plan.OnBuild, Outputs: []string{plan.PruneRoot},
		Needs: []string{app},
		Copies: []plan.Copy{
			{From: app, Src: path.Join(dir, ".next/standalone") + "/", Dest: plan.PruneRoot + "/"},
			{From: app, Src: path.Join(dir, ".next/static"), Dest: path.Join(plan.PruneRoot, b.pkg.Dir, ".next/static")},
			{From: app, Src: "/", Dest: plan.PruneRoot + "/", Collected: true},
		}}
}

// deploy is pnpm deploy of the app's production closure from the install
// alone: third-party packages in full, workspace packages as their
// package.json, which is all the install holds of them.
func (b *builder) deploy(pf plan.Platforms) plan.Stage {
	s := plan.Stage{ID: "prune", Kind: plan.KindPrune, Platform: plan.OnBuild, Outputs: []string{plan.PruneRoot}, Workdir: plan.BuildRoot, Needs: []string{"deps"}}
	cmd := fmt.Sprintf("pnpm --filter=%s deploy --prod --store-dir=%s", shellQuote(b.filter), plan.StoreDir)
	// pnpm's deploy with node-linker=hoisted resolves the closure afresh,
	// not from the lockfile (pnpm/pnpm#9671: ^4.0.0 locked at 4.0.0 ships
	// 4.1.5), so the production tree is always isolated; repositories do
	// the same in their Dockerfiles (karakeep's deploy passes
	// --node-linker=isolated). Code written against a hoisted tree still
	// finds every package in node_modules: public-hoist-pattern=* links
	// them all there, as hoisting put them.
	cmd += " --config.node-linker=isolated"
	if b.ws.NodeLinker() == "hoisted" {
		cmd += " " + shellQuote("--config.public-hoist-pattern=*")
	}
	// pnpm 10 deploys from the shared lockfile only with injected workspace
	// packages; --legacy keeps the pnpm 9 behaviour for everyone else.
	if b.plan.PNPM.Major >= 10 && !b.ws.Lockfile.InjectWorkspacePackages && !b.ws.Config.InjectWorkspacePackages {
		cmd += " --legacy"
		// pnpm 10's legacy deploy installs the closure alone and stops
		// with ERR_PNPM_UNUSED_PATCH on a patch for a package outside it.
		// The install before it applied every patch against the whole
		// lockfile, so an unused one here is outside the closure by
		// construction. allowNonAppliedPatches is the setting's name
		// before pnpm 10.7.
		if len(b.ws.PatchFiles()) > 0 {
			cmd += " --config.allow-unused-patches=true --config.allow-non-applied-patches=true"
		}
	}
	if pf.CrossSelect {
		s.PerTarget = true
		cmd += fmt.Sprintf(" --os=$%s --cpu=$%s --libc=%s", plan.TargetOSEnv, plan.TargetCPUEnv, b.rt.libc)
		if pf.HasNative() {
			cmd += " --ignore-scripts"
		}
	}
	// pnpm's install state records when the deploy ran (prunedAt,
	// lastValidatedTimestamp); nothing reads it at run time, and it would
	// make every image differ from the one built before it.
	state := path.Join(plan.TreeDir, "node_modules")
	s.Run = []string{cmd + " " + plan.TreeDir, fmt.Sprintf("rm -f %s/.modules.yaml %s/.pnpm-workspace-state*.json", state, state)}
	s.Mounts = []plan.Mount{{Target: plan.TreeMount, Keep: plan.KeepResult}}
	s.Caches = lockedCaches(plan.StoreDir, plan.CacheDir)
	s.Secrets = len(b.plan.Secrets) > 0
	return s
}
