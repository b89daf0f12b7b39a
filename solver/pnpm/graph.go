package pnpm

import (
	"maps"
	"path"
	"slices"
	"strings"
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
				if _, ok := p.JSON.keys[kind+"/"+name]; !ok {
					pos = d.Pos // a lockfile entry package.json does not name
				}
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

// Levels orders pkgs (a closure) topologically, as pnpm's graph-sequencer
// does: level 0 depends on nothing in the set, level n on packages of lower
// levels only. The packages of a dependency cycle share a level, as pnpm
// runs them side by side in one chunk (and warns): none of them waits for
// another's build. Cycles lists them, each in the order of pkgs.
func Levels(pkgs []*Package) (levels [][]*Package, cycles [][]*Package) {
	in := map[*Package]bool{}
	for _, p := range pkgs {
		in[p] = true
	}
	comp := components(pkgs, in)
	members := map[int][]*Package{}
	for _, p := range pkgs {
		members[comp[p]] = append(members[comp[p]], p)
	}
	level := map[int]int{}
	var depth func(c int) int
	depth = func(c int) int {
		if l, ok := level[c]; ok {
			return l
		}
		l := 0
		for _, p := range members[c] {
			for _, e := range p.Deps {
				if in[e.To] && comp[e.To] != c {
					l = max(l, depth(comp[e.To])+1)
				}
			}
		}
		level[c] = l
		return l
	}
	seen := map[int]bool{}
	for _, p := range pkgs {
		c := comp[p]
		l := depth(c)
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], p)
		if ms := members[c]; len(ms) > 1 && !seen[c] {
			seen[c] = true
			cycles = append(cycles, ms)
		}
	}
	return levels, cycles
}

// components numbers the strongly connected components of pkgs' graph
// (Tarjan's algorithm): packages on a common cycle share a number.
func components(pkgs []*Package, in map[*Package]bool) map[*Package]int {
	index, low, comp := map[*Package]int{}, map[*Package]int{}, map[*Package]int{}
	onStack := map[*Package]bool{}
	var stack []*Package
	next, count := 0, 0
	var visit func(p *Package)
	visit = func(p *Package) {
		index[p], low[p] = next, next
		next++
		stack = append(stack, p)
		onStack[p] = true
		for _, e := range p.Deps {
			q := e.To
			if !in[q] {
				continue
			}
			if _, ok := index[q]; !ok {
				visit(q)
				low[p] = min(low[p], low[q])
			} else if onStack[q] {
				low[p] = min(low[p], index[q])
			}
		}
		if low[p] == index[p] {
			for {
				q := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[q] = false
				comp[q] = count
				if q == p {
					break
				}
			}
			count++
		}
	}
	for _, p := range pkgs {
		if _, ok := index[p]; !ok {
			visit(p)
		}
	}
	return comp
}
