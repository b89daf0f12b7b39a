package solver

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

func TestInferStart(t *testing.T) {
	for _, tc := range []struct {
		scripts map[string]string
		main    string
		deps    map[string]string
		args    []string
		env     []string
		err     string // a fragment of the examined list
	}{
		{scripts: map[string]string{"start:prod": "node dist/main", "start": "nest start"}, args: []string{"dist/main"}},
		{scripts: map[string]string{"start": "nest start"}, args: []string{"dist/main.js"}},
		{scripts: map[string]string{"start": "dotenv -e ../.env -- node dist/index.js"}, args: []string{"dist/index.js"}},
		// dotenv-cli without "--" runs what minimist leaves positional;
		// env-cmd runs its first word that is not one of its options.
		{scripts: map[string]string{"start": "dotenv -e ../../.env node dist/index.js"}, args: []string{"dist/index.js"}},
		{scripts: map[string]string{"start": "dotenv -e .env -e .env.local -v A=1 node dist/index.js"}, args: []string{"dist/index.js"}},
		{scripts: map[string]string{"start": "dotenv -c node dist/index.js"}, err: "runs dist/index.js, not node"},
		{scripts: map[string]string{"start": "env-cmd -f .env node --enable-source-maps dist/main.js"}, args: []string{"--enable-source-maps", "dist/main.js"}},
		{scripts: map[string]string{"start": "env-cmd --silent"}, err: "wraps no command"},
		{scripts: map[string]string{"start": "cross-env A=1 B='two words' node server.js"}, args: []string{"server.js"}, env: []string{"A=1", "B=two words"}},
		{scripts: map[string]string{"start": "node --env-file=.env ."}, args: []string{"."}},
		{scripts: map[string]string{"start": "NODE_OPTIONS=--enable-source-maps node -r dotenv/config dist/main.js"}, args: []string{"-r", "dotenv/config", "dist/main.js"}, env: []string{"NODE_OPTIONS=--enable-source-maps"}},
		{scripts: map[string]string{"start": "pnpm run serve", "serve": "node build/server.mjs"}, args: []string{"build/server.mjs"}},
		{scripts: map[string]string{"start": "tsx src/index.ts"}, main: "dist/index.js", args: []string{"dist/index.js"}},
		{scripts: map[string]string{"start": "tsx src/index.ts"}, err: `scripts["start"] "tsx src/index.ts" runs tsx, which is not among its dependencies`},
		{scripts: map[string]string{"start": "tsx watch index.ts", "start:prod": "tsx index.ts"}, deps: map[string]string{"tsx": "^4.8.1"}, args: []string{"--import", "tsx", "index.ts"}, env: []string{"TSX_DISABLE_CACHE=1"}},
		{scripts: map[string]string{"start": "NODE_ENV=production tsx --env-file=.env src/main.ts"}, deps: map[string]string{"tsx": "^4.8.1"}, args: []string{"--import", "tsx", "src/main.ts"}, env: []string{"NODE_ENV=production", "TSX_DISABLE_CACHE=1"}},
		{scripts: map[string]string{"start": "tsx watch index.ts"}, deps: map[string]string{"tsx": "^4.8.1"}, err: "runs tsx watch, a development server"},
		{scripts: map[string]string{"start": "prisma migrate deploy && node dist/main.js"}, err: "runs more than one command"},
		{scripts: map[string]string{"start": "node dist/main.js --port $PORT"}, err: `expands "$PORT"`},
		{scripts: map[string]string{"start": "node --watch src/index.js"}, err: "development server"},
		{scripts: map[string]string{"start": "npm run nope"}, err: `runs script "nope", which package.json does not have`},
		{scripts: map[string]string{"start": "npm run start"}, err: "too deep"},
		{err: "no main field"},
	} {
		pj := &pnpm.PackageJSON{File: "apps/api/package.json", Scripts: tc.scripts, Main: tc.main, Dependencies: tc.deps}
		sc, examined := inferStart(pj)
		if tc.err != "" {
			if got := strings.Join(examined, "; "); !strings.Contains(got, tc.err) {
				t.Errorf("%v: examined %q, want %q", tc.scripts, got, tc.err)
			}
			continue
		}
		if examined != nil || !slices.Equal(sc.args, tc.args) || !slices.Equal(sc.env, tc.env) {
			t.Errorf("%v: start %q env %q (examined %q), want %q env %q", tc.scripts, sc.args, sc.env, examined, tc.args, tc.env)
		}
	}
}

// TestTSXStartShipsSources: an app whose start runs tsx on its sources ships
// them beside what its build writes; with start: given, only the outputs.
func TestTSXStartShipsSources(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api", Build: true})
	fsys["apps/api/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"api","version":"1.0.0","scripts":{"build":"tsdown","start:prod":"tsx index.ts"},"dependencies":{"tsx":"^4.8.1"}}`)}
	p := mustPlan(t, fsys, "version: 1\ntargets:\n  api:\n    package: apps/api\n", "api")
	if app := p.Stage("app:api"); app.Outputs != nil || !slices.Contains(p.Notes, "apps/api/package.json starts from its TypeScript sources (tsx): they ship with what its build writes") {
		t.Errorf("app outputs %q, notes %q: want the whole app shipped, and a note", app.Outputs, p.Notes)
	}
	p = mustPlan(t, fsys, "version: 1\ntargets:\n  api:\n    package: apps/api\n    start: [dist/index.js]\n", "api")
	if app := p.Stage("app:api"); len(app.Outputs) == 0 {
		t.Errorf("with start: given, app outputs %q: want the build's", app.Outputs)
	}
}
