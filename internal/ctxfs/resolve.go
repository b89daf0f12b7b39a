package ctxfs

import (
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// ErrOutside is a path whose symlinks lead outside the build context.
var ErrOutside = errors.New("a symlink leads outside the build context")

// Resolve follows the symlinks on name's path within fsys, as the kernel
// does, and returns the path they lead to, relative to the root, or
// ErrOutside. A file system that does not expose symlinks (fs.ReadLinkFS)
// has none; a missing component is fs.ErrNotExist.
func Resolve(fsys fs.FS, name string) (string, error) {
	if _, ok := fsys.(fs.ReadLinkFS); !ok || name == "." {
		return name, nil
	}
	done, rest := ".", name
	for hops := 0; rest != ""; {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		next := path.Join(done, elem)
		st, err := fs.Lstat(fsys, next)
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if hops++; hops > 40 { // the kernel's limit (ELOOP)
			return "", ErrOutside
		}
		target, err := fs.ReadLink(fsys, next)
		if err != nil {
			return "", err
		}
		joined := path.Join(done, target)
		if path.IsAbs(target) || joined == ".." || strings.HasPrefix(joined, "../") {
			return "", ErrOutside
		}
		// The target's own path is resolved again, then what was left.
		done = "."
		switch {
		case joined == ".":
		case rest == "":
			rest = joined
		default:
			rest = joined + "/" + rest
		}
	}
	return done, nil
}

// CheckInside refuses name when it is a symlink, or lies under one, that
// leads outside the build context: the CLI's os.Root refuses to follow it,
// the frontend's context holds the link itself. A missing file passes:
// whether it must exist is for the caller.
func CheckInside(fsys fs.FS, name string) error {
	if _, err := Resolve(fsys, name); errors.Is(err, ErrOutside) {
		return outside(name)
	}
	if _, err := fs.Stat(fsys, name); err != nil {
		return explainOnly(name, err)
	}
	return nil
}

func explainOnly(name string, err error) error {
	if e := Explain(name, err); e != err {
		return e
	}
	return nil
}

func outside(name string) error {
	return diag.Errorf(diag.Pos{File: name}, "is a symlink, or lies under one, that leads outside the build context, and monokit reads nothing outside it; replace the link with the file")
}
