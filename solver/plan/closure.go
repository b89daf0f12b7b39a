package plan

import (
	"slices"
)

// Set is one workspace package's share of the build stages whose closures
// hold it, written once per plan: a build stage names the sets it reaches
// directly (Stage.Sets) instead of listing its whole closure, so the plan
// grows with the workspace's dependencies, not with the sum of its closures
// (n²/2 entries for a chain of n packages).
type Set struct {
	// ID is the package's directory.
	ID string `json:"id"`
	// Build is the package's build stage, if it has one: a stage whose
	// closure holds the set needs it and excludes its Outputs from the
	// context copy.
	Build   string   `json:"build,omitempty"`
	Outputs []string `json:"outputs,omitempty"`
	// Inputs and Aliases are the package's files (none for the root).
	Inputs  []string `json:"inputs,omitempty"`
	Aliases []Alias  `json:"aliases,omitempty"`
	// Sets are the sets of the packages it depends on.
	Sets []string `json:"sets,omitempty"`
}

// Expander returns Full for p's stages; it indexes p.Sets once.
func (p *Plan) Expander() func(Stage) Stage {
	index := make(map[string]int, len(p.Sets))
	for i, s := range p.Sets {
		index[s.ID] = i
	}
	return func(s Stage) Stage { return p.full(s, index) }
}

// full is s with the closure its Sets name listed, as the stage reads it:
// the sets it reaches, but its own, in directory order (p.Sets' order); their
// builds after s.Needs; their inputs after s.Inputs (each path once); their
// aliases after s.Aliases; their outputs after s.Excludes but before the
// last (NodeModules). A set in Beside is built beside s (a dependency
// cycle): its inputs count, its build and outputs do not.
func (p *Plan) full(s Stage, index map[string]int) Stage {
	if len(s.Sets) == 0 {
		return s
	}
	seen := map[int]bool{}
	stack := slices.Clone(s.Sets)
	for len(stack) > 0 {
		i, ok := index[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if !ok || seen[i] {
			continue
		}
		seen[i] = true
		stack = append(stack, p.Sets[i].Sets...)
	}
	members := make([]int, 0, len(seen))
	for i := range seen {
		if p.Sets[i].ID != s.Dir {
			members = append(members, i)
		}
	}
	slices.Sort(members)
	needs := slices.Clone(s.Needs)
	inputs := slices.Clone(s.Inputs)
	aliases := slices.Clone(s.Aliases)
	last := len(s.Excludes) - 1
	excludes := slices.Clone(s.Excludes[:max(last, 0)])
	has := make(map[string]bool, len(inputs)+len(members))
	for _, in := range inputs {
		has[in] = true
	}
	for _, i := range members {
		set := &p.Sets[i]
		for _, in := range set.Inputs {
			if !has[in] {
				has[in] = true
				inputs = append(inputs, in)
			}
		}
		aliases = append(aliases, set.Aliases...)
		if set.Build != "" && !slices.Contains(s.Beside, set.ID) {
			needs = append(needs, set.Build)
			excludes = append(excludes, set.Outputs...)
		}
	}
	if last >= 0 {
		excludes = append(excludes, s.Excludes[last])
	}
	s.Needs, s.Inputs, s.Aliases, s.Excludes = needs, inputs, aliases, excludes
	s.Sets, s.Beside = nil, nil
	return s
}
