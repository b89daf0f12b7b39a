package solver

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/plan"
)

// TestSymlinkedPackageCopiedFromRealDir: a workspace package whose
// directory is a symlink (libs/b -> ../vendor/b) is built with its real
// directory's files at its own path: the symlink itself, which BuildKit
// would copy as a link to a directory the stage lacks, is no input.
func TestSymlinkedPackageCopiedFromRealDir(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/b"}, Build: true},
		testkit.Pkg{Dir: "libs/b", Name: "b", Build: true},
	)
	fsys["vendor/b/package.json"] = fsys["libs/b/package.json"]
	delete(fsys, "libs/b/package.json")
	fsys["libs/b"] = &fstest.MapFile{Data: []byte("../vendor/b"), Mode: fs.ModeSymlink}
	p := mustPlan(t, fsys, apiManifest, "api")
	full := p.Expander()
	deps := full(*p.Stage("deps"))
	if slices.Contains(deps.Inputs, "libs/b/package.json") || !slices.Contains(deps.Aliases, plan.Alias{Src: "vendor/b/package.json", Dest: "libs/b/package.json"}) {
		t.Errorf("deps inputs %v, aliases %v; want b's package.json from vendor/b", deps.Inputs, deps.Aliases)
	}
	for _, id := range []string{"build:b", "app:api"} {
		s := p.Stage(id)
		if s == nil {
			t.Fatalf("no stage %s", id)
		}
		st := full(*s)
		if slices.Contains(st.Inputs, "libs/b") || !slices.Contains(st.Aliases, plan.Alias{Src: "vendor/b", Dest: "libs/b"}) {
			t.Errorf("%s: inputs %v, aliases %v; want libs/b from vendor/b", id, st.Inputs, st.Aliases)
		}
	}
	if b := p.Stage("build:b"); b.Workdir != "/repo/libs/b" {
		t.Errorf("build:b runs in %s, want /repo/libs/b, where pnpm lists it", b.Workdir)
	}
	if !slices.Contains(p.ContextPaths, "vendor/b") || slices.Contains(p.ContextPaths, "libs/b") {
		t.Errorf("context paths %v, want vendor/b and not the symlink", p.ContextPaths)
	}
}
