package solver

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/plan"
)

func TestHygiene(t *testing.T) {
	for script, want := range map[string]bool{
		"husky":                                 true,
		"husky install":                         true,
		"is-ci || husky install":                true,
		"cd .. && husky install .husky":         true,
		"npx only-allow pnpm":                   true,
		"npx --yes only-allow@1.2.1 pnpm":       true,
		"pnpm dlx only-allow pnpm":              true,
		"node .husky/install.mjs":               true,
		"lefthook install":                      true,
		"husky install && prisma generate":      false,
		"prisma generate":                       false,
		"node scripts/sync.js":                  false,
		"npx prisma generate":                   false,
		"echo done":                             false,
		"$HUSKY install":                        false,
		"npx":                                   false,
		"husky install; node scripts/x.js":      false,
		"[ -n \"$CI\" ] || husky":               true,
		"git config core.hooksPath .githooks ]": false,
	} {
		if got := hygiene(script); got != want {
			t.Errorf("hygiene(%q) = %v, want %v", script, got, want)
		}
	}
}

// TestSetupSteps: a workspace project's install lifecycle scripts, the
// same-package tasks turbo.json's build depends on, and prisma generate for
// a package with a schema run in its build stage, before its build; the
// install runs none of them (metadata.js takes them out), and hygiene runs
// nowhere. A package with setup steps and no build gets a stage all the
// same, with no outputs, and keeps what the steps wrote for its dependents
// and the production tree.
func TestSetupSteps(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*', 'packages/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"packages/db", "packages/lib"}},
		testkit.Pkg{Dir: "packages/db", Name: "db"},
		testkit.Pkg{Dir: "packages/lib", Name: "lib"})
	fsys["package.json"] = &fstest.MapFile{Data: []byte(`{"name":"root","private":true,"scripts":{"prepare":"husky"},"devDependencies":{"prisma":"7.0.0"}}`)}
	fsys["apps/api/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"api","scripts":{"preinstall":"npx only-allow pnpm","postinstall":"node scripts/env.js","build":"node build.js"},"dependencies":{"db":"workspace:*","lib":"workspace:*"}}`)}
	fsys["packages/db/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"db","main":"index.js","scripts":{"postinstall":"node scripts/sync.js"},"dependencies":{"@prisma/client":"7.0.0"}}`)}
	fsys["packages/db/prisma/schema.prisma"] = &fstest.MapFile{Data: []byte("generator client {\n  provider = \"prisma-client-js\"\n}\n")}
	fsys["packages/lib/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"lib","main":"dist/index.js","scripts":{"codegen":"node gen.js","build":"node build.js"}}`)}
	fsys["turbo.json"] = &fstest.MapFile{Data: []byte("{\n  // turbo 2\n  \"tasks\": {\"build\": {\"dependsOn\": [\"^build\", \"codegen\", \"other#gen\",],},},\n}\n")}
	p := mustPlan(t, fsys, apiManifest, "api")
	db := p.Stage("build:db")
	if db == nil {
		t.Fatalf("no build stage for db, which has setup steps and no build; stages %+v", p.Stages)
	}
	if len(db.Outputs) != 0 || !slices.Contains(db.Run, lifecycleRun+"postinstall") || !slices.Contains(db.Run, "pnpm exec prisma generate") {
		t.Errorf("build:db runs %q with outputs %q; want its postinstall and prisma generate, and no outputs", db.Run, db.Outputs)
	}
	lib := p.Stage("build:lib")
	if i, j := slices.Index(lib.Run, "pnpm run codegen"), slices.Index(lib.Run, "pnpm run build"); i < 0 || j < i {
		t.Errorf("build:lib runs %q; want turbo.json's codegen before its build", lib.Run)
	}
	// The app's setup runs in a stage of its own, beside its dependencies'
	// builds (an install runs lifecycle scripts before any build), and
	// its build after it.
	gen, app := p.Stage("generate:api"), p.Stage("app:api")
	if gen == nil || !slices.Contains(gen.Run, lifecycleRun+"postinstall") || slices.Contains(gen.Run, lifecycleRun+"preinstall") || slices.Contains(gen.Run, "pnpm run build") {
		t.Fatalf("generate:api is %+v; want the app's postinstall, not its preinstall (hygiene) nor its build", gen)
	}
	if !slices.Equal(gen.Needs, []string{"deps"}) || len(gen.Outputs) != 0 {
		t.Errorf("generate:api needs %q with outputs %q; want the install alone, and no outputs", gen.Needs, gen.Outputs)
	}
	if !slices.Contains(app.Needs, "generate:api") || !slices.Contains(app.Needs, "build:lib") || slices.Contains(app.Run, lifecycleRun+"postinstall") {
		t.Errorf("app:api needs %q and runs %q; want generate:api and build:lib before its build alone", app.Needs, app.Run)
	}
	for _, s := range []string{"build:db", "build:lib", "generate:api"} {
		if !slices.ContainsFunc(p.Stage(s).Mounts, func(m plan.Mount) bool { return m.Keep == plan.KeepExtra }) {
			t.Errorf("%s keeps nothing of what its setup wrote", s)
		}
	}
	ws2 := p.Stage("workspace")
	if slices.Contains(ws2.Needs, "app:api") {
		t.Errorf("the workspace stage needs %q; want not the app's build, which nothing it lays comes from", ws2.Needs)
	}
	for _, s := range []string{"build:db", "build:lib", "generate:api"} {
		if !slices.ContainsFunc(ws2.Mounts, func(m plan.Mount) bool { return m.Stage == s && m.Extra }) {
			t.Errorf("the workspace stage does not lay what %s's setup wrote onto the production tree (mounts %+v)", s, ws2.Mounts)
		}
	}
	if !slices.Contains(ws2.Inputs, "packages/db") {
		t.Errorf("the workspace stage's inputs %q lack packages/db, whose sources ship (it has setup steps, no build)", ws2.Inputs)
	}
	deps := p.Stage("deps")
	if len(deps.Files) != 1 {
		t.Fatalf("deps files %+v", deps.Files)
	}
	for _, want := range []string{`{"file":"package.json","remove":["prepare"]}`, `{"file":"apps/api/package.json","remove":["preinstall","postinstall"]}`, `{"file":"packages/db/package.json","remove":["postinstall"]}`} {
		if !strings.Contains(deps.Files[0].Data, want) {
			t.Errorf("the install's scripts input %s lacks %s", deps.Files[0].Data, want)
		}
	}
	for _, want := range []string{
		`packages/db/package.json: the postinstall script "node scripts/sync.js" runs in build:db, before its build`,
		`packages/db/package.json: prisma generate (it has a Prisma schema, prisma/schema.prisma) runs in build:db, before its build`,
		`packages/lib/package.json: the codegen script "node gen.js" (turbo.json's build task depends on it) runs in build:lib, before its build`,
		`apps/api/package.json: the preinstall script "npx only-allow pnpm" is repository hygiene (git hooks, package manager checks): skipped`,
		`apps/api/package.json: the postinstall script "node scripts/env.js" runs in generate:api, before its build`,
	} {
		if !slices.Contains(p.Notes, want) {
			t.Errorf("notes %q lack %q", p.Notes, want)
		}
	}
}

// TestSetupAfterBuilds: the app's setup runs with its build, after its
// dependencies' builds, when a step is a turbo task that depends on theirs
// (^build), or when it has no dependency with a build to run beside.
func TestSetupAfterBuilds(t *testing.T) {
	for _, tc := range []struct {
		name, turbo string
		lib         string
		beside      bool
	}{
		{"independent task", `{"tasks":{"build":{"dependsOn":["^build","gen"]}}}`, `{"name":"lib","main":"dist/index.js","scripts":{"build":"node b.js"}}`, true},
		{"task after ^build", `{"tasks":{"build":{"dependsOn":["^build","gen"]},"gen":{"dependsOn":["^build"]}}}`, `{"name":"lib","main":"dist/index.js","scripts":{"build":"node b.js"}}`, false},
		{"through a task of its own", `{"tasks":{"build":{"dependsOn":["gen"]},"gen":{"dependsOn":["prep"]},"prep":{"dependsOn":["gen","^build"]}}}`, `{"name":"lib","main":"dist/index.js","scripts":{"build":"node b.js"}}`, false},
		{"the package's own entry", `{"tasks":{"build":{"dependsOn":["^build","gen"]},"gen":{"dependsOn":["^build"]},"api#gen":{}}}`, `{"name":"lib","main":"dist/index.js","scripts":{"build":"node b.js"}}`, true},
		{"no build to run beside", `{"tasks":{"build":{"dependsOn":["gen"]}}}`, `{"name":"lib","main":"index.js"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace("packages: ['apps/*', 'packages/*']\n",
				testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"packages/lib"}},
				testkit.Pkg{Dir: "packages/lib", Name: "lib"})
			fsys["apps/api/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"api","scripts":{"gen":"node gen.js","build":"node build.js"},"dependencies":{"lib":"workspace:*"}}`)}
			fsys["packages/lib/package.json"] = &fstest.MapFile{Data: []byte(tc.lib)}
			fsys["turbo.json"] = &fstest.MapFile{Data: []byte(tc.turbo)}
			p := mustPlan(t, fsys, apiManifest, "api")
			gen, app := p.Stage("generate:api"), p.Stage("app:api")
			runs := app.Run
			if gen != nil {
				runs = gen.Run
			}
			if !slices.Contains(runs, "pnpm run gen") {
				t.Fatalf("gen runs nowhere: generate:api %+v, app:api runs %q", gen, app.Run)
			}
			if (gen != nil) != tc.beside {
				t.Errorf("generate:api is %+v; want a stage of its own: %v", gen, tc.beside)
			}
		})
	}
}

