package solver

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// Options are what a build request adds to the manifest and the workspace.
type Options struct {
	// BuildArgs are the --build-arg values; only the arguments the manifest
	// declares are read.
	BuildArgs map[string]string
}

// Solve plans every target of m over the workspace, in target-name order. All
// errors are reported, joined.
func Solve(m *manifest.Manifest, ws *pnpm.Workspace, opts ...Options) ([]*plan.Plan, error) {
	if err := checkPackageOverrides(m, ws); err != nil {
		return nil, err
	}
	var plans []*plan.Plan
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
func SolveTarget(m *manifest.Manifest, ws *pnpm.Workspace, target string, opts ...Options) (*plan.Plan, error) {
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

func checkPackageOverrides(m *manifest.Manifest, ws *pnpm.Workspace) error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(m.Packages)) {
		if ws.Find(key) == nil {
			errs = append(errs, diag.Errorf(m.Packages[key].Pos, "packages: no workspace package is named or lives in %q%s", key, diag.Suggest(key, ws.Names())))
		}
	}
	return errors.Join(errs...)
}

// override returns the manifest's override for pkg, by name or directory.
func override(m *manifest.Manifest, pkg *pnpm.Package) *manifest.Package {
	if o := m.Packages[pkg.Name]; o != nil && pkg.Name != "" {
		return o
	}
	return m.Packages[pkg.Dir]
}

