package solver

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	// turbo.json is JSON with comments and trailing commas

	"github.com/monokit/monokit/solver/pnpm"
)

// projectScripts are the lifecycle scripts pnpm runs for a workspace project
// in an install, in the order it runs them.
var projectScripts = []string{"preinstall", "install", "postinstall", "preprepare", "prepare", "postprepare"}

// lifecycleRun runs one lifecycle script, as an install runs it: alone.
// pnpm run would also run its pre and post scripts (pnpm run install runs
// preinstall and postinstall), which are lifecycle scripts of their own,
// and hygiene among them would run after all.
const lifecycleRun = "pnpm run --config.enable-pre-post-scripts=false "

// setupStep is a command a package's build stage runs before its build, and
// what the plan's notes say of it. upstream marks a turbo task that depends
// on its dependencies' tasks (^build): it reads what their builds write.
type setupStep struct {
	cmd, note string
	upstream  bool
}

// setup is what p's build stage runs before its build: the lifecycle
// scripts pnpm would run for it in an install (the install, which sees only
// package.json files, runs them not: they read the package's files), the
// same-package tasks turbo.json's build task depends on, and prisma generate
// for a package with a Prisma schema whose client nothing else generates.
// notes say what is skipped, and why.
func (b *builder) setup(p *pnpm.Package) (steps []setupStep, notes []string) {
	file := p.JSON.File
	var ran []string // the scripts' texts, to tell whether one generates
	for _, name := range projectScripts {
		script, ok := p.JSON.Scripts[name]
		if !ok {
			continue
		}
		if hygiene(script) {
			notes = append(notes, fmt.Sprintf("%s: the %s script %q is repository hygiene (git hooks, package manager checks): skipped", file, name, script))
			continue
		}
		ran = append(ran, script)
		steps = append(steps, setupStep{cmd: lifecycleRun + name, note: fmt.Sprintf("%s: the %s script %q", file, name, script)})
	}
	for _, task := range b.turboBuildDeps(p) {
		script, ok := p.JSON.Scripts[task.name]
		if !ok || task.name == "build" {
			continue
		}
		ran = append(ran, script)
		steps = append(steps, setupStep{cmd: "pnpm run " + shellQuote(task.name), upstream: task.upstream,
			note: fmt.Sprintf("%s: the %s script %q (turbo.json's build task depends on it)", file, task.name, script)})
	}
	if build, ok := p.JSON.Scripts["build"]; ok {
		ran = append(ran, build)
	}
	if step, note := b.prismaGenerate(p, ran); step != "" {
		steps = append(steps, setupStep{cmd: step, note: note})
	} else if note != "" {
		notes = append(notes, note)
	}
	return steps, notes
}

// runSetup notes where p's setup steps run (stage id, before p's build),
// then what setup skipped (notes), and returns the steps' commands.
func (b *builder) runSetup(steps []setupStep, notes []string, id string) []string {
	var cmds []string
	for _, s := range steps {
		cmds = append(cmds, s.cmd)
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s runs in %s, before its build", s.note, id))
	}
	b.plan.Notes = append(b.plan.Notes, notes...)
	return cmds
}

// prismaSchemaFiles are where the prisma CLI looks for a package's schema
// or its config by default (pnpm.MetadataPatterns transfers them).
var prismaSchemaFiles = []string{"prisma/schema.prisma", "schema.prisma",
	"prisma.config.ts", "prisma.config.mts", "prisma.config.cts", "prisma.config.js", "prisma.config.mjs", "prisma.config.cjs"}

// generatesPrisma matches a script that runs prisma generate itself.
var generatesPrisma = regexp.MustCompile(`\bprisma\s+generate\b`)

// prismaGenerate is the prisma generate that p's build runs first: p uses
// Prisma and has a schema (its package.json's prisma.schema, or a default
// place), none of the scripts it runs generates, and the target's
// generate: commands, which replace this default, are none. A note says
// why there is none when p uses Prisma.
func (b *builder) prismaGenerate(p *pnpm.Package, ran []string) (cmd, note string) {
	if !p.JSON.HasDep("prisma") && !p.JSON.HasDep("@prisma/client") {
		return "", ""
	}
	schema := p.JSON.PrismaSchema
	for _, f := range prismaSchemaFiles {
		if schema == "" && b.ws.Exists(path.Join(p.Dir, f)) {
			schema = f
		}
	}
	switch {
	case schema == "":
		return "", ""
	case len(b.t.Generate) > 0:
		return "", fmt.Sprintf("%s uses Prisma (%s): the target's generate: commands generate its client, not monokit's default prisma generate", p.ID(), schema)
	case slices.ContainsFunc(ran, generatesPrisma.MatchString):
		return "", ""
	case !p.JSON.HasDep("prisma") && !b.ws.Root.JSON.HasDep("prisma"):
		return "", fmt.Sprintf("%s uses Prisma (%s) but neither it nor the root depends on the prisma CLI: nothing generates its client (add prisma to its devDependencies)", p.ID(), schema)
	}
	return "pnpm exec prisma generate", fmt.Sprintf("%s: prisma generate (it has a Prisma schema, %s)", p.JSON.File, schema)
}

// turboTask is a same-package task turbo.json's build task depends on;
// upstream says it depends, itself or through its own same-package tasks,
// on its dependencies' tasks ("dependsOn": ["^build"]).
type turboTask struct {
	name     string
	upstream bool
}

// turboBuildDeps are the same-package tasks turbo.json's build task depends
// on, in its order ("dependsOn": ["^build", "generate"] → generate): the
// root turbo.json's "build" or "<name>#build" task, under tasks (turbo 2)
// or pipeline (turbo 1). None when turbo.json is absent or unreadable: it
// only adds steps.
func (b *builder) turboBuildDeps(p *pnpm.Package) []turboTask {
	var cfg struct {
		Tasks    map[string]struct{ DependsOn []string } `json:"tasks"`
		Pipeline map[string]struct{ DependsOn []string } `json:"pipeline"`
	}
	if !b.readJSONC("turbo.json", &cfg) {
		return nil
	}
	tasks := cfg.Tasks
	if tasks == nil {
		tasks = cfg.Pipeline
	}
	// A package's own entry wins over the shared one, as in turbo.
	dependsOn := func(name string) []string {
		if t, ok := tasks[p.Name+"#"+name]; ok {
			return t.DependsOn
		}
		return tasks[name].DependsOn
	}
	// own are the same-package tasks of deps; upstream whether deps name
	// a dependency's task.
	own := func(deps []string) (names []string, upstream bool) {
		for _, d := range deps {
			if strings.HasPrefix(d, "^") {
				upstream = true
				continue
			}
			if strings.HasPrefix(d, "$") {
				continue // turbo 1's environment entries
			}
			if pkg, t, ok := strings.Cut(d, "#"); ok {
				if pkg != p.Name {
					continue
				}
				d = t
			}
			names = append(names, d)
		}
		return names, upstream
	}
	// reaches says whether task, or a same-package task it depends on,
	// depends on a dependency's task; seen bounds a cycle.
	seen := map[string]bool{}
	var reaches func(task string) bool
	reaches = func(task string) bool {
		if seen[task] {
			return false
		}
		seen[task] = true
		names, up := own(dependsOn(task))
		for _, n := range names {
			up = reaches(n) || up
		}
		return up
	}
	names, _ := own(dependsOn("build"))
	var out []turboTask
	for _, n := range dedupe(names) {
		clear(seen)
		seen["build"] = true
		out = append(out, turboTask{name: n, upstream: reaches(n)})
	}
	return out
}
