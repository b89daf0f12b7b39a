package solver

import (
	"slices"
	"testing"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

func TestBuildEnv(t *testing.T) {
	ws, err := pnpm.Load(testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/a"}, Build: true},
		testkit.Pkg{Dir: "libs/a", Name: "a", Build: true},
	))
	if err != nil {
		t.Fatal(err)
	}
	m := parse(t, `version: 1
args:
  NEXT_PUBLIC_API_URL: https://api.example.com
  RELEASE: ~
  UNSET_HERE: x
build-env: {SKIP_ENV_VALIDATION: "1"}
targets:
  api:
    package: apps/api
    start: [dist/main.js]
    args: [UNSET_HERE, SITE]
    build-env: {SKIP_ENV_VALIDATION: "true"}
`)
	for _, tc := range []struct {
		given map[string]string
		want  []string
	}{
		{nil, []string{"NEXT_PUBLIC_API_URL=https://api.example.com", "SKIP_ENV_VALIDATION=true"}},
		{map[string]string{"RELEASE": "1.2.3", "SITE": "a b", "UNDECLARED": "x"}, []string{"NEXT_PUBLIC_API_URL=https://api.example.com", "RELEASE=1.2.3", "SITE=a b", "SKIP_ENV_VALIDATION=true"}},
		{map[string]string{"NEXT_PUBLIC_API_URL": "", "UNSET_HERE": "y"}, []string{"NEXT_PUBLIC_API_URL=", "UNSET_HERE=y", "SKIP_ENV_VALIDATION=true"}},
	} {
		p, err := SolveTarget(m, ws, "api", Options{BuildArgs: tc.given})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.BuildEnv, tc.want) {
			t.Errorf("args %v: build env %q, want %q", tc.given, p.BuildEnv, tc.want)
		}
		// Every package build and the app see it; the install and the
		// production tree do not, so a build argument never re-runs them.
		for _, s := range p.Stages {
			has := len(tc.want) == 0 || slices.Contains(s.Env, tc.want[0])
			if want := s.Kind == plan.KindBuild || s.Kind == plan.KindApp; has != want {
				t.Errorf("args %v: stage %s env %q", tc.given, s.ID, s.Env)
			}
		}
	}
}

// The install sees the bin files of workspace packages, from the context: pnpm
// links a workspace package's bins only when their files exist.
func TestInstallSeesWorkspaceBins(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'tools/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"tools/gen"}},
		testkit.Pkg{Dir: "tools/gen", Name: "gen"},
	)
	fsys["tools/gen/package.json"].Data = []byte(`{"name":"gen","bin":{"gen":"./bin/gen.js","gen-out":"dist/cli.js","evil":"../../../etc/passwd"}}`)
	p := mustPlan(t, fsys, apiManifest, "api")
	deps := p.Stage("deps")
	if want := []string{"tools/gen/bin/gen.js", "tools/gen/dist/cli.js"}; !slices.Equal(deps.ContextInputs, want) {
		t.Errorf("install context inputs %q, want %q (nothing outside the context)", deps.ContextInputs, want)
	}
	if !slices.Contains(p.ContextPaths, "tools/gen/bin/gen.js") {
		t.Errorf("context paths %q lack the bin", p.ContextPaths)
	}
}