func planTarget(m *manifest.Manifest, ws *pnpm.Workspace, t *manifest.Target, o Options) (*plan.Plan, error) {
	pkg := ws.Find(t.Package.Value)
	if pkg == nil {
		if ws.WorkspaceFileIsDir {
			return nil, diag.Errorf(t.Package.Pos, "target %q: no workspace package is named or lives in %q: pnpm-workspace.yaml is a directory, not a file, so pnpm 9 and 10 see no workspace (its only package is the root) and pnpm 11 fails on it (EISDIR); replace the directory with the workspace file", t.Name, t.Package.Value)
		}
		if !ws.Present[pnpm.WorkspaceFile] {
			return nil, diag.Errorf(t.Package.Pos, "target %q: no workspace package is named or lives in %q: the build context has no pnpm-workspace.yaml, so its only package is the root; pass the monorepo root as the context", t.Name, t.Package.Value)
		}
		return nil, diag.Errorf(t.Package.Pos, "target %q: no workspace package is named or lives in %q%s", t.Name, t.Package.Value, diag.Suggest(t.Package.Value, ws.Names()))
	}
	// The --filter that selects it, by directory and name, so that neither
	// is read as selector syntax.
	filter, err := pkg.Filter()
	if err != nil {
		return nil, diag.Errorf(t.Package.Pos, "target %q: %v", t.Name, err)
	}
	node, err := resolveNode(m, ws)
	if err != nil {
		return nil, err
	}
	node, nodeNote := fitAdvisoryNode(m, t, ws, node)
	pm, err := resolvePNPM(m, ws, node)
	if err != nil {
		return nil, err
	}
	closure := ws.Closure(pkg)
	var bad []error
	for _, p := range closure {
		bad = append(bad, p.BadLinks...)
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	levels, cycles := pnpm.Levels(closure)
	preset, site := targetPreset(ws, t, pkg)
	rt, err := resolveRuntime(m, t, node, preset)
	if err != nil {
		return nil, err
	}
	pl := &plan.Plan{
		Target:  t.Name,
		Package: pkg.ID(),
		Dir:     pkg.Dir,
		Preset:  preset,
		Node:    node,
		PNPM:    pm,
		Libc:    rt.libc,
		Runtime: rt.kind,
		Pos:     t.Pos,
	}
	pl.CacheKey = fmt.Sprintf("%s-node%d", rt.libc, node.Major)
	for _, s := range t.Secrets {
		pl.Secrets = append(pl.Secrets, plan.Secret{ID: s.ID, Env: s.Env, Target: s.Target, Required: s.Required, CA: s.CA})
	}
	pl.BuildEnv = buildEnv(m, t, o.BuildArgs)
	// pnpm's verdict on the lockfile is the one that counts: monokit warns but
	// never refuses, and maps pnpm's refusal back to the line (LockfileDrift).
	if drift := ws.LockfileDrift(closure, pm.Major); len(drift) > 0 {
		pl.Notes = append(pl.Notes, fmt.Sprintf("pnpm-lock.yaml looks out of date (%s: %s): pnpm install --frozen-lockfile will likely refuse it; run pnpm install and commit pnpm-lock.yaml", drift[0].Pos, drift[0].Msg))
	}
	if err := checkSystemPackages(m, rt.libc); err != nil {
		return nil, err
	}
	mode, err := pruneMode(t, o.BuildArgs)
	if err != nil {
		return nil, err
	}
	b := &builder{m: m, ws: ws, t: t, plan: pl, pkg: pkg, filter: filter, rt: rt, site: site, outputsOf: map[*pnpm.Package][]string{}, own: map[string][2]int{}}
	b.traced = b.traces(mode)
	b.toolchain(closure)
	if err := b.deps(closure); err != nil {
		return nil, err
	}
	if nodeNote != "" {
		pl.Notes = append(pl.Notes, nodeNote)
	}
	for _, c := range cycles {
		var ids []string
		for _, p := range c {
			ids = append(ids, p.ID())
		}
		pl.Notes = append(pl.Notes, fmt.Sprintf("workspace dependency cycle among %s: pnpm builds them side by side and warns, and so does monokit: none sees another's build output, only its sources", strings.Join(ids, ", ")))
	}
	if err := b.builds(levels); err != nil {
		return nil, err
	}
	if err := b.app(); err != nil {
		return nil, err
	}
	if err := b.prune(); err != nil {
		return nil, err
	}
	if err := b.runtimeStage(); err != nil {
		return nil, err
	}
	if err := b.runtime(); err != nil {
		return nil, err
	}
	b.explicitSteps()
	b.contextPaths()
	if err := verify(pl, m); err != nil {
		return nil, err
	}
	return pl, nil
}

// builder assembles one plan's stages.
type builder struct {
	m    *manifest.Manifest
	ws   *pnpm.Workspace
	t    *manifest.Target
	plan *plan.Plan
	pkg  *pnpm.Package
	// filter is pnpm's --filter selector of pkg (pnpm.Package.Filter).
	filter string
	rt     runtimeChoice
	// site is a static app's site (preset static).
	site staticSite
	// started is the app's start, read once (start).
	started *startResult
	// built maps a package to its build stage's ID; packages without a build
	// contribute their sources instead.
	built map[*pnpm.Package]string
	// generate is the ID of the app stage when it keeps what its setup and
	// the target's generate: commands write, which the workspace stage lays
	// onto the production tree.
	generate string
	// sysPkgs are the build image's system packages (buildPackages).
	sysPkgs []string
	// install caches installPackages: the install's registry packages.
	install map[string][]string
	// tree is the ID of the last stage that writes the production tree
	// (prune, select or native), which the runtime copies; overlay is the
	// workspace stage's, whose files the runtime lays onto it, if any.
	tree, overlay string
	// traced says the runtime ships the production tree cut to what the
	// app loads (prune: trace), from a trace stage.
	traced bool
	// outputsOf caches outputs; guessed marks the packages whose outputs
	// are monokit's guess, which nothing in package.json names.
	outputsOf map[*pnpm.Package][]string
	// own counts the inputs and aliases of a package stage that are its
	// package's, before its closure's; sets are the packages in plan.Sets.
	own     map[string][2]int
	sets    map[*pnpm.Package]bool
	guessed map[*pnpm.Package]bool
}

func (b *builder) add(s plan.Stage) { b.plan.Stages = append(b.plan.Stages, s) }

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
	// Each build lists its closure's sources: dedupe before sorting, as the
	// lists add up to n²/2 paths in a workspace shaped as a chain.
	seen := map[string]bool{}
	var all []string
	add := func(paths []string) {
		for _, p := range paths {
			if !seen[p] {
				seen[p] = true
				all = append(all, p)
			}
		}
	}
	for _, s := range b.plan.Stages {
		if s.Kind != plan.KindDeps && s.Kind != plan.KindToolchain { // theirs come with the metadata
			add(s.Inputs)
			for _, a := range s.Aliases {
				add([]string{a.Src})
			}
		}
		add(s.ContextInputs)
	}
	for _, set := range b.plan.Sets { // the closures' files, named once
		add(set.Inputs)
		for _, a := range set.Aliases {
			add([]string{a.Src})
		}
	}
	slices.Sort(all)
	b.plan.ContextPaths = all
}
