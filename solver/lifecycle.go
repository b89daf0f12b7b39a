package solver

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/monokit/monokit/solver/pnpm"
)

// fileLike is a word that names a file: a path, or a name with an
// extension.
var fileLike = regexp.MustCompile(`/|\.[A-Za-z0-9]+$`)

// rootScriptFiles are the repository files the root project's install
// scripts (projectScripts: an install that includes the root, --filter=.,
// runs them for it as for any project) name as arguments (sh clone-marketing.sh, node scripts/setup.mjs):
// the install runs those scripts, so it has those files beside the metadata.
// A literal word that looks like a relative file path (a "/" or an
// extension; no glob character, "@", ":" or leading "-") counts; the copy
// of one that is no file of the context copies nothing. The planner does
// not look for them: the frontend plans from the metadata alone, and the CLI
// and the frontend must plan alike. The notes say which script runs in the
// install, and with what.
func rootScriptFiles(ws *pnpm.Workspace) (files, notes []string) {
	for _, name := range projectScripts {
		script, ok := ws.Root.JSON.Scripts[name]
		if !ok {
			continue
		}
		if hygiene(script) {
			notes = append(notes, fmt.Sprintf("the root's %s script %q is repository hygiene (git hooks, package manager checks): the install skips it", name, script))
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

// hygieneTools are the programs of repository hygiene in install scripts:
// git hooks (husky, lefthook, simple-git-hooks, pinst) and package manager
// checks (only-allow). None does anything a build or an image needs, and
// some fail where there is no .git or no network.
var hygieneTools = map[string]bool{"husky": true, "husky-init": true, "only-allow": true, "lefthook": true, "simple-git-hooks": true, "pinst": true, "is-ci": true}

// neutralCommands neither help nor harm beside hygiene (cd .. && husky
// install, is-ci || echo skip).
var neutralCommands = map[string]bool{"cd": true, "echo": true, "true": true, "exit": true, "test": true, "[": true, ":": true}

// runners run a package's bin by name: npx only-allow pnpm.
var runners = map[string]bool{"npx": true, "pnpx": true, "bunx": true}

// hygiene reports whether every command of script is repository hygiene or
// neutral, and one is hygiene (husky; npx only-allow pnpm; is-ci || husky
// install; node .husky/install.mjs). A script that does anything else is
// not, whatever hygiene it also does.
func hygiene(script string) bool {
	f, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return false
	}
	found, other := false, false
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		// The program and its arguments; one not known before the script
		// runs ($HUSKY install, "$CI") is "" and names nothing.
		var words []string
		for _, w := range call.Args {
			v, _ := literal(w)
			words = append(words, v)
		}
		prog := path.Base(words[0])
		if words[0] == "" {
			other = true
			return false
		}
		rest := words[1:]
		if runners[prog] || (prog == "pnpm" && len(rest) > 0 && (rest[0] == "dlx" || rest[0] == "exec")) {
			if prog == "pnpm" {
				rest = rest[1:]
			}
			for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
				rest = rest[1:]
			}
			if len(rest) == 0 {
				other = true
				return false
			}
			prog, rest = path.Base(strings.SplitN(rest[0], "@", 2)[0]), rest[1:]
		}
		switch {
		case hygieneTools[prog]:
			found = true
		case prog == "node" && len(rest) > 0 && strings.HasPrefix(path.Clean(rest[0]), ".husky/"):
			found = true
		case !neutralCommands[prog]:
			other = true
		}
		return true
	})
	return found && !other
}
