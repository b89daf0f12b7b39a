package solver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/testkit"
)

// TestCheckRules runs each rule on a variant of the example made to break it,
// and all of them on the example itself, which breaks none.
func TestCheckRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func(dir string) error
		manifest string // appended to the backend target's lines
		target   string // default backend
		rule     string // "" for no finding
		at, msg  string
	}{
		{name: "example"},
		{name: "lockfile", rule: "LockfileOutOfDate", at: "services/backend/package.json:26", msg: `dependencies "left-pad" is not in pnpm-lock.yaml`,
			edit: replaceIn("services/backend/package.json", `"sharp": "0.34.5"`, `"sharp": "0.34.5",`+"\n"+`    "left-pad": "1.3.0"`)},
		{name: "node", rule: "NodeEngineMismatch", at: "monokit.yaml:", msg: `Node.js 20 (monokit.yaml node), outside engines.node ">=22"`,
			manifest: "    runtime: alpine\n", edit: replaceIn("monokit.yaml", "version: 1\n", "version: 1\nnode: \"20\"\n")},
		{name: "pnpm", rule: "PnpmEngineMismatch", at: "package.json:5", msg: `pnpm 10.34.9 (packageManager), outside engines.pnpm ">=11"`,
			edit: replaceIn("package.json", `"engines": { "node": ">=22" }`, `"engines": { "node": ">=22", "pnpm": ">=11" }`)},
		{name: "start", rule: "StartNotShipped", at: "monokit.yaml:11", msg: "the image starts src/main.js, but ships only dist of services/backend",
			edit: replaceIn("monokit.yaml", "start: [dist/main.js]", "start: [src/main.js]")},
		{name: "start-after-require", rule: "StartNotShipped", msg: "starts scripts/run.js",
			edit: replaceIn("monokit.yaml", "start: [dist/main.js]", "start: [-r, dist/otel.js, scripts/run.js]")},
		// node . starts package.json's main, dist/main.js.
		{name: "start-dot", edit: replaceIn("monokit.yaml", "start: [dist/main.js]", "start: [.]")},
		{name: "start-dot-main-unshipped", rule: "StartNotShipped", msg: "the image starts src/main.js",
			edit: func(dir string) error {
				if err := replaceIn("monokit.yaml", "start: [dist/main.js]", "start: [.]")(dir); err != nil {
					return err
				}
				return replaceIn("services/backend/package.json", `"main": "dist/main.js"`, `"main": "./src/main.js"`)(dir)
			}},
		{name: "health", rule: "HealthRouteNotFound", at: "monokit.yaml:14", msg: `healthcheck /health/live: no source of @nexus/backend or its workspace dependencies mentions "live"`,
			edit: replaceIn("services/backend/src/health.controller.ts", "@Get('live')", "@Get('alive')")},
		{name: "next-health", target: "frontend", rule: "HealthRouteNotFound", msg: `healthcheck /api/healthz: no source of @nexus/frontend`,
			edit: replaceIn("monokit.yaml", "healthcheck: /api/health", "healthcheck: /api/healthz")},
		{name: "next-health-route", target: "frontend"},
		// With prune: trace, a module loaded by a computed name; a literal
		// one, require.resolve and a method named import are none.
		{name: "traced", manifest: "    prune: trace\n"},
		{name: "trace-dynamic", manifest: "    prune: trace\n", rule: "TraceDynamicLoad", at: "services/backend/src/main.ts:", msg: "require() of a name computed at run time: target \"backend\" traces",
			edit: appendTo("services/backend/src/main.ts", "\nconst a = require('./x'); const b = require.resolve(n); this.import(n); const c = import(`./${n}`);\nconst d = require(plugin);\n")},
		{name: "untraced-dynamic", edit: appendTo("services/backend/src/main.ts", "\nconst d = require(plugin);\n")},
		{name: "trace-dynamic-included", manifest: "    prune: trace\n    include: [\"node_modules/plugin/**\"]\n", edit: appendTo("services/backend/src/main.ts", "\nconst d = require(plugin);\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(testkit.Example())); err != nil {
				t.Fatal(err)
			}
			if tc.edit != nil {
				if err := tc.edit(dir); err != nil {
					t.Fatal(err)
				}
			}
			if tc.manifest != "" {
				if err := replaceIn("monokit.yaml", "    port: 3001\n", "    port: 3001\n"+tc.manifest)(dir); err != nil {
					t.Fatal(err)
				}
			}
			m, ws, err := testkit.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			target := tc.target
			if target == "" {
				target = "backend"
			}
			found, err := Check(m, ws, target, Options{}, os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			if tc.rule == "" {
				if len(found) > 0 {
					t.Errorf("findings on the example: %+v", found)
				}
				return
			}
			if len(found) != 1 || found[0].Rule.Name != tc.rule || !strings.Contains(found[0].Msg, tc.msg) || !strings.HasPrefix(found[0].Pos.String(), tc.at) {
				t.Errorf("findings %+v, want one %s at %s saying %q", found, tc.rule, tc.at, tc.msg)
			}
		})
	}
}

