package solver

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// ruleSkip matches the reasons Infer's rules give for a candidate that is
// not a target.
var ruleSkip = regexp.MustCompile(`: (a mobile or desktop app|a CLI or a library: .*|no start script, bin or main, and not a Next\.js app|scripts\["[^"]+"\] runs (bun|bunx|deno), not node|scripts\["[^"]+"\] runs \S+, a dependency's bin that monokit does not know as a server)$`)

// TestInferCorpus infers the manifest of the example and of every corpus
// fixture, as a zero-config build or `monokit init` does: each target the
// fixture's own manifest names is inferred, with the same health path, and
// every inferred target plans.
func TestInferCorpus(t *testing.T) {
	dirs := append(testkit.Corpus(), testkit.Example())
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			m, ws, err := testkit.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			fsys, err := ctxfs.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			data, inferred, err := InferManifest(ws, fsys)
			if err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			// Candidates that inference's rules leave out say why; one
			// left out because it did not plan is a failure.
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasPrefix(line, "# not a target:") && !ruleSkip.MatchString(line) {
					t.Errorf("a target was left out: %s\n%s", line, data)
				}
			}
			for name, want := range m.Targets {
				pkg := ws.Find(want.Package.Value)
				var got string
				for n, it := range inferred.Targets {
					if ws.Find(it.Package.Value) == pkg {
						got = n
					}
				}
				if got == "" {
					t.Errorf("target %s (%s) was not inferred:\n%s", name, pkg.Dir, data)
					continue
				}
				it := inferred.Targets[got]
				if (want.Healthcheck == nil) != (it.Healthcheck == nil) || want.Healthcheck != nil && want.Healthcheck.Path.Value != it.Healthcheck.Path.Value {
					t.Errorf("target %s: health %+v, inferred %+v", name, want.Healthcheck, it.Healthcheck)
				}
				if _, err := SolveTarget(inferred, ws, got); err != nil {
					t.Errorf("inferred target %s does not plan: %v", got, err)
				}
			}
		})
	}
}

// TestInferValues: what inference reads, and why it says it chose it.
func TestInferValues(t *testing.T) {
	ws, fsys := loadDir(t, map[string]string{
		"package.json":                               `{"name":"root","private":true,"packageManager":"pnpm@10.34.9"}`,
		"pnpm-workspace.yaml":                        "packages: [apps/*, packages/*]\n",
		"pnpm-lock.yaml":                             "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api:\n    dependencies:\n      '@x/lib':\n        specifier: workspace:*\n        version: link:../../packages/lib\n  apps/web: {}\n  apps/cli: {}\n  packages/lib: {}\n",
		"apps/api/package.json":                      `{"name":"@x/api","scripts":{"start":"node server.js"},"dependencies":{"@x/lib":"workspace:*"}}`,
		"apps/api/server.js":                         "const port = process.env.PORT ?? \"8080\";\nrequire('http').createServer().listen(port);\n// '/healthz'\n",
		"apps/web/package.json":                      `{"name":"@x/web","scripts":{"start":"next start -p 4200"},"dependencies":{"next":"15.5.9"}}`,
		"apps/web/src/app/(ops)/api/health/route.ts": "export const GET = () => new Response('ok');\n",
		"apps/cli/package.json":                      `{"name":"@x/cli","bin":{"x":"cli.js"}}`,
		"apps/cli/cli.js":                            "console.log(1)\n",
		"packages/lib/package.json":                  `{"name":"@x/lib","main":"index.js"}`,
	})
	got, _ := Infer(ws, fsys)
	var names []string
	for _, it := range got {
		names = append(names, it.Name)
	}
	if !slices.Equal(names, []string{"api", "web"}) {
		t.Fatalf("targets %q, want api and web (not the library apps/api depends on, nor the CLI)", names)
	}
	api, web := got[0], got[1]
	if api.Port != 8080 || !strings.Contains(api.PortWhy, "process.env.PORT, apps/api/server.js:1") || api.Health != "/healthz" || !strings.Contains(api.Why, `scripts["start"]`) {
		t.Errorf("api: %+v", api)
	}
	if web.Preset != "next" || web.Port != 4200 || web.Health != "/api/health" || !strings.Contains(web.HealthOK, "route.ts") {
		t.Errorf("web: %+v", web)
	}
}

func TestTargetName(t *testing.T) {
	taken := map[string]bool{}
	for _, tc := range []struct{ dir, name, want string }{
		{"apps/api", "@x/api", "api"},
		{"services/api", "@y/api", "y-api"}, // "api" is taken: the whole name
		{"apps/_internal", "", "internal"},  // a name starts with a letter or digit
		{"apps/Web App", "", "web-app"},
	} {
		if got := targetName(&pnpm.Package{Dir: tc.dir, Name: tc.name}, taken); got != tc.want {
			t.Errorf("targetName(%s, %s) = %q, want %q", tc.dir, tc.name, got, tc.want)
		}
	}
}

// TestInferNothingThatPlans: when every candidate fails to plan, init says
// why for each, and is no monokit bug.
func TestInferNothingThatPlans(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
	fsys["apps/api/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"api","scripts":{"start":"bun src/index.ts"}}`)}
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = InferManifest(ws, fsys)
	if err == nil || strings.Contains(err.Error(), "monokit bug") || !strings.Contains(err.Error(), "no target could be inferred") || !strings.Contains(err.Error(), "runs bun, not node") {
		t.Fatalf("err = %v", err)
	}
}
