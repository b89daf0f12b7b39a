package solver

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
)

// TestTSConfigPathInputs: the directories an app's tsconfig.json paths map
// to outside the workspace packages are inputs of its build; those inside a
// package, in node_modules or outside the context are not.
func TestTSConfigPathInputs(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Build: true},
		testkit.Pkg{Dir: "libs/a", Name: "a"})
	fsys["apps/api/tsconfig.json"] = &fstest.MapFile{Data: []byte(`{
  // comments and trailing commas, as tsc reads them
  "compilerOptions": {
    "paths": {
      "~/*": ["./src/*"],
      "@static-data/*": ["../../static-data/*"],
      "@gen": ["../../generated/client.ts"],
      "@a/*": ["../../libs/a/src/*"],
      "@types/x": ["../../node_modules/@types/x"],
      "@out/*": ["../../../outside/*"],
    },
  },
}`)}
	fsys["apps/web/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"web","version":"1.0.0"}`)}
	p := mustPlan(t, fsys, apiManifest, "api")
	in := p.Stage("app:api").Inputs
	for _, want := range []string{"static-data", "generated/client.ts"} {
		if !slices.Contains(in, want) {
			t.Errorf("app inputs %q lack %s", in, want)
		}
	}
	for _, not := range []string{"apps/api/src", "libs/a/src", "node_modules/@types/x", "outside", "../outside"} {
		if slices.Contains(in, not) {
			t.Errorf("app inputs %q hold %s", in, not)
		}
	}

	// baseUrl moves where paths resolve from.
	fsys["apps/api/tsconfig.json"] = &fstest.MapFile{Data: []byte(`{"compilerOptions":{"baseUrl":"../..","paths":{"@static/*":["static-data/*"]}}}`)}
	if in := mustPlan(t, fsys, apiManifest, "api").Stage("app:api").Inputs; !slices.Contains(in, "static-data") {
		t.Errorf("with baseUrl, app inputs %q lack static-data", in)
	}
}
