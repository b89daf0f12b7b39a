package solver

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

func (b *builder) app() error {
	// The app's own lifecycle scripts (and prisma generate) run first,
	// then the target's generate: commands; what they write, wherever it
	// is, is kept for the production tree (see keepGenerated). Next.js's
	// standalone output already holds what its server needs.
	setup, notes := b.setup(b.pkg)
	// A static site ships only what its build writes.
	keep := (len(setup) > 0 || len(b.t.Generate) > 0) && b.plan.Preset == manifest.PresetNode
	cmd, pos := b.buildCommand(b.pkg, b.t.Build)
	beside := keep && cmd != "" && b.besideBuilds(setup)
	id := string(plan.KindApp) + ":" + b.pkg.ID()
	if beside {
		id = string(plan.KindGenerate) + ":" + b.pkg.ID()
	}
	steps := b.runSetup(setup, notes, id)
	for _, g := range b.t.Generate {
		steps = append(steps, g.Value)
	}
	if beside {
		if err := b.generateStage(steps); err != nil {
			return err
		}
		steps, keep = nil, false
	}
	run, title := slices.Clone(steps), slices.Clone(steps)
	if keep {
		run = setupRun(steps)
	}
	if cmd == "" {
		if len(run) == 0 {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s has no build script: its sources ship as they are", b.pkg.JSON.File))
		}
	} else {
		run = append(run, cmd)
		title = append(title, cmd)
	}
	s := b.packageStage(b.pkg, plan.KindApp, run)
	if beside {
		s.Needs = append(s.Needs, b.generate)
	}
	s.Collect = b.appCollect()
	if cmd == "" || b.startsSources() {
		// Without a build, what would be outputs are sources; a start
		// that runs sources (tsx index.ts) needs them beside what the
		// build writes.
		s.Excludes = slices.DeleteFunc(s.Excludes, func(e string) bool { return slices.Contains(s.Outputs, e) })
		s.Outputs = nil
		if cmd != "" {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s starts from its TypeScript sources (tsx): they ship with what its build writes", b.pkg.JSON.File))
		}
	}
	if keep {
		if err := b.keepGenerated(&s); err != nil {
			return err
		}
		b.generate = s.ID
		s.Title = "RUN " + strings.Join(title, " && ")
	}
	if len(s.Collect) > 0 {
		s.Mounts = append(s.Mounts, plan.Mount{Target: plan.CollectMount, Keep: plan.KeepCollect})
	}
	if b.plan.Preset == manifest.PresetNext {
		if err := b.nextApp(&s); err != nil {
			return err
		}
	}
	s.Caches = append(s.Caches, b.frameworkCaches()...)
	s.Pos = pos
	b.add(s)
	return nil
}

// besideBuilds says whether the app's setup steps and generate: commands
// run in a stage of their own, beside the builds of the workspace packages
// it depends on, as Turborepo runs a db:generate task that does not depend
// on ^build: there are such builds to run beside, and no step is a turbo
// task that depends on its dependencies' tasks (it reads what their builds
// write). An install runs lifecycle scripts before any build, and prisma
// generate reads the schema alone. The app's build then waits for the
// slower of the two instead of for both in turn; an edit to the app runs
// one exec more.
func (b *builder) besideBuilds(setup []setupStep) bool {
	if slices.ContainsFunc(setup, func(s setupStep) bool { return s.upstream }) {
		return false
	}
	needs, _ := b.contributions(b.pkg, b.ws.Closure(b.pkg))
	return len(needs) > 0
}

// generateStage runs the app's setup steps and generate: commands on the
// installed dependencies and the sources of the app and its workspace
// dependencies (a schema may live in one), without their builds' outputs.
// What the steps write is kept (keepGenerated): the app's build lays it
// onto its sources, and the workspace stage onto the production tree.
func (b *builder) generateStage(steps []string) error {
	s := b.packageStage(b.pkg, plan.KindGenerate, setupRun(steps))
	s.Needs = []string{"deps"}
	s.Title = "RUN " + strings.Join(steps, " && ")
	if err := b.keepGenerated(&s); err != nil {
		return err
	}
	s.Outputs, s.Guessed = nil, false
	if len(b.t.Generate) > 0 {
		s.Pos = b.t.Generate[0].Pos
	}
	b.generate = s.ID
	b.add(s)
	return nil
}

