package solver

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// mustPlan loads the workspace in fsys and plans target of the manifest y.
func mustPlan(t *testing.T, fsys fstest.MapFS, y, target string, opts ...Options) *plan.Plan {
	t.Helper()
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p, err := SolveTarget(parse(t, y), ws, target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func parse(t *testing.T, y string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse("monokit.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const apiManifest = "version: 1\ntargets:\n  api:\n    package: apps/api\n    start: [dist/main.js]\n"

func TestLevelsAndClosure(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/c", "libs/d"}, Build: true},
		testkit.Pkg{Dir: "apps/web", Name: "web", Deps: []string{"libs/e"}, Build: true},
		testkit.Pkg{Dir: "libs/a", Name: "a", Build: true},
		testkit.Pkg{Dir: "libs/b", Name: "b", Deps: []string{"libs/a"}},
		testkit.Pkg{Dir: "libs/c", Name: "c", Deps: []string{"libs/b"}, Build: true},
		testkit.Pkg{Dir: "libs/d", Name: "d", Deps: []string{"libs/a"}, Build: true},
		testkit.Pkg{Dir: "libs/e", Name: "e", Build: true},
	)
	p := mustPlan(t, fsys, apiManifest, "api")
	// b has no build: it is not a stage, and its dependents read its sources.
	want := [][]string{{"build:a"}, {"build:c", "build:d"}}
	if fmt.Sprint(p.Levels) != fmt.Sprint(want) {
		t.Errorf("levels = %v, want %v", p.Levels, want)
	}
	c := p.Expander()(*p.Stage("build:c"))
	if !slices.Contains(c.Inputs, "libs/b") || !slices.Equal(c.Needs, []string{"deps", "build:a"}) {
		t.Errorf("c inputs %v needs %v", c.Inputs, c.Needs)
	}
	if p.Stage("build:e") != nil || slices.Contains(p.ContextPaths, "libs/e") || slices.Contains(p.ContextPaths, "apps/web") {
		t.Errorf("web's dependency e leaked into api's plan: %v", p.ContextPaths)
	}
}

// TestCycle: pnpm accepts a workspace dependency cycle, and runs its
// members' builds side by side in one chunk; so does the plan.
func TestCycle(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/a"}},
		testkit.Pkg{Dir: "libs/a", Name: "a", Deps: []string{"libs/b", "libs/c"}, Build: true},
		testkit.Pkg{Dir: "libs/b", Name: "b", Deps: []string{"libs/a"}, Build: true},
		testkit.Pkg{Dir: "libs/c", Name: "c", Build: true},
	)
	p := mustPlan(t, fsys, apiManifest, "api")
	if want := "[[build:c] [build:a build:b]]"; fmt.Sprint(p.Levels) != want {
		t.Errorf("levels = %v, want %s", p.Levels, want)
	}
	full := p.Expander()
	a, b := full(*p.Stage("build:a")), full(*p.Stage("build:b"))
	if !slices.Equal(a.Needs, []string{"deps", "build:c"}) || !slices.Equal(b.Needs, []string{"deps", "build:c"}) {
		t.Errorf("a needs %v, b needs %v; want each the build of c alone, not of the other", a.Needs, b.Needs)
	}
	if !slices.Contains(a.Inputs, "libs/b") || !slices.Contains(b.Inputs, "libs/a") {
		t.Errorf("a inputs %v, b inputs %v: each sees the other's sources", a.Inputs, b.Inputs)
	}
	if app := p.Stage("app:api"); !slices.Contains(app.Needs, "build:a") || !slices.Contains(app.Needs, "build:b") {
		t.Errorf("app needs %v", app.Needs)
	}
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "workspace dependency cycle among a, b") }) {
		t.Errorf("notes %q", p.Notes)
	}
}

