package testkit

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// CalledCommands parses a command as POSIX shell and returns the names of the
// simple commands it runs, including those in substitutions: a test plants a
// name (pwned) in a repository's values and checks that no plan calls it.
// A command that does not parse calls nothing here: it is a user's own, and
// /bin/sh is its judge (the solver's verify checks that monokit's parse).
func CalledCommands(cmd string) map[string]bool {
	out := map[string]bool{}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(cmd), "")
	if err != nil {
		return out
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			if lit := call.Args[0].Lit(); lit != "" {
				out[lit] = true
			}
		}
		return true
	})
	return out
}
