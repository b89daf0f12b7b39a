package pnpm

import (
	"path"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// checkLink refuses a link: or file: dependency that a build cannot follow,
// so that no edge of the graph disappears unseen. pnpm joins a link: path
// to the importer's directory and a file: path to the root's, as written
// (path.join: on Linux "\" is no separator, "%2e" no dot, "~" no home), and
// links whatever is there: measured with pnpm 10.34.9, a frozen install of
// link:..\x, link:%2e%2e/x, link:~/x or a path with a newline leaves a
// dangling link, and one with a NUL byte fails. Refused: a path that
// leaves the build context (the image would hold a dangling link), a NUL
// byte, a link to a directory with no package.json that package.json does
// not itself declare (a lockfile edited or out of date), and one to a workspace
// package of another name than the dependency's (the package itself
// included: pnpm writes link: for a self-dependency), unless package.json
// names that package (an alias, "workspace:other@*"). A link to a directory
// of the context that holds a package.json but is no workspace package is
// pnpm's to install.
func (ws *Workspace) checkLink(p *Package, name string, d LockDep, pos diag.Pos) error {
	if rel, ok := strings.CutPrefix(d.Version, "file:"); ok {
		// pnpm 9+ writes file: paths relative to the root (file:vendor/x);
		// one of a workspace package is link: instead.
		rel = StripPeers(rel)
		if path.IsAbs(rel) || CleanJoin(".", rel) == "" {
			// At the lockfile's line, as localFiles says it for the install.
			return diag.Errorf(d.Pos, "%s: the file: dependency %s (%q) is outside the build context, which monokit reads nothing beyond: move it into the repository (a vendor/ directory) and run pnpm install", p.ID(), name, rel)
		}
		return nil
	}
	rel, ok := strings.CutPrefix(d.Version, "link:")
	if !ok {
		return nil
	}
	if strings.ContainsRune(rel, 0) {
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %q, which holds a NUL byte (at %s): pnpm fails on it (ERR_INVALID_ARG_VALUE, no path holds one); run pnpm install and commit pnpm-lock.yaml", p.ID(), name, rel, d.Pos)
	}
	dir := LinkTarget(p.Dir, d.Version)
	if dir == "" || path.IsAbs(rel) {
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %q, outside the build context (at %s): the image would hold a dangling link; move that package into the workspace, or depend on a published version", p.ID(), name, rel, d.Pos)
	}
	to := ws.byDir[dir]
	switch {
	case to == nil && ws.Exists(path.Join(dir, RootManifest)):
		return nil
	case to == nil && d.Specifier == d.Version && ws.Lockfile.Importers[dir] == nil:
		// package.json itself links to a directory the repository lacks
		// (inbox-zero's "google": "link:@next/third-parties/google"): the
		// repository's own install leaves the same dangling link and its
		// build works, so there is no package and no edge to lose.
		return nil
	case to == nil && ws.Lockfile.Importers[dir] != nil:
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %s, a project of pnpm-lock.yaml (at %s), but the build context has no package.json there (a symlink that leads outside the context is not followed): make %s a directory of the context, or run pnpm install and commit pnpm-lock.yaml", p.ID(), name, dir, d.Pos, dir)
	case to == nil:
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %q (at %s), which pnpm joins to %s's directory as written, giving %q: no package.json there, so the install would leave a dangling link (on Linux \"\\\" is no separator, \"%%2e\" no dot, \"~\" no home directory); run pnpm install and commit pnpm-lock.yaml", p.ID(), name, rel, d.Pos, p.ID(), dir)
	case sameName(to, name) || to.Name != "" && strings.Contains(d.Specifier, to.Name):
		return nil
	case to == p:
		return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %q, which is %s itself (at %s): run pnpm install and commit pnpm-lock.yaml", p.ID(), name, d.Version, p.ID(), d.Pos)
	}
	return diag.Errorf(pos, "%s: pnpm-lock.yaml links %s to %s, which is the package %s (at %s): run pnpm install and commit pnpm-lock.yaml", p.ID(), name, dir, to.ID(), d.Pos)
}
