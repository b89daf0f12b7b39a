package pnpm

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/ctxfs"
)

// A workspace package's directory may be a symlink to another directory of
// the build context (packages/b -> ../vendor/b). Measured with pnpm 9.15.9,
// 10.34.9 and 11.28.10: pnpm lists it at the symlink's path, which is its
// importer key in pnpm-lock.yaml and what {packages/b} selects, and runs its
// scripts in the real directory; when the real directory matches the globs
// too, both are projects. BuildKit copies a symlink of the context as a
// symlink, so the plan copies the package's files from RealDir to Dir.

// symlinkedDir reports whether entry e of dir is a symlink to a directory
// inside the build context that the walk may enter: one that does not lead
// back to a directory the walk is in (a loop). A symlink that leads outside
// the context is not followed, as ctxfs reads nothing there.
func symlinkedDir(fsys fs.FS, sub string, e fs.DirEntry, ancestors []string) (real string, ok bool) {
	if e.Type()&fs.ModeSymlink == 0 {
		return "", false
	}
	st, err := fs.Stat(fsys, sub)
	if err != nil || !st.IsDir() {
		return "", false
	}
	real, err = ctxfs.Resolve(fsys, sub)
	if err != nil {
		return "", false
	}
	for _, a := range ancestors {
		if real == "." || real == a || strings.HasPrefix(a, real+"/") {
			return "", false
		}
	}
	return real, true
}

// UnseenImporters are the importers of pnpm-lock.yaml (directories) that are
// no workspace package of fsys, sorted. In the frontend, a package whose
// directory is a symlink is one of them after the first metadata transfer:
// the transfer's patterns (**/package.json) do not match the link, so it
// never arrives; a second transfer that follows these paths brings it.
func (ws *Workspace) UnseenImporters() []string {
	if ws.Lockfile == nil {
		return nil
	}
	var out []string
	for dir := range ws.Lockfile.Importers {
		if ws.byDir[dir] == nil && fs.ValidPath(dir) {
			out = append(out, dir)
		}
	}
	slices.Sort(out)
	return out
}
