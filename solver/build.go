package solver

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// builds adds one stage per workspace package of the closure (but the target)
// that has a build. A build's level is one more than the highest level among the
// builds it needs, so packages without a build do not separate levels.
func (b *builder) builds(levels [][]*pnpm.Package) error {
	b.built = map[*pnpm.Package]string{}
	level := map[string]int{}
	var stages []plan.Stage
	for _, lvl := range levels {
		// A level's builds see the builds of lower levels only: packages
		// of one level depend on none of each other, but for the members
		// of a cycle, which pnpm builds side by side.
		built := map[*pnpm.Package]string{}
		for _, p := range lvl {
			if p == b.pkg {
				continue
			}
			cmd, pos := b.buildCommand(p, manifest.String{})
			id := string(plan.KindBuild) + ":" + p.ID()
			setup, notes := b.setup(p)
			steps := b.runSetup(setup, notes, id)
			if cmd == "" && len(steps) == 0 {
				continue
			}
			s, err := b.buildStage(p, cmd, steps)
			if err != nil {
				return err
			}
			s.Pos = pos
			for _, need := range s.Needs[1:] { // after deps
				s.Level = max(s.Level, level[need]+1)
			}
			level[s.ID] = s.Level
			if shareClosures {
				b.shareClosure(&s, p, b.own[s.ID], lvl)
			}
			built[p] = s.ID
			stages = append(stages, s)
		}
		maps.Copy(b.built, built)
	}
	b.finishSets()
	slices.SortStableFunc(stages, func(x, y plan.Stage) int {
		if x.Level != y.Level {
			return x.Level - y.Level
		}
		return strings.Compare(x.Dir, y.Dir)
	})
	for _, s := range stages {
		for len(b.plan.Levels) <= s.Level {
			b.plan.Levels = append(b.plan.Levels, nil)
		}
		b.plan.Levels[s.Level] = append(b.plan.Levels[s.Level], s.ID)
		b.add(s)
	}
	return nil
}

// buildStage is p's build: its setup steps, then its build command. What
// the steps write is kept (keepGenerated) for the builds that need this one
// and, when p ships, for the production tree; so is package.json when the
// build rewrites it (a switch:prod script pointing main at dist): it costs
// an empty directory when the build leaves it as it was. A package with
// setup steps but no build has no outputs: its sources ship, with what the
// steps wrote.
func (b *builder) buildStage(p *pnpm.Package, cmd string, steps []string) (plan.Stage, error) {
	if cmd == "" {
		b.outputsOf[p] = []string{}
	}
	run, title := setupRun(steps), slices.Clone(steps)
	if cmd != "" {
		kept := shellQuote(path.Join(plan.GeneratedOut, plan.BuildRoot, p.Dir))
		run = append(run, "cp package.json "+plan.ManifestBefore, cmd,
			fmt.Sprintf("cmp -s package.json %s || { mkdir -p %s && cp package.json %s/; }", plan.ManifestBefore, kept, kept))
		title = append(title, cmd)
	}
	s := b.packageStage(p, plan.KindBuild, run)
	s.Title = "RUN " + strings.Join(title, " && ")
	if len(steps) > 0 {
		if err := b.keepGenerated(&s); err != nil {
			return plan.Stage{}, err
		}
	} else {
		s.Mounts = append(s.Mounts, plan.Mount{Target: plan.GeneratedOut, Keep: plan.KeepExtra})
	}
	return s, nil
}

// setupRun is what runs steps and keeps what they write (keepGenerated):
// a marker first, then the steps, then the collection of every file newer
// than the marker. None without steps.
func setupRun(steps []string) []string {
	if len(steps) == 0 {
		return nil
	}
	run := append([]string{"touch " + plan.GenerateMarker}, steps...)
	return append(run, "node "+helpers.GeneratedScript+" collect "+helpers.CollectData)
}

// buildCommand is the package's build: the manifest's override, else its build
// script.
func (b *builder) buildCommand(p *pnpm.Package, targetBuild manifest.String) (string, diag.Pos) {
	if targetBuild.Value != "" {
		return targetBuild.Value, targetBuild.Pos
	}
	if o := override(b.m, p); o != nil && o.Build.Value != "" {
		return o.Build.Value, o.Build.Pos
	}
	if _, ok := p.JSON.Scripts["build"]; ok {
		return "pnpm run build", p.JSON.Pos("scripts/build")
	}
	return "", diag.Pos{}
}

