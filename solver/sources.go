package solver

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// notAppDirs and notAppFile are sources the app does not run: tests,
// examples, fixtures, stories and minified bundles. A port or a route there
// says nothing of the app (openstatus's server had its port from a test's
// fixture, apps/server/src/routes/v1/monitors/post_tcp.test.ts:22).
var (
	notAppDirs = map[string]bool{"__tests__": true, "__mocks__": true, "test": true, "tests": true, "e2e": true,
		"fixtures": true, "__fixtures__": true, "examples": true, "example": true, "stories": true}
	notAppFile = regexp.MustCompile(`\.(?:test|spec|e2e|stories|story|min)\.[cm]?[jt]sx?$`)
)

// sourceExts are the source files inference and the health route rule read.
var sourceExts = []string{".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}

// closureSources are the patterns of the JavaScript and TypeScript sources of
// the packages' closures.
func closureSources(ws *pnpm.Workspace, pkgs []*pnpm.Package) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range pkgs {
		for _, c := range ws.Closure(p) {
			for _, ext := range sourceExts {
				if pat := path.Join(c.Dir, "**", "*"+ext); !seen[pat] {
					seen[pat] = true
					out = append(out, pat)
				}
			}
		}
	}
	return out
}

// mentions matches a route's name in source text as a string or a path
// element: 'health', "/health", `/health/live`.
func mentions(name string) *regexp.Regexp {
	return regexp.MustCompile("[\"'`/]" + regexp.QuoteMeta(name) + "([\"'`/?#]|$)")
}

// sourceFiles lists the packages' JavaScript and TypeScript files in sources,
// sorted, at most maxHealthSources.
func sourceFiles(sources fs.FS, pkgs []*pnpm.Package) []string {
	if sources == nil {
		return nil
	}
	var files []string
	for _, p := range pkgs {
		fs.WalkDir(sources, p.Dir, func(name string, d fs.DirEntry, err error) error {
			switch {
			case err != nil || len(files) > maxHealthSources:
				return fs.SkipDir
			case d.IsDir() && (d.Name() == "node_modules" || name != p.Dir && (strings.HasPrefix(d.Name(), ".") || notAppDirs[d.Name()])):
				return fs.SkipDir
			case !d.IsDir() && slices.Contains(sourceExts, path.Ext(name)) && !notAppFile.MatchString(d.Name()):
				files = append(files, name)
			}
			return nil
		})
	}
	slices.Sort(files)
	return files
}
