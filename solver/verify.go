package solver

import (
	"fmt"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// verify checks what must hold of every plan, whatever the repository holds,
// before any of it reaches LLB: a failure here is a bug in monokit, and is
// reported as one instead of becoming an image.
//   - Every command monokit writes parses as POSIX shell, so none ends
//     inside a quote that a value from the repository opened. The
//     manifest's own commands (generate, build) are the user's: each runs
//     in a shell of its own, and /bin/sh is their judge.
//   - Every build-context path stays inside the context.
//   - The runtime does not run as root.
func verify(pl *plan.Plan, m *manifest.Manifest) error {
	user := userCommands(m)
	parser := syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
	for _, set := range pl.Sets { // each closure's paths once, not per stage
		paths := slices.Clone(set.Inputs)
		for _, a := range set.Aliases {
			paths = append(paths, a.Src, a.Dest)
		}
		for _, p := range paths {
			if err := diag.ValidateRelPath(p); err != nil {
				return fmt.Errorf("monokit bug: set %s: input %v", set.ID, err)
			}
		}
	}
	for _, s := range pl.Stages {
		cmds := s.Run
		if s.OnBuildPlatform != nil {
			cmds = append(cmds[:len(cmds):len(cmds)], s.OnBuildPlatform.Run...)
		}
		for _, c := range cmds {
			if user[c] {
				continue
			}
			if _, err := parser.Parse(strings.NewReader(c), ""); err != nil {
				return fmt.Errorf("monokit bug: stage %s: command %q does not parse as shell: %v", s.ID, diag.Clip(c), err)
			}
		}
		paths := append(append(s.Inputs[:len(s.Inputs):len(s.Inputs)], s.ContextInputs...), s.Excludes...)
		for _, a := range s.Aliases {
			paths = append(paths, a.Src, a.Dest)
		}
		for _, p := range paths {
			if err := diag.ValidateRelPath(p); err != nil {
				return fmt.Errorf("monokit bug: stage %s: input %v", s.ID, err)
			}
		}
	}
	for _, p := range pl.ContextPaths {
		if err := diag.ValidateRelPath(p); err != nil {
			return fmt.Errorf("monokit bug: context path %v", err)
		}
	}
	if uid, err := manifest.ParseUser(pl.Image.User); err != nil || uid == 0 {
		return fmt.Errorf("monokit bug: the runtime user %q is root or not a number", pl.Image.User)
	}
	return nil
}

// userCommands are the shell commands the manifest gives.
func userCommands(m *manifest.Manifest) map[string]bool {
	out := map[string]bool{}
	for _, t := range m.Targets {
		out[t.Build.Value] = true
		for _, g := range t.Generate {
			out[g.Value] = true
		}
	}
	for _, p := range m.Packages {
		out[p.Build.Value] = true
	}
	return out
}
