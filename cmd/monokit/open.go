package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// Open reads a manifest and the workspace rooted at dir from the local disk, as the
// CLI does. manifestPath defaults to dir/monokit.yaml; positions name the manifest
// by its base name, as BuildKit's filename option does. With no manifestPath and
// no dir/monokit.yaml it infers the manifest, as a zero-config build does, and
// says so on notice.
func Open(dir, manifestPath string, notice io.Writer) (*manifest.Manifest, *pnpm.Workspace, error) {
	if zeroConfig(dir, manifestPath) {
		ws, fsys, err := openWorkspace(dir)
		if err != nil {
			return nil, nil, err
		}
		m, err := inferManifest(dir, ws, fsys, notice)
		return m, ws, err
	}
	m, err := ReadManifest(ManifestPath(dir, manifestPath))
	if err != nil {
		return nil, nil, err
	}
	ws, _, err := openWorkspace(dir)
	if err != nil {
		return nil, nil, err
	}
	return m, ws, nil
}

// zeroConfig reports whether the command names no manifest (-f) and dir has
// no monokit.yaml: then it infers one, as the frontend does for
// `docker buildx build -f package.json`.
func zeroConfig(dir, manifestPath string) bool {
	if manifestPath != "" {
		return false
	}
	_, err := os.Lstat(ManifestPath(dir, ""))
	return errors.Is(err, fs.ErrNotExist)
}

// inferManifest is the manifest monokit infers for the workspace, and a line
// on notice saying so and where the reasons are.
func inferManifest(dir string, ws *pnpm.Workspace, fsys fs.FS, notice io.Writer) (*manifest.Manifest, error) {
	_, m, err := solver.InferManifest(ws, fsys)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(notice, "monokit: %s has no monokit.yaml: inferred target(s) %s, as a zero-config build does; `monokit init -o - %s` prints why each was chosen\n",
		dir, strings.Join(slices.Sorted(maps.Keys(m.Targets)), ", "), dir)
	return m, nil
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
