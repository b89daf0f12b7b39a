package solver

import (
	"slices"
	"testing"
)

func TestBuildEnv(t *testing.T) {
	ws, err := Load(repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api", deps: []string{"libs/a"}, build: true},
		pkgSpec{dir: "libs/a", name: "a", build: true},
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
			if want := s.Kind == KindBuild || s.Kind == KindApp; has != want {
				t.Errorf("args %v: stage %s env %q", tc.given, s.ID, s.Env)
			}
		}
	}
}
