package solver

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// nextRepo is a workspace with one Next.js app at the given version whose
// next.config is config.
func nextRepo(version, config string) fstest.MapFS {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/web", Name: "web", Build: true})
	fsys["apps/web/package.json"] = &fstest.MapFile{Data: []byte("{\n  \"name\": \"web\",\n  \"scripts\": {\"build\": \"next build\"},\n  \"dependencies\": {\n    \"next\": \"" + version + "\"\n  }\n}\n")}
	fsys["apps/web/next.config.mjs"] = &fstest.MapFile{Data: []byte(config)}
	fsys["pnpm-lock.yaml"] = &fstest.MapFile{Data: []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/web:\n    dependencies:\n      next:\n        specifier: " + version + "\n        version: " + version + "(react@19.2.1)\n")}
	return fsys
}

func TestNextWithoutStandalone(t *testing.T) {
	const m = "version: 1\ntargets:\n  web:\n    package: apps/web\n"
	for _, tc := range []struct {
		version, config string
		note            bool
		err             string
	}{
		{version: "15.5.9", config: "export default {};\n", note: true},
		{version: "15.5.9", config: "export default { output: process.env.STANDALONE ? 'standalone' : undefined };\n"},
		{version: "12.2.5", config: "export default {};\n", err: `Next.js 12.2.5 writes standalone output only when next.config asks for it`},
		{version: "12.2.5", config: "export default { output: 'standalone' };\n"},
	} {
		ws, err := pnpm.Load(nextRepo(tc.version, tc.config))
		if err != nil {
			t.Fatal(err)
		}
		p, err := SolveTarget(parse(t, m), ws, "web")
		if tc.err != "" {
			pos := diag.Positions(err)
			if err == nil || !strings.Contains(err.Error(), tc.err) || len(pos) != 1 || pos[0] != (diag.Pos{File: "apps/web/package.json", Line: 5, Col: 5}) {
				t.Errorf("%s %q: err = %v at %v", tc.version, tc.config, err, pos)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %q: %v", tc.version, tc.config, err)
		}
		app := p.Stage("app:web")
		if !slices.Contains(app.Env, "NEXT_PRIVATE_STANDALONE=true") || !slices.ContainsFunc(app.Run, func(r string) bool { return strings.Contains(r, "wrote no .next/standalone") }) {
			t.Errorf("%s: app env %q run %q", tc.version, app.Env, app.Run)
		}
		hasNote := slices.ContainsFunc(p.Notes, func(n string) bool { return strings.Contains(n, "does not ask for output") })
		if hasNote != tc.note {
			t.Errorf("%s %q: notes %q", tc.version, tc.config, p.Notes)
		}
	}
}

// TestSelectReadsNpmrc: the select stage fetches platform packages with npm,
// which then uses the registries and credentials of the repository's .npmrc;
// without one it reads nothing from the context.
func TestSelectReadsNpmrc(t *testing.T) {
	const m = "version: 1\ntargets:\n  web:\n    package: apps/web\n"
	for _, npmrc := range []bool{false, true} {
		fsys := nextRepo("15.5.9", "export default { output: 'standalone' };\n")
		if npmrc {
			fsys[".npmrc"] = &fstest.MapFile{Data: []byte("@corp:registry=https://npm.corp.example/\n")}
		}
		ws, err := pnpm.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		p, err := SolveTarget(parse(t, m), ws, "web")
		if err != nil {
			t.Fatal(err)
		}
		sel := p.Stage("select")
		reads := slices.Equal(sel.Inputs, []string{".npmrc"}) && slices.Contains(sel.Env, "npm_config_globalconfig=/repo/.npmrc") && slices.Contains(p.ContextPaths, ".npmrc")
		if reads != npmrc {
			t.Errorf(".npmrc present %v: select inputs %v env %v, context %v", npmrc, sel.Inputs, sel.Env, p.ContextPaths)
		}
	}
}

// TestNextAppReason: a Next.js app depends on next and has a next.config or
// runs the next CLI; a NestJS server that serves a Next.js app depends on
// next too, and is a node app.
func TestNextAppReason(t *testing.T) {
	for _, tc := range []struct {
		name, manifest, config string
		next                   bool
	}{
		{"config", `{"name":"web","dependencies":{"next":"15.5.9"}}`, "next.config.mjs", true},
		{"next build", `{"name":"web","scripts":{"build":"next build"},"dependencies":{"next":"15.5.9"}}`, "", true},
		{"next start", `{"name":"web","scripts":{"start":"cross-env PORT=4000 next start"},"dependencies":{"next":"15.5.9"}}`, "", true},
		{"nest serving next", `{"name":"web","scripts":{"build":"nest build","start":"node dist/main"},"dependencies":{"next":"15.5.9","@nestjs/core":"11.0.0"}}`, "", false},
		{"a config without next", `{"name":"web","scripts":{"build":"tsc"}}`, "next.config.js", false},
		{"nextjs-like script name", `{"name":"web","scripts":{"build":"nextgen build"},"dependencies":{"next":"15.5.9"}}`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/web", Name: "web"})
			fsys["apps/web/package.json"] = &fstest.MapFile{Data: []byte(tc.manifest)}
			if tc.config != "" {
				fsys["apps/web/"+tc.config] = &fstest.MapFile{Data: []byte("export default {};\n")}
			}
			ws, err := pnpm.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if got := nextAppReason(ws, ws.Find("web")); (got != "") != tc.next {
				t.Errorf("nextAppReason = %q, want a Next.js app: %v", got, tc.next)
			}
		})
	}
}
