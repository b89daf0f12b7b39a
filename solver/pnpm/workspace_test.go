package pnpm_test

import (
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

func TestGlobs(t *testing.T) {
	fsys := testkit.Workspace("packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!apps/legacy'\n  - '!**/fixtures/**'\n",
		testkit.Pkg{Dir: "apps/api", Name: "api"},
		testkit.Pkg{Dir: "apps/legacy", Name: "legacy"},
		testkit.Pkg{Dir: "packages/a", Name: "a"},
		testkit.Pkg{Dir: "packages/nested/b", Name: "b"},
		testkit.Pkg{Dir: "packages/a/fixtures/x", Name: "x"},
		testkit.Pkg{Dir: "tools/t", Name: "t"},
	)
	fsys["packages/a/node_modules/dep/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"dep"}`)}
	fsys["apps/.hidden/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"hidden"}`)}
	fsys["apps/api/src/deep/index.ts"] = &fstest.MapFile{Data: []byte("export {}\n")}
	listed := testkit.ListingFS{MapFS: fsys, Mu: &sync.Mutex{}, Listed: map[string]bool{}}
	ws, err := pnpm.Load(listed)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, p := range ws.Packages {
		dirs = append(dirs, p.Dir)
	}
	want := []string{"apps/api", "packages/a", "packages/nested/b"}
	if !slices.Equal(dirs, want) {
		t.Errorf("packages = %v, want %v", dirs, want)
	}
	// No pattern reaches below apps/*, or into tools: those are not listed.
	for _, dir := range []string{"apps/api/src", "tools"} {
		if listed.Listed[dir] {
			t.Errorf("%s was listed", dir)
		}
	}
	if !listed.Listed["packages/a/fixtures/x"] {
		t.Error("packages/** did not reach packages/a/fixtures/x")
	}
}

func TestLockfileIsAuthority(t *testing.T) {
	// api depends on "utils" from the registry, though the workspace has a package
	// of that name: the lockfile's version, not the name, decides.
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api"},
		testkit.Pkg{Dir: "libs/utils", Name: "utils"},
	)
	fsys["apps/api/package.json"].Data = []byte(`{"name":"api","dependencies":{"utils":"^0.0.18"}}`)
	fsys["pnpm-lock.yaml"].Data = []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api:\n    dependencies:\n      utils:\n        specifier: ^0.0.18\n        version: 0.0.18\n  libs/utils: {}\n")
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if d := ws.Find("api").Deps; len(d) != 0 {
		t.Errorf("api links %v; the lockfile says the registry", d)
	}
}
