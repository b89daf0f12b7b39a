package solver

import (
	"fmt"
	"path"
	"strings"

	"github.com/monokit/monokit/solver/plan"
)

// explicitSteps writes monokit's own commands into the package builds' Run,
// after the user's, so the plan shows everything an exec runs: the check that
// a build wrote its declared outputs, and the copies of what the image takes
// from the build into CollectMount (those paths that exist). Title keeps what
// progress output names the step by.
func (b *builder) explicitSteps() {
	for i := range b.plan.Stages {
		s := &b.plan.Stages[i]
		if s.Kind != plan.KindBuild && s.Kind != plan.KindApp {
			continue
		}
		user := s.Run
		var extra []string
		if len(s.Outputs) > 0 && len(user) > 0 {
			extra = append(extra, outputCheck(s))
		}
		if len(s.Collect) > 0 {
			extra = append(extra, collectCommands(s.Collect))
		}
		if len(extra) == 0 {
			continue
		}
		if s.Title == "" {
			if len(user) > 0 {
				s.Title = "RUN " + strings.Join(user, " && ")
			} else {
				s.Title = "COLLECT " + plan.CollectedPaths(s.Collect)
			}
		}
		s.Run = append(append([]string(nil), user...), extra...)
	}
}

// outputCheck fails a build that did not write its declared outputs, saying
// how to declare what it does write; a guessed output that is missing is a
// warning and an empty directory. Every word from the repository is quoted.
func outputCheck(s *plan.Stage) string {
	var rel []string
	for _, o := range s.Outputs {
		r, ok := strings.CutPrefix(o, s.Dir+"/")
		if !ok {
			r = o
		}
		rel = append(rel, shellQuote(r))
	}
	msg := "monokit: the build of " + s.Package + " wrote no "
	if s.Guessed {
		return fmt.Sprintf(`for o in %s; do [ -e "$o" ] || { echo %s"$o"%s >&2; mkdir -p "$o"; }; done`,
			strings.Join(rel, " "), shellQuote("monokit: warning: the build of "+s.Package+" wrote no "), shellQuote(", which package.json does not name either; it ships an empty one (list what the build writes as outputs of this package under packages: in the manifest)"))
	}
	return fmt.Sprintf(`for o in %s; do [ -e "$o" ] || { echo %s"$o"%s >&2; exit 1; }; done`,
		strings.Join(rel, " "), shellQuote(msg), shellQuote("; list what it writes as outputs of this package under packages: in the manifest"))
}

// collectCommands copies each path that exists into CollectMount.
func collectCommands(cs []plan.Copy) string {
	var lines []string
	for _, c := range cs {
		dest := path.Join(plan.CollectMount, c.Dest)
		src := shellQuote(c.Src)
		lines = append(lines, fmt.Sprintf("if [ -e %s ] || [ -L %s ]; then mkdir -p %s && cp -a %s %s; fi", src, src, shellQuote(path.Dir(dest)), src, shellQuote(dest)))
	}
	return strings.Join(lines, "\n")
}
