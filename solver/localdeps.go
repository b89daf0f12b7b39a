package solver

import (
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/pnpm"
)

// localFiles are the tarballs and directories of the install's file:
// dependencies that are not workspace projects (vendor/x-1.0.0.tgz,
// vendor/x): pnpm reads them at install, so they join its inputs. One
// outside the build context is an error at the dependency that names it:
// nothing is read from there.
func (b *builder) localFiles(closure []*pnpm.Package) ([]string, error) {
	importers := installImporters(closure)
	var out []string
	for _, rel := range b.ws.Lockfile.LocalFiles(b.installPackages(closure)) {
		if b.ws.ByDir(rel) != nil {
			continue // an injected workspace project: its manifest is an input already
		}
		clean := pnpm.CleanJoin(".", rel)
		if clean == "" || strings.HasPrefix(rel, "/") {
			return nil, diag.Errorf(b.localDepPos(importers, rel), "the file: dependency %q is outside the build context, which monokit reads nothing beyond: move it into the repository (a vendor/ directory) and run pnpm install", diag.Clip(rel))
		}
		out = append(out, clean)
	}
	return out, nil
}

// installPackages is the lockfile's InstallPackages for the closure's
// install, walked once per plan: nodeGypBuilders and localFiles both read
// it (with the same closure), and the walk covers every snapshot the
// install reaches, most of a large lockfile.
func (b *builder) installPackages(closure []*pnpm.Package) map[string][]string {
	if b.install == nil {
		b.install = b.ws.Lockfile.InstallPackages(installImporters(closure))
	}
	return b.install
}

// installImporters are the lockfile importers the install holds: the root
// (pnpm installs it with --filter=.) and the closure's projects.
func installImporters(closure []*pnpm.Package) []string {
	importers := []string{"."}
	for _, p := range closure {
		importers = append(importers, p.Dir)
	}
	return importers
}

// localDepPos is where an importer of the install names the local file rel,
// else the lockfile (a dependency of a dependency names it).
func (b *builder) localDepPos(importers []string, rel string) diag.Pos {
	for _, dir := range importers {
		im := b.ws.Lockfile.Importers[dir]
		if im == nil {
			continue
		}
		for _, kind := range pnpm.DepKinds {
			for _, d := range im.Deps[kind] {
				if pnpm.StripPeers(d.Version) == "file:"+rel {
					return d.Pos
				}
			}
		}
	}
	return diag.Pos{File: pnpm.LockFile}
}
