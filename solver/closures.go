package solver

import (
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// shareClosures is false only in tests that compare a plan with the one
// whose stages list their closures.
var shareClosures = true

// shareClosure replaces what a build stage lists of its closure with the
// plan's sets it reaches directly (plan.Set): what plan.Expander puts back
// is what packageStage listed (TestSharedClosuresExpand). own is how many
// of s's inputs and aliases are its package's own; lvl is its level, whose
// members of its closure are built beside it.
func (b *builder) shareClosure(s *plan.Stage, p *pnpm.Package, own [2]int, lvl []*pnpm.Package) {
	for _, d := range b.ws.Closure(p) {
		if d == p {
			continue // its own set, if another build reaches it, adds that build's
		}
		b.addSet(d)
		if slices.Contains(lvl, d) {
			s.Beside = append(s.Beside, d.Dir)
		}
	}
	s.Sets = depDirs(p)
	s.Needs = s.Needs[:1] // deps
	s.Inputs, s.Aliases = s.Inputs[:own[0]], s.Aliases[:own[1]]
	n := 1 + len(b.outputs(p)) // its node_modules and outputs
	s.Excludes = append(s.Excludes[:n:n], plan.NodeModules)
}

// addSet adds d's set to the plan once; its build is filled in by
// finishSets, as builds of one level are made after it is first seen.
func (b *builder) addSet(d *pnpm.Package) {
	if b.sets == nil {
		b.sets = map[*pnpm.Package]bool{}
	}
	if b.sets[d] {
		return
	}
	b.sets[d] = true
	set := plan.Set{ID: d.Dir, Sets: depDirs(d)}
	if d != b.ws.Root {
		set.Inputs, set.Aliases = packageFiles([]*pnpm.Package{d}, "")
	}
	b.plan.Sets = append(b.plan.Sets, set)
}

// finishSets sorts the sets by directory, as ws.Closure orders a closure,
// and names each one's build and its outputs (the root's outputs are not
// excluded: its directory is not copied).
func (b *builder) finishSets() {
	slices.SortFunc(b.plan.Sets, func(x, y plan.Set) int { return strings.Compare(x.ID, y.ID) })
	for p := range b.sets {
		i, _ := slices.BinarySearchFunc(b.plan.Sets, p.Dir, func(s plan.Set, dir string) int { return strings.Compare(s.ID, dir) })
		if id := b.built[p]; id != "" {
			b.plan.Sets[i].Build = id
			if p != b.ws.Root {
				b.plan.Sets[i].Outputs = b.outputs(p)
			}
		}
	}
}

// depDirs are the directories of the workspace packages p depends on, of
// any kind (a closure follows them all), once each, sorted.
func depDirs(p *pnpm.Package) []string {
	var out []string
	for _, e := range p.Deps {
		if e.To != p {
			out = append(out, e.To.Dir)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
