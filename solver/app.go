package solver

import (
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
	var run, title []string
	// What generate: commands write, wherever it is, is kept for the
	// production tree (see keepGenerated); Next.js's standalone output
	// already holds what its server needs.
	keep := len(b.t.Generate) > 0 && b.plan.Preset != manifest.PresetNext
	if keep {
		run = append(run, "touch "+plan.GenerateMarker)
	}
	for _, g := range b.t.Generate {
		run = append(run, g.Value)
		title = append(title, g.Value)
	}
	if keep {
		run = append(run, fmt.Sprintf("node %s collect %s %s %s", helpers.GeneratedScript, plan.GenerateMarker, plan.BuildRoot, plan.GeneratedOut))
	}
	cmd, pos := b.buildCommand(b.pkg, b.t.Build)
	if cmd == "" {
		if len(run) == 0 {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s has no build script: its sources ship as they are", b.pkg.JSON.File))
		}
	} else {
		run = append(run, cmd)
		title = append(title, cmd)
	}
	s := b.packageStage(b.pkg, plan.KindApp, run)
	s.Collect = b.appCollect()
	if keep {
		b.keepGenerated(&s)
		s.Title = "RUN " + strings.Join(title, " && ")
	}
	if len(s.Collect) > 0 {
		s.Mounts = append(s.Mounts, plan.Mount{Target: plan.CollectMount, Keep: plan.KeepCollect})
	}
	if cmd == "" {
		// Without a build, what would be outputs are sources.
		s.Excludes = slices.DeleteFunc(s.Excludes, func(e string) bool { return slices.Contains(s.Outputs, e) })
		s.Outputs = nil
	}
	if b.plan.Preset == manifest.PresetNext {
		if err := b.nextApp(&s); err != nil {
			return err
		}
	}
	s.Pos = pos
	b.add(s)
	return nil
}

// keepGenerated makes the app's exec keep every file its generate: commands
// write, wherever it is: beside the sources of a dependency without a build
// (packages/database/generated), in node_modules (@prisma/client's
// .prisma/client). The prune lays that onto the production tree, where pnpm
// deploy drops git-ignored files and rebuilds node_modules. So the deploy
// waits for the app's exec, but an app edit re-runs it only when what
// generate writes changes: BuildKit keys the copy by content.
func (b *builder) keepGenerated(s *plan.Stage) {
	s.Helpers = []string{helpers.GeneratedScript, helpers.StoreScript}
	s.Mounts = append(s.Mounts, plan.Mount{Target: plan.GeneratedOut, Keep: plan.KeepExtra})
	b.generate = s.ID
}

// generatedInput is generated.js's input for the production tree of the
// app's production closure, whose registry packages are prod.
func (b *builder) generatedInput(closure []*pnpm.Package, prod []string) helpers.GeneratedInput {
	in := helpers.GeneratedInput{Generated: path.Join(plan.GeneratedMount, plan.BuildRoot), Tree: plan.ShippedTreeDir, Out: plan.OverlayDir, App: b.pkg.Dir,
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
	if b.plan.Preset == manifest.PresetNext {
		return []plan.Copy{{Src: path.Join(dir, "public"), Dest: path.Join(b.pkg.Dir, "public")}}
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