// TestUseNodeVersion: pnpm's use-node-version (pnpm-workspace.yaml's
// useNodeVersion first, as pnpm 10 reads it) chooses the images' Node.js,
// and the install comments out the line, so pnpm does not download it.
func TestUseNodeVersion(t *testing.T) {
	for _, tc := range []struct {
		name, file, data string
		line             int
	}{
		{"npmrc", ".npmrc", "auto-install-peers=true\nuse-node-version=22.11.0\n", 2},
		{"workspace yaml", "pnpm-workspace.yaml", "packages: ['apps/*']\nuseNodeVersion: 22.11.0\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
			fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.data)}
			fsys[".nvmrc"] = &fstest.MapFile{Data: []byte("24\n")}
			p := mustPlan(t, fsys, apiManifest, "api")
			if p.Node.Version != "22.11.0" {
				t.Errorf("node %s (%s), want 22.11.0 from use-node-version, not .nvmrc's 24", p.Node.Version, p.Node.Source)
			}
			deps := p.Stage("deps")
			if want := fmt.Sprintf(`"settings":[{"file":%q,"line":%d}]`, tc.file, tc.line); len(deps.Files) != 1 || !strings.Contains(deps.Files[0].Data, want) {
				t.Errorf("the install's metadata input %+v lacks %s", deps.Files, want)
			}
		})
	}
}

// TestUnpinnedPNPM: with nothing pinning pnpm, a lockfile 9.0 without a
// build allowlist gets pnpm 9, which runs every dependency's install script
// as the repository's own install did; with an allowlist, which pnpm 10
// asks for, pnpm 10.
func TestUnpinnedPNPM(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       int
	}{
		{"no allowlist", "packages: ['apps/*']\n", 9},
		{"onlyBuiltDependencies", "packages: ['apps/*']\nonlyBuiltDependencies: [esbuild]\n", 10},
		{"allowBuilds", "packages: ['apps/*']\nallowBuilds: {esbuild: true}\n", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace(tc.yaml, testkit.Pkg{Dir: "apps/api", Name: "api"})
			fsys["package.json"] = &fstest.MapFile{Data: []byte(`{"name":"root","private":true}`)}
			p := mustPlan(t, fsys, apiManifest, "api")
			if p.PNPM.Major != tc.want {
				t.Errorf("pnpm %s (%s), want %d", p.PNPM.Version, p.PNPM.Source, tc.want)
			}
		})
	}
}
