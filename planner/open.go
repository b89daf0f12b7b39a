package planner

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/monokit/monokit/diag"
	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/manifest"
	"github.com/monokit/monokit/pnpm"
)

// Open reads a manifest and the workspace rooted at dir from the local disk, as the
// CLI does. manifestPath defaults to dir/monokit.yaml; positions name the manifest
// by its base name, as BuildKit's filename option does.
func Open(dir, manifestPath string) (*manifest.Manifest, *pnpm.Workspace, error) {
	if manifestPath == "" {
		manifestPath = filepath.Join(dir, "monokit.yaml")
	}
	mdir, err := ctxfs.Open(filepath.Dir(manifestPath))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the manifest: %w (pass -f FILE, or run monokit in the monorepo root)", err)
	}
	data, err := ctxfs.ReadFile(mdir, filepath.Base(manifestPath))
	if d := (*diag.Error)(nil); errors.As(err, &d) {
		return nil, nil, err // it names the file
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, diag.Errorf(diag.Pos{File: filepath.Base(manifestPath)}, "not found in %s: pass -f FILE, or run monokit in the monorepo root", filepath.Dir(manifestPath))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the manifest: %w (pass -f FILE, or run monokit in the monorepo root)", err)
	}
	m, err := manifest.Parse(filepath.Base(manifestPath), data)
	if err != nil {
		return nil, nil, err
	}
	fsys, err := ctxfs.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	ws, err := pnpm.Load(fsys)
	if err != nil {
		return nil, nil, err
	}
	return m, ws, nil
}