func TestOutdatedLockfile(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/a"}},
		testkit.Pkg{Dir: "libs/a", Name: "a"},
	)
	fsys["apps/api/package.json"].Data = []byte("{\n  \"name\": \"api\",\n  \"dependencies\": {\n    \"a\": \"workspace:*\",\n    \"left-pad\": \"^1.3.0\"\n  }\n}\n")
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	// pnpm decides: the plan is made, with a warning at the line, and
	// LockfileDrift says where pnpm's refusal comes from.
	pl, err := SolveTarget(parse(t, apiManifest), ws, "api")
	if err != nil {
		t.Fatal(err)
	}
	want := `pnpm-lock.yaml looks out of date (apps/api/package.json:5:5: dependencies "left-pad" is not in pnpm-lock.yaml)`
	if !slices.ContainsFunc(pl.Notes, func(n string) bool { return strings.HasPrefix(n, want) }) {
		t.Errorf("notes = %q, want one starting %q", pl.Notes, want)
	}
	drift := ws.LockfileDrift(ws.Closure(ws.Find("api")), 10)
	if len(drift) != 1 || drift[0].Pos != (diag.Pos{File: "apps/api/package.json", Line: 5, Col: 5}) {
		t.Errorf("drift = %v", drift)
	}

	delete(fsys, "pnpm-lock.yaml")
	if _, err := pnpm.Load(fsys); err == nil || !strings.Contains(err.Error(), "pnpm-lock.yaml not found") {
		t.Errorf("no lockfile: err = %v", err)
	}
}

func TestTargetErrors(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "@acme/api"})
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ yaml, target, want string }{
		{apiManifest, "apii", `target "apii" is not in monokit.yaml: the targets are api (did you mean "api"?)`},
		{"version: 1\ntargets:\n  a: {package: x}\n  b: {package: y}\n", "", "no target given: pass --target with one of a, b"},
		{"version: 1\ntargets:\n  api:\n    package: '@acme/apu'\n", "api", `no workspace package is named or lives in "@acme/apu" (did you mean "@acme/api"?)`},
		{"version: 1\nnode: '20'\ntargets:\n  api:\n    package: apps/api\n    start: [x.js]\n", "api", "distroless publishes Node.js 22, 24, 26 only, not 20"},
		{"version: 1\npnpm: '10.0.0'\ntargets:\n  api: {package: apps/api, start: [x.js]}\n", "api", "pnpm 10.0.0 disagrees with packageManager pnpm@10.18.0"},
		{"version: 1\ntargets:\n  api: {package: apps/api}\n", "api", "cannot tell how to start @acme/api"},
		{"version: 1\npackages:\n  '@acme/apx': {build: make}\ntargets:\n  api: {package: apps/api, start: [x.js]}\n", "api", `packages: no workspace package is named or lives in "@acme/apx"`},
		{"version: 1\ntargets:\n  api: {package: apps/api, start: [x.js], healthcheck: /h}\n", "api", "healthcheck has no port to check"},
	}
	for _, tc := range tests {
		_, err := SolveTarget(parse(t, tc.yaml), ws, tc.target)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.target, err, tc.want)
		}
		if len(diag.Positions(err)) == 0 {
			t.Errorf("%q: error without a position: %v", tc.target, err)
		}
	}
}

func TestPNPMNeedsNode22(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
	fsys["package.json"].Data = []byte(`{"name":"root","packageManager":"pnpm@11.2.0"}`)
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = SolveTarget(parse(t, "version: 1\nnode: '20'\ntargets:\n  api: {package: apps/api, runtime: alpine, start: [x.js]}\n"), ws, "api")
	if err == nil || !strings.Contains(err.Error(), "pnpm 11.2.0 needs Node.js 22.13 or later, but the build uses Node.js 20 (monokit.yaml node)") {
		t.Fatalf("err = %v", err)
	}
	if pos := diag.Positions(err); len(pos) != 1 || pos[0].File != "package.json" {
		t.Errorf("positions = %v", pos)
	}
}

