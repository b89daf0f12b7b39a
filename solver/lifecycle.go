package solver

import (
	"fmt"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/monokit/monokit/solver/pnpm"
)

// fileLike is a word that names a file: a path, or a name with an
// extension.
var fileLike = regexp.MustCompile(`/|\.[A-Za-z0-9]+$`)

// installScripts are the root project's scripts pnpm runs in an install
// that includes it (--filter=.), in the order it runs them.
var installScripts = []string{"preinstall", "install", "postinstall", "prepare"}

// rootScriptFiles are the repository files the root project's install
// scripts name as arguments (sh clone-marketing.sh, node scripts/setup.mjs):
// the install runs those scripts, so it has those files beside the metadata.
// A literal word that looks like a relative file path (a "/" or an
// extension; no glob character, "@", ":" or leading "-") counts; the copy
// of one that is no file of the context copies nothing. The planner does
// not look for them: the frontend plans from the metadata alone, and the CLI
// and the frontend must plan alike. The notes say which script runs in the
// install, and with what.
func rootScriptFiles(ws *pnpm.Workspace) (files, notes []string) {
	for _, name := range installScripts {
		script, ok := ws.Root.JSON.Scripts[name]
		if !ok {
			continue
		}
		var named []string
		if f, err := syntax.NewParser().Parse(strings.NewReader(script), ""); err == nil {
			syntax.Walk(f, func(n syntax.Node) bool {
				call, ok := n.(*syntax.CallExpr)
				if !ok {
					return true
				}
				for _, w := range call.Args[min(1, len(call.Args)):] {
					v, ok := literal(w)
					if !ok || !fileLike.MatchString(v) || strings.ContainsAny(v, "*?[]{}\\@:") || strings.HasPrefix(v, "-") || strings.HasPrefix(v, "/") {
						continue
					}
					if rel := pnpm.CleanJoin(".", v); rel != "" && rel != "." {
						named = append(named, rel)
					}
				}
				return true
			})
		}
		files = append(files, named...)
		note := fmt.Sprintf("the root's %s script %q runs in the install", name, script)
		if len(named) > 0 {
			note += ", with " + strings.Join(named, ", ")
		}
		notes = append(notes, note)
	}
	return dedupe(files), notes
}
