package solver

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/diag"
	"github.com/monokit/monokit/manifest"
)

// Options are what a build request adds to the manifest and the workspace.
type Options struct {
	// BuildArgs are the --build-arg values; only the arguments the manifest
	// declares are read.
	BuildArgs map[string]string
}

// Solve plans every target of m over the workspace, in target-name order. All
// errors are reported, joined.
func Solve(m *manifest.Manifest, ws *Workspace, opts ...Options) ([]*Plan, error) {
	if err := checkPackageOverrides(m, ws); err != nil {
		return nil, err
	}
	var plans []*Plan
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(m.Targets)) {
		p, err := planTarget(m, ws, m.Targets[name], options(opts))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		plans = append(plans, p)
	}
	return plans, errors.Join(errs...)
}

// SolveTarget plans one target. An unknown name is an error listing the targets.
func SolveTarget(m *manifest.Manifest, ws *Workspace, target string, opts ...Options) (*Plan, error) {
	t, err := FindTarget(m, target)
	if err != nil {
		return nil, err
	}
	if err := checkPackageOverrides(m, ws); err != nil {
		return nil, err
	}
	return planTarget(m, ws, t, options(opts))
}

func options(opts []Options) Options {
	if len(opts) > 0 {
		return opts[0]
	}
	return Options{}
}

// FindTarget returns the named target; an empty name is allowed when the manifest
// has exactly one.
func FindTarget(m *manifest.Manifest, name string) (*manifest.Target, error) {
	names := slices.Sorted(maps.Keys(m.Targets))
	if name == "" {
		if len(names) == 1 {
			return m.Targets[names[0]], nil
		}
		return nil, diag.Errorf(m.Pos, "no target given: pass --target with one of %s", strings.Join(names, ", "))
	}
	t := m.Targets[name]
	if t == nil {
		return nil, diag.Errorf(m.Pos, "target %q is not in %s: the targets are %s%s", name, m.Pos.File, strings.Join(names, ", "), diag.Suggest(name, names))
	}
	return t, nil
}

func checkPackageOverrides(m *manifest.Manifest, ws *Workspace) error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(m.Packages)) {
		if ws.Find(key) == nil {
			errs = append(errs, diag.Errorf(m.Packages[key].Pos, "packages: no workspace package is named or lives in %q%s", key, diag.Suggest(key, ws.Names())))
		}
	}
	return errors.Join(errs...)
}

// override returns the manifest's override for pkg, by name or directory.
func override(m *manifest.Manifest, pkg *Package) *manifest.Package {
	if o := m.Packages[pkg.Name]; o != nil && pkg.Name != "" {
		return o
	}
	return m.Packages[pkg.Dir]
}

func planTarget(m *manifest.Manifest, ws *Workspace, t *manifest.Target, o Options) (*Plan, error) {
	pkg := ws.Find(t.Package.Value)
	if pkg == nil {
		return nil, diag.Errorf(t.Package.Pos, "target %q: no workspace package is named or lives in %q%s", t.Name, t.Package.Value, diag.Suggest(t.Package.Value, ws.Names()))
	}
	node, err := resolveNode(m, ws)
	if err != nil {
		return nil, err
	}
	pnpm, err := resolvePNPM(m, ws, node)
	if err != nil {
		return nil, err
	}
	closure := ws.Closure(pkg)
	levels, err := Levels(closure)
	if err != nil {
		return nil, err
	}
	rt, err := resolveRuntime(m, t, node)
	if err != nil {
		return nil, err
	}
	preset := t.Preset.Value
	if preset == "" {
		preset = manifest.PresetNode
		if pkg.JSON.HasDep("next") {
			preset = manifest.PresetNext
		}
	}
	pl := &Plan{
		Target:  t.Name,
		Package: pkg.ID(),
		Dir:     pkg.Dir,
		Preset:  preset,
		Node:    node,
		PNPM:    pnpm,
		Libc:    rt.libc,
		Runtime: rt.kind,
		Pos:     t.Pos,
	}
	pl.CacheKey = fmt.Sprintf("%s-node%d", rt.libc, node.Major)
	for _, s := range t.Secrets {
		pl.Secrets = append(pl.Secrets, Secret{ID: s.ID, Env: s.Env, Target: s.Target, Required: s.Required})
	}
	pl.BuildEnv = buildEnv(m, t, o.BuildArgs)
	// pnpm's verdict on the lockfile is the one that counts: monokit warns but
	// never refuses, and maps pnpm's refusal back to the line (LockfileDrift).
	if drift := ws.LockfileDrift(closure, pnpm.Major); len(drift) > 0 {
		pl.Notes = append(pl.Notes, fmt.Sprintf("pnpm-lock.yaml looks out of date (%s: %s): pnpm install --frozen-lockfile will likely refuse it; run pnpm install and commit pnpm-lock.yaml", drift[0].Pos, drift[0].Msg))
	}
	b := &builder{m: m, ws: ws, t: t, plan: pl, pkg: pkg, rt: rt}
	b.toolchain()
	b.deps(closure)
	if err := b.builds(levels); err != nil {
		return nil, err
	}
	if err := b.app(); err != nil {
		return nil, err
	}
	if err := b.prune(); err != nil {
		return nil, err
	}
	b.runtimeStage()
	if err := b.runtime(); err != nil {
		return nil, err
	}
	b.explicitSteps()
	b.contextPaths()
	return pl, nil
}

