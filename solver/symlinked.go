package solver

import (
	"path"

	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// packageFiles are the inputs that put each package's directory (file ""),
// or a file of it, at its path in the build: the context path itself, or,
// for a package whose directory is a symlink to another directory of the
// context (pnpm lists it at the symlink's path), an alias from the real
// directory. Copying the symlink would leave a link to a directory the
// stage does not hold.
func packageFiles(pkgs []*pnpm.Package, file string) (inputs []string, aliases []plan.Alias) {
	for _, p := range pkgs {
		dest := path.Join(p.Dir, file)
		if p.RealDir == "" {
			inputs = append(inputs, dest)
			continue
		}
		aliases = append(aliases, plan.Alias{Src: path.Join(p.RealDir, file), Dest: dest})
	}
	return inputs, aliases
}