func appendTo(file, text string) func(dir string) error {
	return func(dir string) error {
		f, err := os.OpenFile(filepath.Join(dir, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString(text)
		return err
	}
}

func replaceIn(file, old, new string) func(dir string) error {
	return func(dir string) error {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.Contains(string(data), old) {
			return os.ErrNotExist
		}
		return os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644)
	}
}

func TestStartFile(t *testing.T) {
	for args, want := range map[string]string{
		"dist/main.js":                         "dist/main.js",
		"--enable-source-maps dist/main.js":    "dist/main.js",
		"-r dotenv/config dist/main.js":        "dist/main.js",
		"--import ./otel.mjs server.mjs extra": "server.mjs",
		"--version":                            "",
	} {
		if got := startFile(strings.Fields(args)); got != want {
			t.Errorf("startFile(%s) = %q, want %q", args, got, want)
		}
	}
}

func TestNextRouteServes(t *testing.T) {
	for file, want := range map[string]bool{
		"apps/web/app/api/health/route.ts":        true,
		"apps/web/src/app/api/health/route.js":    true,
		"apps/web/app/(ops)/api/health/route.ts":  true,
		"apps/web/app/api/[probe]/route.ts":       true,
		"apps/web/app/api/[...rest]/route.ts":     true,
		"apps/web/pages/api/health.ts":            true,
		"apps/web/pages/api/health/index.js":      true,
		"apps/web/app/api/health/page.tsx":        false,
		"apps/web/app/api/route.ts":               false,
		"apps/web/app/api/health/deeper/route.ts": false,
		"apps/web/pages/api/healthz.ts":           false,
		"apps/web/src/lib/api/health.ts":          false,
	} {
		if got := nextRouteServes(file, []string{"api", "health"}); got != want {
			t.Errorf("nextRouteServes(%s) = %v, want %v", file, got, want)
		}
	}
}

// TestCorpusPassesChecks: every target of the corpus, whose images TestCorpus
// builds and runs (health routes answering), passes every rule: the rules
// find no problem where none is.
func TestCorpusPassesChecks(t *testing.T) {
	dirs := testkit.Corpus()
	health := 0
	for _, dir := range dirs {
		m, ws, err := testkit.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for name, tg := range m.Targets {
			if tg.Healthcheck != nil {
				health++
			}
			found, err := Check(m, ws, name, Options{}, os.DirFS(dir))
			if err != nil {
				t.Fatalf("%s %s: %v", dir, name, err)
			}
			for _, f := range found {
				t.Errorf("%s %s: %s at %s: %s", filepath.Base(dir), name, f.Rule.Name, f.Pos, f.Msg)
			}
		}
	}
	if health < 10 {
		t.Errorf("only %d corpus targets have a health path", health)
	}
}

// TestRulesDocumented: every rule's URL names a section of docs/checks.md,
// which buildx prints beside each finding.
func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testkit.Root(), "docs", "checks.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules {
		anchor, ok := strings.CutPrefix(r.URL, rulesDoc)
		if !ok || anchor != strings.ToLower(r.Name) {
			t.Errorf("%s: URL %q is not its section of docs/checks.md", r.Name, r.URL)
		}
		if !strings.Contains(string(doc), "\n## "+r.Name+"\n") {
			t.Errorf("docs/checks.md has no section for %s", r.Name)
		}
	}
}

// TestFileRouteServes: file-based routers' files serve the path their place
// names.
func TestFileRouteServes(t *testing.T) {
	for file, want := range map[string]bool{
		"apps/nitro/routes/health.js":                 true,
		"apps/nitro/routes/health.get.ts":             true,
		"apps/nitro/server/api/health.ts":             false, // serves /api/health
		"apps/kit/src/routes/health/+server.js":       true,
		"apps/kit/src/routes/(ops)/health/+server.ts": true,
		"apps/astro/src/pages/health.js":              true,
		"apps/astro/src/pages/health/index.ts":        true,
		"apps/astro/src/pages/status.js":              false,
		"apps/web/src/lib/health.js":                  false,
	} {
		if got := fileRouteServes(file, []string{"health"}); got != want {
			t.Errorf("fileRouteServes(%s, /health) = %v, want %v", file, got, want)
		}
	}
	if !fileRouteServes("apps/nitro/server/api/health.ts", []string{"api", "health"}) {
		t.Errorf("api/health.ts does not serve /api/health")
	}
}