// builder assembles one plan's stages.
type builder struct {
	m    *manifest.Manifest
	ws   *Workspace
	t    *manifest.Target
	plan *Plan
	pkg  *Package
	rt   runtimeChoice
	// built maps a package to its build stage's ID; packages without a build
	// contribute their sources instead.
	built map[*Package]string
	// generate is the ID of the stage that keeps what the target's
	// generate: commands write, if it has any.
	generate string
	// tree is the ID of the last stage that writes the production tree
	// (prune, select or native), which the runtime copies.
	tree string
}

func (b *builder) add(s Stage) { b.plan.Stages = append(b.plan.Stages, s) }

// systemPackages installs the manifest's system packages on the build image:
// every stage that may compile native code runs it first.
func (b *builder) systemPackages() []string {
	pk := b.m.SystemPackages
	if len(pk) == 0 {
		return nil
	}
	var names []string
	for _, p := range pk {
		names = append(names, p.Value)
	}
	if b.rt.libc == manifest.LibcMusl {
		return []string{"apk add --no-cache " + strings.Join(names, " ")}
	}
	return []string{"apt-get update && apt-get install -y --no-install-recommends " + strings.Join(names, " ") + " && rm -rf /var/lib/apt/lists/*"}
}

func (b *builder) toolchain() {
	run := b.systemPackages()
	run = append(run, fmt.Sprintf("npm install --global --no-fund --no-audit pnpm@%s", b.plan.PNPM.Version))
	caches := []CacheMount{{Name: "npm", Target: "/root/.npm", Sharing: CacheLocked}}
	if len(b.m.SystemPackages) > 0 {
		// apt's downloads and lists, kept between builds (the command
		// removes the lists from the layer, not from the cache).
		caches = append(caches,
			CacheMount{Name: "apt-cache", Target: "/var/cache/apt", Sharing: CacheLocked},
			CacheMount{Name: "apt-lists", Target: "/var/lib/apt/lists", Sharing: CacheLocked})
	}
	b.add(Stage{
		ID:       "toolchain",
		Kind:     KindToolchain,
		Image:    b.rt.buildImage,
		Run:      run,
		Env:      toolchainEnv,
		Platform: OnBuild,
		Caches:   caches,
	})
}

// toolchainEnv is set for every step on the build image. CI makes pnpm
// non-interactive; npm_config_nodedir lets node-gyp use the headers that ship
// with Node.js instead of downloading them.
var toolchainEnv = []string{"CI=true", "npm_config_nodedir=/usr/local", "npm_config_update_notifier=false"}

