package planner

import (
	"fmt"
	"os"
	"path/filepath"

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
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the manifest: %w (pass -f FILE, or run monokit in the monorepo root)", err)
	}
	m, err := manifest.Parse(filepath.Base(manifestPath), data)
	if err != nil {
		return nil, nil, err
	}
	ws, err := pnpm.Load(os.DirFS(dir))
	if err != nil {
		return nil, nil, err
	}
	return m, ws, nil
}
