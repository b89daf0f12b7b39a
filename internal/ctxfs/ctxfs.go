// Package ctxfs reads files of the build context the way every part of monokit
// must: regular files only (a FIFO would block, a device never ends), at most a
// size fixed per kind of file, and, on local disk, nothing outside the root
// (os.Root refuses a symlink that leaves it).
package ctxfs

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// Open returns the tree rooted at dir. It reads nothing outside dir, whatever
// its symlinks point at.
func Open(dir string) (fs.FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// The root stays open for the life of the process: the CLI reads the
	// workspace once and exits.
	return root.FS(), nil
}

const mib = 1 << 20

// Limit is the largest file of name's kind that monokit reads: a lockfile may
// be large (a 5 MB one holds thousands of packages), a manifest or an .nvmrc
// never is.
func Limit(name string) int64 {
	switch path.Base(name) {
	case "pnpm-lock.yaml":
		return 512 * mib
	case "package.json", "pnpm-workspace.yaml":
		return 16 * mib
	default:
		return 1 * mib
	}
}

// ReadFile reads name from fsys if it is a regular file (after symlinks) of at
// most Limit(name) bytes. Its errors name the file and say what to do.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	limit := Limit(name)
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, Explain(name, err)
	}
	if !st.Mode().IsRegular() {
		return nil, diag.Errorf(diag.Pos{File: name}, "is %s, not a regular file: monokit reads only regular files of the build context; replace it with the file itself", kind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, tooLarge(name, st.Size(), limit)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The size can change after Stat; never read past the limit. The
	// buffer is sized from Stat: io.ReadAll's doubling would hold up to
	// twice a large lockfile at once.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, tooLarge(name, int64(buf.Len()), limit)
	}
	return buf.Bytes(), nil
}

func tooLarge(name string, size, limit int64) error {
	return diag.Errorf(diag.Pos{File: name}, "is %s, larger than monokit reads for such a file (%s); check that it is the file you mean", human(size), human(limit))
}

func human(n int64) string {
	if n >= mib {
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	}
	return fmt.Sprintf("%d bytes", n)
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "not a regular file"
}

// Explain turns os.Root's refusal of a symlink that leaves the root into an
// error that names the file and says what to do; other errors pass unchanged.
func Explain(name string, err error) error {
	// os.Root's error for it is unexported; its text is stable.
	if err != nil && strings.Contains(err.Error(), "path escapes from parent") {
		return outside(name)
	}
	return err
}
