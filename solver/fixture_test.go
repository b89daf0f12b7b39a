package solver

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// pkgSpec describes a fixture package: dir, name and workspace dependencies.
type pkgSpec struct {
	dir, name string
	deps      []string // dirs of workspace dependencies
	build     bool
}

// repo writes package.json files and a v9 lockfile whose importers link the
// given dependencies, the way pnpm writes them.
func repo(globs string, pkgs ...pkgSpec) fstest.MapFS {
	fsys := fstest.MapFS{
		"package.json":        {Data: []byte(`{"name":"root","private":true,"packageManager":"pnpm@10.18.0"}`)},
		"pnpm-workspace.yaml": {Data: []byte(globs)},
	}
	byDir := map[string]pkgSpec{}
	for _, p := range pkgs {
		byDir[p.dir] = p
	}
	var lock strings.Builder
	lock.WriteString("lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  .: {}\n")
	for _, p := range pkgs {
		deps := map[string]string{}
		lock.WriteString(fmt.Sprintf("\n  %s:\n", p.dir))
		if len(p.deps) > 0 {
			lock.WriteString("    dependencies:\n")
		}
		for _, d := range p.deps {
			name := byDir[d].name
			deps[name] = "workspace:*"
			rel := strings.Repeat("../", strings.Count(p.dir, "/")+1) + d
			lock.WriteString(fmt.Sprintf("      '%s':\n        specifier: workspace:*\n        version: link:%s\n", name, rel))
		}
		scripts := ""
		if p.build {
			scripts = `,"scripts":{"build":"tsc"},"main":"dist/index.js"`
		}
		var depJSON []string
		for _, k := range slices.Sorted(maps.Keys(deps)) {
			depJSON = append(depJSON, fmt.Sprintf("%q:%q", k, deps[k]))
		}
		fsys[p.dir+"/package.json"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`{"name":%q,"version":"1.0.0","dependencies":{%s}%s}`, p.name, strings.Join(depJSON, ","), scripts))}
	}
	fsys["pnpm-lock.yaml"] = &fstest.MapFile{Data: []byte(lock.String())}
	return fsys
}

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

func TestGlobs(t *testing.T) {
	fsys := repo("packages:\n  - 'apps/*'\n  - 'packages/**'\n  - '!apps/legacy'\n  - '!**/fixtures/**'\n",
		pkgSpec{dir: "apps/api", name: "api"},
		pkgSpec{dir: "apps/legacy", name: "legacy"},
		pkgSpec{dir: "packages/a", name: "a"},
		pkgSpec{dir: "packages/nested/b", name: "b"},
		pkgSpec{dir: "packages/a/fixtures/x", name: "x"},
		pkgSpec{dir: "tools/t", name: "t"},
	)
	fsys["packages/a/node_modules/dep/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"dep"}`)}
	fsys["apps/.hidden/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"hidden"}`)}
	fsys["apps/api/src/deep/index.ts"] = &fstest.MapFile{Data: []byte("export {}\n")}
	listed := listingFS{MapFS: fsys, mu: &sync.Mutex{}, listed: map[string]bool{}}
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
		if listed.listed[dir] {
			t.Errorf("%s was listed", dir)
		}
	}
	if !listed.listed["packages/a/fixtures/x"] {
		t.Error("packages/** did not reach packages/a/fixtures/x")
	}
}

// listingFS records the directories read.
type listingFS struct {
	fstest.MapFS
	mu     *sync.Mutex
	listed map[string]bool
}

func (f listingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.mu.Lock()
	f.listed[name] = true
	f.mu.Unlock()
	return f.MapFS.ReadDir(name)
}

func TestLevelsAndClosure(t *testing.T) {
	fsys := repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api", deps: []string{"libs/c", "libs/d"}, build: true},
		pkgSpec{dir: "apps/web", name: "web", deps: []string{"libs/e"}, build: true},
		pkgSpec{dir: "libs/a", name: "a", build: true},
		pkgSpec{dir: "libs/b", name: "b", deps: []string{"libs/a"}},
		pkgSpec{dir: "libs/c", name: "c", deps: []string{"libs/b"}, build: true},
		pkgSpec{dir: "libs/d", name: "d", deps: []string{"libs/a"}, build: true},
		pkgSpec{dir: "libs/e", name: "e", build: true},
	)
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p, err := SolveTarget(parse(t, apiManifest), ws, "api")
	if err != nil {
		t.Fatal(err)
	}
	// b has no build: it is not a stage, and its dependents read its sources.
	want := [][]string{{"build:a"}, {"build:c", "build:d"}}
	if fmt.Sprint(p.Levels) != fmt.Sprint(want) {
		t.Errorf("levels = %v, want %v", p.Levels, want)
	}
	c := p.Stage("build:c")
	if !slices.Contains(c.Inputs, "libs/b") || !slices.Equal(c.Needs, []string{"deps", "build:a"}) {
		t.Errorf("c inputs %v needs %v", c.Inputs, c.Needs)
	}
	if p.Stage("build:e") != nil || slices.Contains(p.ContextPaths, "libs/e") || slices.Contains(p.ContextPaths, "apps/web") {
		t.Errorf("web's dependency e leaked into api's plan: %v", p.ContextPaths)
	}
}

