package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// Open reads a manifest and the workspace rooted at dir from the local disk, as the
// CLI does. manifestPath defaults to dir/monokit.yaml; positions name the manifest
// by its base name, as BuildKit's filename option does.
func Open(dir, manifestPath string) (*manifest.Manifest, *pnpm.Workspace, error) {
	m, err := ReadManifest(ManifestPath(dir, manifestPath))
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

// ManifestPath is manifestPath, or dir/monokit.yaml when it is empty.
func ManifestPath(dir, manifestPath string) string {
	if manifestPath == "" {
		return filepath.Join(dir, "monokit.yaml")
	}
	return manifestPath
}

// ReadManifest reads and parses the manifest at path on the local disk.
func ReadManifest(path string) (*manifest.Manifest, error) {
	mdir, err := ctxfs.Open(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w (pass -f FILE, or run monokit in the monorepo root)", err)
	}
	data, err := ctxfs.ReadFile(mdir, filepath.Base(path))
	if d := (*diag.Error)(nil); errors.As(err, &d) {
		return nil, err // it names the file
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, diag.Errorf(diag.Pos{File: filepath.Base(path)}, "not found in %s: pass -f FILE, or run monokit in the monorepo root", filepath.Dir(path))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w (pass -f FILE, or run monokit in the monorepo root)", err)
	}
	return manifest.Parse(filepath.Base(path), data)
}
