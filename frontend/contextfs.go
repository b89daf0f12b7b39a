package frontend

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/buildkit/frontend/gateway/client"
	"github.com/tonistiigi/fsutil"
	fstypes "github.com/tonistiigi/fsutil/types"
	"golang.org/x/sync/errgroup"

	"github.com/monokit/monokit/internal/ctxfs"
)

// refFS is a read-only fs.FS over a solved reference, so the planner reads the
// workspace metadata straight from the build context. Listings and contents are
// cached: the planner stats many paths per directory.
type refFS struct {
	ctx context.Context
	ref client.Reference

	mu    sync.Mutex
	dirs  map[string][]*fstypes.Stat
	files map[string][]byte
	links atomic.Bool // some listing held a symlink
}

func newRefFS(ctx context.Context, ref client.Reference) *refFS {
	return &refFS{ctx: ctx, ref: ref, dirs: map[string][]*fstypes.Stat{}, files: map[string][]byte{}}
}

// prefetch reads the whole tree into the caches with concurrent requests,
// one directory level at a time: every listing of a level, then every file
// it holds. The metadata reference holds only package.json files and their
// kin, and one round trip per file in sequence would be most of a no-op
// build's time.
func (f *refFS) prefetch() error {
	const parallel = 16
	level := []string{"."}
	for len(level) > 0 {
		listings := make([][]*fstypes.Stat, len(level))
		var eg errgroup.Group
		eg.SetLimit(parallel)
		for i, dir := range level {
			eg.Go(func() (err error) {
				listings[i], err = f.list(dir)
				return err
			})
		}
		if err := eg.Wait(); err != nil {
			return err
		}
		var next, files []string
		for i, l := range listings {
			for _, st := range l {
				p := path.Join(level[i], path.Base(st.Path))
				switch mode := fs.FileMode(st.Mode); {
				case mode.IsDir():
					next = append(next, p)
				case mode.IsRegular() && st.Size <= ctxfs.Limit(p):
					// (A larger one is refused when it is read.)
					files = append(files, p)
				}
			}
		}
		reads, ctx := errgroup.WithContext(f.ctx)
		reads.SetLimit(parallel)
		for _, p := range files {
			reads.Go(func() error {
				data, err := f.ref.ReadFile(ctx, client.ReadRequest{Filename: p})
				if err != nil {
					return err
				}
				f.mu.Lock()
				f.files[p] = data
				f.mu.Unlock()
				return nil
			})
		}
		if err := reads.Wait(); err != nil {
			return err
		}
		level = next
	}
	return nil
}

// list is safe for concurrent use; the lock is not held across the gateway call,
// so prefetch lists sibling directories in parallel.
func (f *refFS) list(dir string) ([]*fstypes.Stat, error) {
	f.mu.Lock()
	l, ok := f.dirs[dir]
	f.mu.Unlock()
	if ok {
		return l, nil
	}
	l, err := f.ref.ReadDir(f.ctx, client.ReadDirRequest{Path: dir})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(l, func(a, b *fstypes.Stat) int { return strings.Compare(path.Base(a.Path), path.Base(b.Path)) })
	if slices.ContainsFunc(l, func(st *fstypes.Stat) bool { return fs.FileMode(st.Mode)&fs.ModeSymlink != 0 }) {
		f.links.Store(true)
	}
	f.mu.Lock()
	f.dirs[dir] = l
	f.mu.Unlock()
	return l, nil
}

// Stat follows symlinks, as fs.Stat does, within the context: a workspace
// package's directory may be one (ctxfs.Resolve; a link that leads outside is
// fs.ErrNotExist here, and refused by name where a reader needs the file).
// The context transfer holds a link as a link, and its target when the
// transfer followed it (FollowPaths).
func (f *refFS) Stat(name string) (fs.FileInfo, error) {
	if !f.links.Load() {
		return f.lstat(name) // no listing so far held a link: nothing to follow
	}
	real, err := ctxfs.Resolve(f, name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return f.lstat(real)
}

// Lstat is the entry itself, a symlink unfollowed.
func (f *refFS) Lstat(name string) (fs.FileInfo, error) { return f.lstat(name) }

// lstat finds name in its parent's listing, so a missing path is
// fs.ErrNotExist without interpreting gateway error strings.
func (f *refFS) lstat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &fsutil.StatInfo{Stat: &fstypes.Stat{Path: ".", Mode: uint32(fs.ModeDir | 0o755)}}, nil
	}
	parent := path.Dir(name)
	if parent != "." {
		st, err := f.Stat(parent)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
		}
	}
	l, err := f.list(parent)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	for _, st := range l {
		if path.Base(st.Path) == path.Base(name) {
			return &fsutil.StatInfo{Stat: st}, nil
		}
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

func (f *refFS) ReadDir(name string) ([]fs.DirEntry, error) {
	st, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	l, err := f.list(name)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	out := make([]fs.DirEntry, len(l))
	for i, s := range l {
		out[i] = fs.FileInfoToDirEntry(&fsutil.StatInfo{Stat: s})
	}
	return out, nil
}

func (f *refFS) ReadFile(name string) ([]byte, error) {
	st, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	f.mu.Lock()
	data, ok := f.files[name]
	f.mu.Unlock()
	if ok {
		return data, nil
	}
	data, err = f.ref.ReadFile(f.ctx, client.ReadRequest{Filename: name})
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

func (f *refFS) Open(name string) (fs.File, error) {
	st, err := f.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		entries, err := f.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &dirFile{info: st, entries: entries}, nil
	}
	data, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{info: st, Reader: bytes.NewReader(data)}, nil
}

type memFile struct {
	info fs.FileInfo
	*bytes.Reader
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }

type dirFile struct {
	info    fs.FileInfo
	entries []fs.DirEntry
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Read([]byte) (int, error)   { return 0, io.EOF }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(d.entries))
	out := d.entries[:n]
	d.entries = d.entries[n:]
	return out, nil
}

// ReadLink is a symlink's target, as the context recorded it: with it,
// ctxfs.Resolve tells whether a link leads outside the context.
func (f *refFS) ReadLink(name string) (string, error) {
	st, err := f.lstat(name)
	if err != nil {
		return "", err
	}
	s, ok := st.Sys().(*fstypes.Stat)
	if !ok || st.Mode()&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return s.Linkname, nil
}