func TestNodeVersion(t *testing.T) {
	tests := []struct {
		files     map[string]string
		want      string
		wantMajor int
	}{
		{map[string]string{}, "24", 24},
		{map[string]string{".nvmrc": "v22.11.0\n"}, "22.11.0", 22},
		{map[string]string{".nvmrc": "26\n"}, "26", 26},
		{map[string]string{"package.json": `{"engines":{"node":">=20 <23"}}`}, "22", 22},
		{map[string]string{"package.json": `{"devEngines":{"runtime":{"name":"node","version":"^26.1.0"}}}`}, "26", 26},
		// nvm 0.40 reads comments: whole lines and after the version.
		{map[string]string{".nvmrc": "# pinned for the CI image\n22.11.0 # pinned\n"}, "22.11.0", 22},
		{map[string]string{".nvmrc": "# only a comment\n", ".node-version": "20.18.0\n"}, "20.18.0", 20},
		{map[string]string{".nvmrc": "node=26\nlts=jod\n"}, "26", 26},
		{map[string]string{".tool-versions": "# asdf\npython 3.12.1\nnodejs 22.12.0 20.18.0\n"}, "22.12.0", 22},
		{map[string]string{".tool-versions": "node 26\n"}, "26", 26},
		{map[string]string{".tool-versions": "nodejs system\n", "package.json": `{"volta":{"node":"20.18.1"}}`}, "20.18.1", 20},
		// .nvmrc before .node-version before .tool-versions before volta.
		{map[string]string{".nvmrc": "24\n", ".node-version": "22\n", ".tool-versions": "nodejs 20.0.0\n"}, "24", 24},
		{map[string]string{".node-version": "22\n", ".tool-versions": "nodejs 20.0.0\n", "package.json": `{"volta":{"node":"26.0.0"}}`}, "22", 22},
		{map[string]string{".tool-versions": "nodejs 20.0.0\n", "package.json": `{"volta":{"node":"26.0.0"},"engines":{"node":">=22"}}`}, "20.0.0", 20},
	}
	for _, tc := range tests {
		fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
		for f, d := range tc.files {
			fsys[f] = &fstest.MapFile{Data: []byte(d)}
		}
		ws, err := pnpm.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		v, err := resolveNode(&manifest.Manifest{}, ws)
		if err != nil || v.Version != tc.want || v.Major != tc.wantMajor {
			t.Errorf("%v: node = %+v, %v; want %s", tc.files, v, err, tc.want)
		}
	}
}

func TestNodeVersionFileErrors(t *testing.T) {
	for _, tc := range []struct{ file, data, want string }{
		{".nvmrc", "22\n24\n", ".nvmrc:2: \"24\" after \"22\": nvm reads one bare version, or key=value lines"},
		{".nvmrc", "node=22\n24\n", ".nvmrc:2: \"24\": nvm reads"},
		{".tool-versions", "\nnodejs latest-lts\n", ".tool-versions:2: \"latest-lts\" is not a Node.js version"},
	} {
		fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
		fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.data)}
		ws, err := pnpm.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := resolveNode(&manifest.Manifest{}, ws); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: err = %v, want %q", tc.file, tc.data, err, tc.want)
		}
	}
}

func TestPackageOverrides(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/ui"}},
		testkit.Pkg{Dir: "libs/ui", Name: "@acme/ui"},
	)
	y := "version: 1\ninputs: [scripts/*.ts]\npackages:\n  libs/ui:\n    build: pnpm run build:lib\n    inputs: [.env.build]\n    outputs: [lib, styles.css]\ntargets:\n  api: {package: api, start: [x.js]}\n"
	p := mustPlan(t, fsys, y, "api")
	ui := p.Stage("build:@acme/ui")
	if ui == nil || !slices.Contains(ui.Run, "pnpm run build:lib") || !slices.Equal(ui.Outputs, []string{"libs/ui/lib", "libs/ui/styles.css"}) {
		t.Fatalf("ui = %+v", ui)
	}
	for _, in := range []string{"scripts/*.ts", ".env.build", "tsconfig*.json"} {
		if !slices.Contains(ui.Inputs, in) {
			t.Errorf("ui inputs %v lack %q", ui.Inputs, in)
		}
	}
	// A copy of package.json, the build command, the keeping of
	// package.json if the build rewrote it, then monokit's check of the
	// declared outputs.
	if len(ui.Run) != 4 || ui.Run[0] != "cp package.json "+plan.ManifestBefore || ui.Run[1] != "pnpm run build:lib" ||
		ui.Run[2] != "cmp -s package.json /tmp/monokit-package.json || { mkdir -p /monokit/generate-out/repo/libs/ui && cp package.json /monokit/generate-out/repo/libs/ui/; }" ||
		!strings.HasPrefix(ui.Run[3], "for o in lib styles.css;") || ui.Title != "RUN pnpm run build:lib" {
		t.Errorf("ui run = %q title %q, want the build command between the package.json keeping, and the output check", ui.Run, ui.Title)
	}
}