// outputs are what p's build writes, from the repository root: the
// manifest's outputs for it, else .next for a Next.js app, else what its
// package.json points at. Computed once per package: every dependent's stage
// excludes them.
func (b *builder) outputs(p *pnpm.Package) []string {
	if outs, ok := b.outputsOf[p]; ok {
		return outs
	}
	var outs []string
	if o := override(b.m, p); o != nil && len(o.Outputs) > 0 {
		for _, s := range o.Outputs {
			outs = append(outs, s.Value)
		}
	} else if p == b.pkg && b.plan.Preset == manifest.PresetNext {
		outs = []string{".next"}
	} else if p == b.pkg && b.plan.Preset == manifest.PresetStatic {
		outs = []string{b.staticRoot()}
	} else {
		var guessed bool
		outs, guessed = p.JSON.DefaultOutputs()
		if guessed && p == b.pkg && b.plan.Preset == manifest.PresetNode {
			// Nothing in package.json names them: the directory the
			// start runs from is what the build writes (SvelteKit's
			// build/, React Router's build/server, Nitro's .output).
			if sc, err := b.start(); err == nil && len(b.t.Start) == 0 {
				if o := startOutput(sc); o != "" {
					outs, guessed = []string{o}, false
				}
			}
		}
		if guessed {
			if b.guessed == nil {
				b.guessed = map[*pnpm.Package]bool{}
			}
			b.guessed[p] = true
		}
	}
	var full []string
	for _, o := range outs {
		full = append(full, path.Join(p.Dir, o))
	}
	full = slices.Clip(full) // a caller's append copies
	b.outputsOf[p] = full
	return full
}

// packageStage is a build of p: deps, then p's sources and the root inputs, then
// the sources of its workspace closure and the outputs of the builds among them.
func (b *builder) packageStage(p *pnpm.Package, kind plan.Kind, run []string) plan.Stage {
	outs := b.outputs(p)
	inputs, aliases := packageFiles([]*pnpm.Package{p}, "")
	excludes := []string{path.Join(p.Dir, "node_modules")}
	excludes = append(excludes, outs...)
	for _, in := range manifest.DefaultInputs {
		inputs = append(inputs, in)
	}
	for _, in := range b.m.Inputs {
		inputs = append(inputs, in.Value)
	}
	if o := override(b.m, p); o != nil {
		for _, in := range o.Inputs {
			inputs = append(inputs, in.Value)
		}
	}
	inputs = append(inputs, b.tsconfigPathInputs(p)...)
	// The whole closure's sources, and the outputs of those with a build:
	// many workspace packages export TypeScript source (main or types →
	// src/index.ts), which their dependents compile. Outputs come from the
	// builds, never from the context.
	own := [2]int{len(dedupe(inputs)), len(aliases)} // p's, before its closure's
	closure := b.ws.Closure(p)
	needs, _ := b.contributions(p, closure)
	for _, d := range closure {
		if d == p || d == b.ws.Root {
			continue
		}
		in, al := packageFiles([]*pnpm.Package{d}, "")
		inputs, aliases = append(inputs, in...), append(aliases, al...)
		if b.built[d] != "" {
			excludes = append(excludes, b.outputs(d)...)
		}
	}
	id := string(kind) + ":" + p.ID()
	b.own[id] = own
	return plan.Stage{
		Env:      slices.Clone(b.plan.BuildEnv),
		ID:       id,
		Kind:     kind,
		Package:  p.ID(),
		Dir:      p.Dir,
		Needs:    append([]string{"deps"}, needs...),
		Inputs:   dedupe(inputs),
		Aliases:  aliases,
		Excludes: append(excludes, plan.NodeModules),
		Run:      run,
		Workdir:  path.Join(plan.BuildRoot, p.Dir),
		Outputs:  outs,
		Guessed:  b.guessed[p] && p != b.pkg, // the app's start needs what it builds
		Platform: plan.OnBuild,
		Secrets:  len(b.plan.Secrets) > 0,
	}
}

// contributions are what the workspace packages in pkgs (but self) give a stage
// that needs them: the builds whose outputs (and what their setup steps
// wrote) it merges, and the source directories of packages that have no
// build command.
func (b *builder) contributions(self *pnpm.Package, pkgs []*pnpm.Package) (needs []string, sources []*pnpm.Package) {
	for _, d := range pkgs {
		if d == self {
			continue
		}
		if id := b.built[d]; id != "" {
			needs = append(needs, id)
			if len(b.outputs(d)) == 0 { // setup steps alone: its sources ship
				sources = append(sources, d)
			}
		} else {
			sources = append(sources, d)
		}
	}
	return needs, sources
}
