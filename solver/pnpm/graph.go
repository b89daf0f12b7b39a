package pnpm

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// link builds the workspace edges from the lockfile's importers: a dependency whose
// version is link:<dir> or file:<dir> pointing at a workspace project is an edge.
// Names are not matched: a workspace package may share its name with a registry
// package that others install from the registry.
func (ws *Workspace) link() error {
	for _, p := range ws.All() {
		im := ws.Lockfile.Importers[p.Dir]
		if im == nil {
			continue // reported by check, for the packages a target needs
		}
		for _, kind := range DepKinds {
			deps := im.Deps[kind]
			for _, name := range slices.Sorted(maps.Keys(deps)) {
				d := deps[name]
				pos := p.JSON.Pos(kind + "/" + name)
				if err := ws.checkLink(p, name, d, pos); err != nil {
					p.BadLinks = append(p.BadLinks, err)
					continue
				}
				to := ws.byDir[LinkTarget(p.Dir, d.Version)]
				if to == nil || to == p {
					continue
				}
				p.Deps = append(p.Deps, Edge{To: to, Kind: kind, Pos: pos})
			}
		}
	}
	return nil
}

// checkLink refuses a link: dependency that a build cannot follow: one that
// leaves the build context (the image would hold a dangling link), or one to a
// workspace package of another name than the dependency's, unless package.json
// names that package (an alias, "workspace:other@*"). A link to a directory
// of the context that is no workspace package is pnpm's to install.
func (ws *Workspace) checkLink(p *Package, name string, d LockDep, pos diag.Pos) error {
	rel, ok := strings.CutPrefix(d.Version, "link:")
	if !ok {
		return nil
	}
	dir := LinkTarget(p.Dir, d.Version)
	if dir == "" || path.IsAbs(rel) {
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %q, outside the build context (at %s): the image would hold a dangling link; move that package into the workspace, or depend on a published version", p.ID(), name, rel, d.Pos)
	}
	to := ws.byDir[dir]
	if to == nil || to == p || to.Name == name || to.Name != "" && strings.Contains(d.Specifier, to.Name) {
		return nil
	}
	return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %s, which is the package %s (at %s): run pnpm install and commit pnpm-lock.yaml", p.ID(), name, dir, to.ID(), d.Pos)
}

func CleanJoin(dir, rel string) string {
	j := path.Clean(path.Join(dir, rel))
	if j == ".." || strings.HasPrefix(j, "../") {
		return ""
	}
	return j
}

// Closure returns pkg and every workspace package it reaches through any
// dependency kind (builds need devDependencies too), in directory order.
func (ws *Workspace) Closure(pkg *Package) []*Package { return ws.closure(pkg, true) }

// ProdClosure is Closure without devDependencies: what a production install of
// pkg holds.
func (ws *Workspace) ProdClosure(pkg *Package) []*Package { return ws.closure(pkg, false) }

func (ws *Workspace) closure(pkg *Package, dev bool) []*Package {
	seen := map[*Package]bool{}
	var visit func(*Package)
	visit = func(p *Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		for _, e := range p.Deps {
			if dev || e.Kind != "devDependencies" {
				visit(e.To)
			}
		}
	}
	visit(pkg)
	out := slices.Collect(maps.Keys(seen))
	slices.SortFunc(out, func(a, b *Package) int { return strings.Compare(a.Dir, b.Dir) })
	return out
}

// Levels orders pkgs (a closure) topologically: level 0 depends on nothing in the
// set, level n on packages of lower levels only. A cycle is an error that prints it.
func Levels(pkgs []*Package) ([][]*Package, error) {
	in := map[*Package]bool{}
	for _, p := range pkgs {
		in[p] = true
	}
	if cyc := findCycle(pkgs, in); cyc != nil {
		var names []string
		for _, p := range cyc {
			names = append(names, p.ID())
		}
		from, to := cyc[len(cyc)-2], cyc[len(cyc)-1]
		var pos diag.Pos
		for _, e := range from.Deps {
			if e.To == to {
				pos = e.Pos
			}
		}
		return nil, diag.Errorf(pos, "workspace dependency cycle: %s; monokit builds each package after the packages it depends on, so break the cycle (often a devDependency that is not needed to build)", strings.Join(names, " → "))
	}
	level := map[*Package]int{}
	var depth func(*Package) int
	depth = func(p *Package) int {
		if l, ok := level[p]; ok {
			return l
		}
		l := 0
		for _, e := range p.Deps {
			if in[e.To] {
				l = max(l, depth(e.To)+1)
			}
		}
		level[p] = l
		return l
	}
	var out [][]*Package
	for _, p := range pkgs {
		l := depth(p)
		for len(out) <= l {
			out = append(out, nil)
		}
		out[l] = append(out[l], p)
	}
	return out, nil
}

// findCycle returns a cycle as a path whose last element repeats an earlier one,
// or nil.
func findCycle(pkgs []*Package, in map[*Package]bool) []*Package {
	const (
		unvisited = iota
		active
		done
	)
	state := map[*Package]int{}
	var stack []*Package
	var visit func(*Package) []*Package
	visit = func(p *Package) []*Package {
		state[p] = active
		stack = append(stack, p)
		for _, e := range p.Deps {
			if !in[e.To] {
				continue
			}
			switch state[e.To] {
			case active:
				i := slices.Index(stack, e.To)
				return append(slices.Clone(stack[i:]), e.To)
			case unvisited:
				if c := visit(e.To); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = done
		return nil
	}
	for _, p := range pkgs {
		if state[p] == unvisited {
			if c := visit(p); c != nil {
				return c
			}
		}
	}
	return nil
}