// TestAdvisoryEnginesNode: engines.node "18.x" under distroless, which
// publishes no Node.js 18: pnpm only warns without engine-strict, so the plan
// takes the nearest line distroless publishes above it (22) and says so;
// with engine-strict, or a pin, it does not.
func TestAdvisoryEnginesNode(t *testing.T) {
	for _, tc := range []struct {
		name, npmrc, nvmrc, manifest string
		want                         string // the node version, or a fragment of the error
		note                         bool
	}{
		{name: "advisory", want: "22", note: true},
		{name: "engine-strict", npmrc: "engine-strict=true\n", want: "distroless publishes Node.js 22, 24, 26 only, not 18"},
		{name: "pinned", nvmrc: "18\n", want: "distroless publishes Node.js 22, 24, 26 only, not 18"},
		{name: "alpine", manifest: "runtime: alpine\n", want: "18"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
			fsys["package.json"] = &fstest.MapFile{Data: []byte(`{"name":"root","private":true,"engines":{"node":"18.x"}}`)}
			if tc.npmrc != "" {
				fsys[".npmrc"] = &fstest.MapFile{Data: []byte(tc.npmrc)}
			}
			if tc.nvmrc != "" {
				fsys[".nvmrc"] = &fstest.MapFile{Data: []byte(tc.nvmrc)}
			}
			ws, err := pnpm.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			p, err := SolveTarget(parse(t, "version: 1\n"+tc.manifest+"targets:\n  api: {package: apps/api, start: [x.js]}\n"), ws, "api")
			if strings.Contains(tc.want, " ") {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			noted := slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, `engines.node "18.x" admits only Node.js 18`) })
			if p.Node.Version != tc.want || noted != tc.note {
				t.Errorf("node %s (%s), noted %v; want %s, noted %v (notes %q)", p.Node.Version, p.Node.Source, noted, tc.want, tc.note, p.Notes)
			}
		})
	}
}

// TestRootInstallScriptFiles: the files the root's install scripts name are
// in the install, which runs those scripts; the plan says so. Hygiene
// (husky install) is taken out of the install, and the plan says that too.
func TestRootInstallScriptFiles(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
	fsys["package.json"] = &fstest.MapFile{Data: []byte(`{"name":"root","private":true,"scripts":{"postinstall":"sh clone.sh && node scripts/gen.mjs --out gen/x.json && npx only-allow@1.2.1 pnpm","prepare":"husky install","postprepare":"node scripts/post.mjs","build":"node scripts/build.mjs"}}`)}
	fsys["clone.sh"] = &fstest.MapFile{Data: []byte("exit 0\n")}
	fsys["scripts/gen.mjs"] = &fstest.MapFile{Data: []byte("\n")}
	fsys["scripts/build.mjs"] = &fstest.MapFile{Data: []byte("\n")}
	p := mustPlan(t, fsys, apiManifest, "api")
	// gen/x.json is not a file of the context: its copy copies nothing.
	// postprepare runs too: pnpm runs all six lifecycle scripts for the root.
	if deps := p.Stage("deps"); !slices.Equal(deps.ContextInputs, []string{"clone.sh", "scripts/gen.mjs", "gen/x.json", "scripts/post.mjs"}) {
		t.Errorf("the install's context inputs are %q, want the postinstall's and postprepare's file words (not the build script's, nor only-allow@1.2.1)", deps.ContextInputs)
	}
	for _, want := range []string{`the root's postinstall script "sh clone.sh && node scripts/gen.mjs --out gen/x.json && npx only-allow@1.2.1 pnpm" runs in the install, with clone.sh, scripts/gen.mjs, gen/x.json`, `the root's prepare script "husky install" is repository hygiene (git hooks, package manager checks): the install skips it`} {
		if !slices.Contains(p.Notes, want) {
			t.Errorf("notes %q lack %q", p.Notes, want)
		}
	}
	if data := p.Stage("deps").Files; len(data) != 1 || !strings.Contains(data[0].Data, `{"file":"package.json","remove":["prepare"]}`) {
		t.Errorf("the install's scripts input is %+v, want the root's prepare (hygiene) taken out, and its postinstall kept", data)
	}
}
