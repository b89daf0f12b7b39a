package solver

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// maxTraceFindings bounds the TraceDynamicLoad findings per target: past a
// few, the rest say the same.
const maxTraceFindings = 5

// CheckSources are the build-context patterns the source rules read for the
// named targets: the sources of each closure that has a health path (a
// route may live in a workspace package) or ships a traced tree (the
// dynamic loads the trace cannot follow may too).
func CheckSources(m *manifest.Manifest, ws *pnpm.Workspace, names []string, args map[string]string) []string {
	var pkgs []*pnpm.Package
	for _, name := range names {
		t := m.Targets[name]
		if t == nil {
			continue
		}
		mode, _ := pruneMode(t, args)
		if t.Healthcheck == nil && mode != manifest.PruneTrace {
			continue
		}
		if pkg := ws.Find(t.Package.Value); pkg != nil {
			pkgs = append(pkgs, pkg)
		}
	}
	return closureSources(ws, pkgs)
}

// dynamicLoad is a require() or import() whose argument is not a string
// literal: the module it loads is named at run time. A template is one
// only when its substitution names the package (`${name}`, `@scope/${x}`):
// nft follows a relative one (`./locale/${lang}.js`) to every file it may
// be. A method named require or import (x.require(), this.import()) is not
// one.
var dynamicLoad = regexp.MustCompile("(?:^|[^.\\w$])(require|import)\\s*\\(\\s*(?:[^\\s'\"`)/]|`(?:[^.`/$][^`]*)?\\$\\{)")

// traceFindings are the TraceDynamicLoad findings for a traced target: the
// places in the sources of its closure that load a module by a name the
// trace cannot know. It reads as the health route rule does (readSources:
// the app's own files first, at most maxSourceBytes). A target with
// include: globs has answered it: the rule cannot tell which module a call
// loads, so it cannot tell whether they cover it, and says nothing.
func traceFindings(t *manifest.Target, pl *plan.Plan, ws *pnpm.Workspace, sources fs.FS) []Finding {
	if sources == nil || pl.Trace == nil || len(t.Include) > 0 {
		return nil
	}
	pkg := ws.Find(t.Package.Value)
	if pkg == nil {
		return nil
	}
	files := sourceFiles(sources, ws.Closure(pkg))
	if len(files) > maxHealthSources {
		return nil
	}
	own, deps := appFirst(pkg.Dir, files)
	var out []Finding
	readSources(sources, append(own, deps...), func(name string, data []byte) bool {
		for _, loc := range dynamicLoad.FindAllSubmatchIndex(data, -1) {
			if len(out) == maxTraceFindings {
				return false
			}
			start := loc[2]
			line := 1 + bytes.Count(data[:start], []byte("\n"))
			col := 1 + start - (bytes.LastIndexByte(data[:start], '\n') + 1)
			call := string(data[loc[2]:loc[3]])
			out = append(out, Finding{RuleTraceDynamicLoad, diag.Pos{File: name, Line: line, Col: col},
				fmt.Sprintf("%s() of a name computed at run time: target %q traces its production tree (prune: trace), and the trace cannot know which module this loads, so the image holds it only if another file loads it by name; list its files under include: (paths relative to /app, such as node_modules/<package>/**)", call, t.Name)})
		}
		return true
	})
	return out
}