// startsSources reports whether the inferred start runs the app's sources
// (tsx), so the image needs them even when the app has a build. The
// karakeep workers' start:prod is tsx index.ts beside a tsdown build.
func (b *builder) startsSources() bool {
	if len(b.t.Start) > 0 || b.plan.Preset != manifest.PresetNode {
		return false
	}
	sc, examined := inferStart(b.pkg.JSON)
	return examined == nil && sc.sources
}

// keepGenerated makes a package's exec keep every file its setup steps
// (lifecycle scripts, prisma generate) and the target's generate: commands
// write, wherever it is, but its build outputs: beside the sources of a
// package without a build (packages/database/generated), in node_modules
// (@prisma/client's .prisma/client). The builds that need the stage lay
// it onto their sources, and the workspace stage onto the production tree,
// where pnpm deploy drops git-ignored files and rebuilds node_modules. An
// edit re-runs what reads it only when what the steps write changes:
// BuildKit keys the copies by content.
func (b *builder) keepGenerated(s *plan.Stage) error {
	in := helpers.CollectInput{Since: plan.GenerateMarker, Root: plan.BuildRoot, Dest: plan.GeneratedOut}
	for _, o := range s.Outputs {
		in.Skip = append(in.Skip, path.Join(plan.BuildRoot, o))
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	s.Helpers = append(s.Helpers, helpers.GeneratedScript, helpers.StoreScript)
	s.Files = append(s.Files, plan.File{Path: helpers.CollectData, Data: string(data)})
	s.Mounts = append(s.Mounts, plan.Mount{Target: plan.GeneratedOut, Keep: plan.KeepExtra})
	return nil
}

// generatedInput is generated.js's input for the production tree of the
// app's production closure, whose registry packages are prod.
func (b *builder) generatedInput(closure []*pnpm.Package, prod []string) helpers.GeneratedInput {
	in := helpers.GeneratedInput{Tree: plan.ShippedTreeDir, Out: plan.OverlayDir, App: b.pkg.Dir,
		Entries: b.ws.StoreEntries(prod, b.plan.PNPM.Major)}
	for _, p := range closure {
		if p != b.pkg && p != b.ws.Root {
			in.Packages = append(in.Packages, b.workspacePackage(p))
		}
	}
	return in
}

// appCollect is what the app's exec copies into CollectMount, those entries
// that exist: for Next.js apps public/, which the standalone server serves;
// for node apps what package.json's files lists (as pnpm deploy would copy
// it; a missing entry is skipped, so a plain copy from the build would fail).
func (b *builder) appCollect() []plan.Copy {
	dir := path.Join(plan.BuildRoot, b.pkg.Dir)
	switch b.plan.Preset {
	case manifest.PresetNext:
		return []plan.Copy{{Src: path.Join(dir, "public"), Dest: path.Join(b.pkg.Dir, "public")}}
	case manifest.PresetStatic:
		return nil // the site is its build's output
	}
	seen := map[string]bool{}
	var collect []plan.Copy
	for _, f := range b.pkg.JSON.Files {
		f = strings.TrimPrefix(path.Clean(strings.TrimPrefix(f, "./")), "/")
		top, _, _ := strings.Cut(f, "/")
		if strings.HasPrefix(top, "!") || strings.ContainsAny(top, "*?[{") || top == "." || top == ".." || top == "package.json" || seen[top] {
			continue
		}
		seen[top] = true
		collect = append(collect, plan.Copy{Src: path.Join(dir, top), Dest: top})
	}
	return collect
}

// appFiles are the app's own files in the image, from its build: what it
// collected (its files field), else its build outputs, else (no build) its
// sources.
func (b *builder) appFiles(app string) []plan.Copy {
	s := b.plan.Stage(app)
	if len(s.Collect) > 0 {
		return []plan.Copy{{From: app, Src: "/", Dest: plan.AppRoot + "/", Collected: true}}
	}
	dir := path.Join(plan.BuildRoot, b.pkg.Dir)
	if len(s.Outputs) == 0 {
		// No build (perhaps generate: commands): the app's sources are what
		// it ships, as pnpm deploy would copy them (its install's
		// node_modules is not), with what generate wrote beside them.
		return []plan.Copy{{From: app, Src: dir + "/", Dest: plan.AppRoot + "/", Excludes: []string{"node_modules"}}}
	}
	var out []plan.Copy
	for _, o := range b.outputs(b.pkg) {
		rel := strings.TrimPrefix(strings.TrimPrefix(o, b.pkg.Dir), "/")
		out = append(out, plan.Copy{From: app, Src: path.Join(plan.BuildRoot, o), Dest: path.Join(plan.AppRoot, rel)})
	}
	return out
}
