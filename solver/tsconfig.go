package solver

import (
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// tsconfigPathInputs are the repository directories p's tsconfig.json maps
// import paths to outside p and the workspace packages (homarr's
// "@static-data/*": ["../../static-data/*"]): compilers and bundlers
// (tsc, esbuild, Next.js) read them, so p's build has them. Paths resolve
// from baseUrl, else from the tsconfig's directory; a target's wildcard part
// goes, leaving its directory. Paths into node_modules, outside the build
// context or unreadable come to nothing: they only add inputs.
func (b *builder) tsconfigPathInputs(p *pnpm.Package) []string {
	var cfg struct {
		CompilerOptions struct {
			BaseURL string              `json:"baseUrl"`
			Paths   map[string][]string `json:"paths"`
		} `json:"compilerOptions"`
	}
	if !b.readJSONC(path.Join(p.Dir, "tsconfig.json"), &cfg) {
		return nil
	}
	base := pnpm.CleanJoin(p.Dir, cfg.CompilerOptions.BaseURL)
	if base == "" {
		return nil
	}
	var out []string
	for _, targets := range cfg.CompilerOptions.Paths {
		for _, t := range targets {
			dir := t
			if i := strings.IndexByte(t, '*'); i >= 0 {
				dir = path.Dir(t[:i] + "x") // "../../static-data/*" → ../../static-data
			}
			rel := pnpm.CleanJoin(base, dir)
			if rel == "" || rel == "." || path.IsAbs(t) || b.inWorkspacePackage(rel) || slices.Contains(strings.Split(rel, "/"), "node_modules") {
				continue
			}
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// inWorkspacePackage reports whether rel is in a workspace project's
// directory (the root's aside): those come in as the closure's sources.
func (b *builder) inWorkspacePackage(rel string) bool {
	for _, p := range b.ws.Packages {
		if rel == p.Dir || strings.HasPrefix(rel, p.Dir+"/") {
			return true
		}
	}
	return false
}
