package testkit

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// root is the repository's root: two levels above this file. Tests reach the
// fixtures through it, never through paths relative to their own package.
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

// Root is the repository's root directory.
func Root() string { return root }

// Example is the directory of the example monorepo, examples/nexus.
func Example() string { return filepath.Join(root, "examples", "nexus") }

// Corpus is the directory of every fixture of integration/testdata/corpus,
// sorted by name.
func Corpus() []string {
	entries, err := os.ReadDir(filepath.Join(root, "integration", "testdata", "corpus"))
	if err != nil {
		panic("testkit: the corpus is missing: " + err.Error())
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, CorpusDir(e.Name()))
		}
	}
	return slices.Clip(dirs)
}

// CorpusDir is the directory of the corpus fixture name.
func CorpusDir(name string) string {
	return filepath.Join(root, "integration", "testdata", "corpus", name)
}

// Open reads the manifest (dir/monokit.yaml) and the workspace of a fixture,
// as the CLI reads a directory.
func Open(dir string) (*manifest.Manifest, *pnpm.Workspace, error) {
	fsys, err := ctxfs.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	data, err := ctxfs.ReadFile(fsys, "monokit.yaml")
	if err != nil {
		return nil, nil, err
	}
	m, err := manifest.Parse("monokit.yaml", data)
	if err != nil {
		return nil, nil, err
	}
	ws, err := pnpm.Load(fsys)
	return m, ws, err
}