func TestCycle(t *testing.T) {
	fsys := repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api", deps: []string{"libs/a"}},
		pkgSpec{dir: "libs/a", name: "a", deps: []string{"libs/b"}},
		pkgSpec{dir: "libs/b", name: "b", deps: []string{"libs/a"}},
	)
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = SolveTarget(parse(t, apiManifest), ws, "api")
	if err == nil || !strings.Contains(err.Error(), "workspace dependency cycle: a → b → a") {
		t.Fatalf("err = %v", err)
	}
	if pos := diag.Positions(err); len(pos) != 1 || pos[0].File != "libs/b/package.json" || pos[0].Line != 1 {
		t.Errorf("positions = %v", pos)
	}
}

func TestLockfileIsAuthority(t *testing.T) {
	// api depends on "utils" from the registry, though the workspace has a package
	// of that name: the lockfile's version, not the name, decides.
	fsys := repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api"},
		pkgSpec{dir: "libs/utils", name: "utils"},
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

func TestOutdatedLockfile(t *testing.T) {
	fsys := repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api", deps: []string{"libs/a"}},
		pkgSpec{dir: "libs/a", name: "a"},
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

func TestMultiDocumentLockfile(t *testing.T) {
	// pnpm 11 writes an env document first, then the project graph.
	lock := `---
lockfileVersion: '9.0'

importers:

  .:
    packageManagerDependencies:
      pnpm:
        specifier: 11.2.0
        version: 11.2.0

packages:

  pnpm@11.2.0:
    resolution: {integrity: sha512-x}

---
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  injectWorkspacePackages: true

importers:

  .: {}

  apps/api:
    dependencies:
      lib:
        specifier: workspace:^
        version: file:libs/lib
  libs/lib: {}
`
	lf, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if lf.PackageManager != "11.2.0" || !lf.InjectWorkspacePackages || len(lf.Importers) != 3 {
		t.Errorf("lockfile = %+v", lf)
	}
	if got := pnpm.LinkTarget("apps/api", lf.Importers["apps/api"].Deps["dependencies"]["lib"].Version); got != "libs/lib" {
		t.Errorf("injected link target = %q", got)
	}
	if got := pnpm.LinkTarget("apps/api", "link:../../libs/x"); got != "libs/x" {
		t.Errorf("link target = %q", got)
	}
	if got := pnpm.LinkTarget("apps/api", "link:../../../outside"); got != "" {
		t.Errorf("a link outside the workspace = %q", got)
	}
}

func TestLockfileErrors(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"v5":      {"lockfileVersion: 5.4\nimporters: {}\n", "lockfileVersion 5.4 is not supported"},
		"syntax":  {"lockfileVersion: '9.0'\nimporters:\n  - [\n", "invalid YAML"},
		"unknown": {"foo: bar\n", "has no lockfileVersion"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestTargetErrors(t *testing.T) {
	fsys := repo("packages: ['apps/*']\n", pkgSpec{dir: "apps/api", name: "@acme/api"})
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
	fsys := repo("packages: ['apps/*']\n", pkgSpec{dir: "apps/api", name: "api"})
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
	}
	for _, tc := range tests {
		fsys := repo("packages: ['apps/*']\n", pkgSpec{dir: "apps/api", name: "api"})
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

func TestPackageJSONErrors(t *testing.T) {
	fsys := repo("packages: ['apps/*']\n", pkgSpec{dir: "apps/api", name: "api"})
	fsys["apps/api/package.json"].Data = []byte("{\n  \"name\": \"api\",\n  \"dependencies\": \"left-pad\"\n}\n")
	_, err := pnpm.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "dependencies: want an object, got a JSON string") {
		t.Fatalf("err = %v", err)
	}
	if pos := diag.Positions(err); len(pos) != 1 || pos[0].File != "apps/api/package.json" || pos[0].Line != 3 {
		t.Errorf("positions = %v", pos)
	}
	fsys["apps/api/package.json"].Data = []byte("{\n  \"name\": \"api\",\n}\n")
	_, err = pnpm.Load(fsys)
	if pos := diag.Positions(err); err == nil || len(pos) != 1 || pos[0].Line != 3 {
		t.Errorf("trailing comma: err = %v, positions %v", err, pos)
	}
}

func TestPackageOverrides(t *testing.T) {
	fsys := repo("packages: ['apps/*', 'libs/*']\n",
		pkgSpec{dir: "apps/api", name: "api", deps: []string{"libs/ui"}},
		pkgSpec{dir: "libs/ui", name: "@acme/ui"},
	)
	y := "version: 1\ninputs: [scripts/*.ts]\npackages:\n  libs/ui:\n    build: pnpm run build:lib\n    inputs: [.env.build]\n    outputs: [lib, styles.css]\ntargets:\n  api: {package: api, start: [x.js]}\n"
	p := mustPlan(t, fsys, y, "api")
	ui := p.Stage("build:@acme/ui")
	if ui == nil || ui.Run[0] != "pnpm run build:lib" || !slices.Equal(ui.Outputs, []string{"libs/ui/lib", "libs/ui/styles.css"}) {
		t.Fatalf("ui = %+v", ui)
	}
	for _, in := range []string{"scripts/*.ts", ".env.build", "tsconfig*.json"} {
		if !slices.Contains(ui.Inputs, in) {
			t.Errorf("ui inputs %v lack %q", ui.Inputs, in)
		}
	}
	// The build command, then monokit's check of the declared outputs.
	if len(ui.Run) != 2 || ui.Run[0] != "pnpm run build:lib" || !strings.HasPrefix(ui.Run[1], "for o in lib styles.css;") || ui.Title != "RUN pnpm run build:lib" {
		t.Errorf("ui run = %q title %q, want the build command and the output check", ui.Run, ui.Title)
	}
}