// deps installs from metadata files only, so no source edit re-runs it.
func (b *builder) deps(closure []*Package) {
	inputs := []string{LockFile, RootManifest}
	for _, f := range []string{WorkspaceFile, ".npmrc", ".pnpmfile.cjs", ".pnpmfile.mjs"} {
		if b.ws.Present[f] {
			inputs = append(inputs, f)
		}
	}
	inputs = append(inputs, b.ws.PatchFiles()...)
	var bins []string
	for _, p := range closure {
		if p.Dir != "." {
			inputs = append(inputs, path.Join(p.Dir, RootManifest))
		}
		// pnpm links a workspace package's bins at install only when their
		// files are there: a build tool that is a workspace package (a
		// devDependency with a bin) needs them. Bins that a build writes do
		// not exist yet, for monokit as for pnpm.
		for _, f := range p.JSON.BinFiles() {
			if rel := cleanJoin(p.Dir, f); rel != "" && rel != "." {
				bins = append(bins, rel)
			}
		}
	}
	filter := fmt.Sprintf("--filter=%s...", shellQuote(b.pkg.ID()))
	install := fmt.Sprintf("pnpm install --frozen-lockfile --prefer-offline --store-dir=%s %s --filter=.", StoreDir, filter)
	b.add(Stage{
		ID:            "deps",
		Kind:          KindDeps,
		Needs:         []string{"toolchain"},
		Inputs:        inputs,
		Excludes:      []string{NodeModules},
		ContextInputs: dedupe(bins),
		Run:           reportLockfileRefusal(install),
		Title:         "RUN " + install,
		Platform:      OnBuild,
		Caches:        lockedCaches(StoreDir, CacheDir),
		Secrets:       len(b.plan.Secrets) > 0,
	})
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

// builds adds one stage per workspace package of the closure (but the target)
// that has a build. A build's level is one more than the highest level among the
// builds it needs, so packages without a build do not separate levels.
func (b *builder) builds(levels [][]*Package) error {
	b.built = map[*Package]string{}
	level := map[string]int{}
	var stages []Stage
	for _, lvl := range levels {
		for _, p := range lvl {
			if p == b.pkg {
				continue
			}
			cmd, pos := b.buildCommand(p, manifest.String{})
			if cmd == "" {
				continue
			}
			s := b.packageStage(p, KindBuild, []string{cmd})
			s.Pos = pos
			for _, need := range s.Needs[1:] { // after deps
				s.Level = max(s.Level, level[need]+1)
			}
			level[s.ID] = s.Level
			b.built[p] = s.ID
			stages = append(stages, s)
		}
	}
	slices.SortStableFunc(stages, func(x, y Stage) int {
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

// buildCommand is the package's build: the manifest's override, else its build
// script.
func (b *builder) buildCommand(p *Package, targetBuild manifest.String) (string, diag.Pos) {
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

func (b *builder) outputs(p *Package) []string {
	var outs []string
	if o := override(b.m, p); o != nil && len(o.Outputs) > 0 {
		for _, s := range o.Outputs {
			outs = append(outs, s.Value)
		}
	} else if p == b.pkg && b.plan.Preset == manifest.PresetNext {
		outs = []string{".next"}
	} else {
		outs = p.JSON.DefaultOutputs()
	}
	var full []string
	for _, o := range outs {
		full = append(full, path.Join(p.Dir, o))
	}
	return full
}

// packageStage is a build of p: deps, then p's sources and the root inputs, then
// the sources of its workspace closure and the outputs of the builds among them.
func (b *builder) packageStage(p *Package, kind Kind, run []string) Stage {
	outs := b.outputs(p)
	inputs := []string{p.Dir}
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
	// The whole closure's sources, and the outputs of those with a build:
	// many workspace packages export TypeScript source (main or types →
	// src/index.ts), which their dependents compile. Outputs come from the
	// builds, never from the context.
	closure := b.ws.Closure(p)
	needs, _ := b.contributions(p, closure)
	for _, d := range closure {
		if d == p || d == b.ws.Root {
			continue
		}
		inputs = append(inputs, d.Dir)
		if b.built[d] != "" {
			excludes = append(excludes, b.outputs(d)...)
		}
	}
	id := string(kind) + ":" + p.ID()
	return Stage{
		Env:      slices.Clone(b.plan.BuildEnv),
		ID:       id,
		Kind:     kind,
		Package:  p.ID(),
		Dir:      p.Dir,
		Needs:    append([]string{"deps"}, needs...),
		Inputs:   dedupe(inputs),
		Excludes: append(excludes, NodeModules),
		Run:      run,
		Outputs:  outs,
		Platform: OnBuild,
		Secrets:  len(b.plan.Secrets) > 0,
	}
}

// contributions are what the workspace packages in pkgs (but self) give a stage
// that needs them: the builds whose outputs it merges, and the source
// directories of packages that have no build.
func (b *builder) contributions(self *Package, pkgs []*Package) (needs, sources []string) {
	for _, d := range pkgs {
		if d == self {
			continue
		}
		if id := b.built[d]; id != "" {
			needs = append(needs, id)
		} else {
			sources = append(sources, d.Dir)
		}
	}
	return needs, sources
}

func (b *builder) app() error {
	var run, title []string
	// What generate: commands write, wherever it is, is kept for the
	// production tree (see keepGenerated); Next.js's standalone output
	// already holds what its server needs.
	keep := len(b.t.Generate) > 0 && b.plan.Preset != manifest.PresetNext
	if keep {
		run = append(run, "touch "+GenerateMarker)
	}
	for _, g := range b.t.Generate {
		run = append(run, g.Value)
		title = append(title, g.Value)
	}
	if keep {
		run = append(run, fmt.Sprintf("node %s collect %s %s %s", GeneratedScript, GenerateMarker, BuildRoot, GeneratedOut))
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
	s := b.packageStage(b.pkg, KindApp, run)
	s.Collect = b.appCollect()
	if keep {
		b.keepGenerated(&s)
		s.Title = "RUN " + strings.Join(title, " && ")
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
func (b *builder) keepGenerated(s *Stage) {
	s.Helpers = []string{GeneratedScript}
	s.ExtraOutput = GeneratedOut
	b.generate = s.ID
}

// generatedInput is generated.js's input for the production tree of the
// app's production closure.
func (b *builder) generatedInput(closure []*Package) GeneratedInput {
	in := GeneratedInput{Generated: path.Join(GeneratedMount, BuildRoot), Tree: TreeDir, App: b.pkg.Dir}
	for _, p := range closure {
		if p != b.pkg && p != b.ws.Root {
			in.Packages = append(in.Packages, GeneratedPackage{Name: p.JSON.Name, Dir: p.Dir})
		}
	}
	return in
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// shellQuote quotes s for /bin/sh when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// contextPaths are the inputs of every stage but the install, which reads the
// metadata the frontend transferred to plan.
func (b *builder) contextPaths() {
	var all []string
	for _, s := range b.plan.Stages {
		if s.Kind != KindDeps {
			all = append(all, s.Inputs...)
		}
		all = append(all, s.ContextInputs...)
	}
	slices.Sort(all)
	b.plan.ContextPaths = slices.Compact(all)
}
