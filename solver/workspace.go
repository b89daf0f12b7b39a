package solver

import (
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strconv"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// workspace writes the files of the workspace packages in the production
// closure, at their places in the tree, from their builds (their outputs)
// and the context (the sources of those without a build), choosing each
// package's files as pnpm deploy does (npm-packlist); then what the
// target's generate: commands and packages' setup steps wrote. It reads the tree and writes only
// those files, which the runtime lays onto the tree as a layer of their
// own: editing a workspace package re-runs only this, a copy, and the
// tree's layer stays as it was. It reads the tree in that layer, not in the
// deploy's or the native stage's result: the image loads the layer on every
// build, while a result that only the layer's copy reads may be gone from
// the daemon (garbage collection keeps what builds use), and reading it
// would run the deploy again.
func (b *builder) workspace(prod []string) error {
	closure := b.ws.ProdClosure(b.pkg)
	in := helpers.WorkspaceInput{Tree: plan.ShippedTreeDir, Out: plan.OverlayDir, Root: plan.BuildRoot, Packlist: helpers.Packlist}
	for _, p := range closure {
		if p != b.pkg && p != b.ws.Root {
			wp := b.workspacePackage(p)
			wp.Manifest = slices.Contains(b.outputs(p), path.Join(p.Dir, "package.json"))
			in.Packages = append(in.Packages, wp)
		}
	}
	// What the closure's builds kept (their setup steps' files, a
	// package.json the build rewrote) and what the app's generate: commands
	// wrote, in the order they ran: a dependent's file wins.
	// The closure's build ids as a set: every build is kept (df05046), so
	// scanning the closure for each stage of the plan was stages × closure.
	closureBuilds := map[string]bool{}
	for _, p := range closure {
		closureBuilds[b.built[p]] = true
	}
	var gens []string
	for _, lvl := range b.plan.Levels {
		for _, id := range lvl {
			if closureBuilds[id] {
				gens = append(gens, id)
			}
		}
	}
	if b.generate != "" {
		gens = append(gens, b.generate)
	}
	// A start through a dependency's bin: the link node runs. An error
	// in the start is the runtime's to report.
	if sc, err := b.start(); err == nil && sc.bin != "" {
		deps := slices.Sorted(maps.Keys(b.pkg.JSON.Dependencies))
		deps = append(deps, slices.Sorted(maps.Keys(b.pkg.JSON.OptionalDependencies))...)
		if p, ok := serverBins[sc.bin]; ok && slices.Contains(deps, p) {
			deps = append([]string{p}, slices.DeleteFunc(deps, func(d string) bool { return d == p })...)
		}
		in.Bins = []helpers.BinLink{{Name: sc.bin, Deps: deps, Link: path.Join(BinDir, sc.bin)}}
	}
	if len(in.Packages) == 0 && len(gens) == 0 && len(in.Bins) == 0 {
		return nil
	}
	needs, srcPkgs := b.contributions(b.pkg, closure)
	sources, aliases := packageFiles(srcPkgs, "")
	// Once per target platform: each reads its own platform's layer.
	s := plan.Stage{ID: "workspace", Kind: plan.KindWorkspace, Platform: plan.OnBuild, PerTarget: true, Outputs: []string{plan.PruneRoot}, Workdir: plan.BuildRoot,
		Needs: append(append([]string{"deps"}, needs...), copySources(b.dependenciesLayer())...), Inputs: sources, Aliases: aliases, Excludes: []string{plan.NodeModules},
		Mounts:  []plan.Mount{{Layer: plan.LayerDependencies, Target: plan.LayerMount}, {Target: plan.OverlayMount, Keep: plan.KeepResult}},
		Helpers: []string{helpers.WorkspaceScript, helpers.StoreScript}}
	if len(in.Packages) > 0 || len(in.Bins) > 0 {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, plan.File{Path: helpers.WorkspaceData, Data: string(data)})
		s.Run = append(s.Run, "node "+helpers.WorkspaceScript+" "+helpers.WorkspaceData)
	}
	if len(gens) > 0 {
		// Laid onto the deployed tree, where pnpm deploy left it out.
		gin := b.generatedInput(closure, prod)
		for i, gen := range gens {
			mount := path.Join(plan.GeneratedMount, strconv.Itoa(i))
			gin.Generated = append(gin.Generated, path.Join(mount, plan.BuildRoot))
			s.Mounts = append(s.Mounts, plan.Mount{Stage: gen, Extra: true, Target: mount})
		}
		// Once, not per gen: deduplicating after each append rebuilt a set of
		// every need for each of the closure's builds, quadratic in a large
		// workspace. dedupe keeps first occurrences, so the order is the same.
		s.Needs = dedupe(append(s.Needs, gens...))
		data, err := json.Marshal(gin)
		if err != nil {
			return err
		}
		s.Helpers = append(s.Helpers, helpers.GeneratedScript)
		s.Files = append(s.Files, plan.File{Path: helpers.GeneratedData, Data: string(data)})
		s.Run = append(s.Run, "node "+helpers.GeneratedScript+" place "+helpers.GeneratedData)
	}
	b.add(s)
	b.overlay = s.ID
	return nil
}

// workspacePackage is a workspace package as the helper scripts find its
// copies in the production tree.
func (b *builder) workspacePackage(p *pnpm.Package) helpers.WorkspacePackage {
	storeName, storePath := pnpm.WorkspaceEntry(p.JSON.Name, p.Dir, b.plan.PNPM.Major)
	return helpers.WorkspacePackage{Name: p.JSON.Name, Dir: p.Dir, StoreName: storeName, StorePath: storePath}
}
