package solver

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/solver/pnpm"
)

// loadDir writes files into a temporary directory and loads the workspace
// there as the CLI does, with the directory as the sources.
func loadDir(t *testing.T, files map[string]string) (*pnpm.Workspace, fs.FS) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, err := ctxfs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return ws, fsys
}

// inferDir infers the targets of a workspace written into a temporary
// directory from files.
func inferDir(t *testing.T, files map[string]string) ([]InferredTarget, map[string]string) {
	t.Helper()
	return Infer(loadDir(t, files))
}

const rulesLock = `lockfileVersion: '9.0'
importers:
  .: {}
  apps/api: {}
  apps/e2e:
    devDependencies:
      '@x/api':
        specifier: workspace:*
        version: link:../api
  apps/mobile: {}
  apps/edge: {}
  apps/cli: {}
  apps/site: {}
  packages/sdk: {}
`

// TestInferRules: what is not an app (a library, a CLI, a mobile app, an
// app on Deno), what a devDependency does not change, where ports do not
// come from, and what the repository's Dockerfiles decide.
func TestInferRules(t *testing.T) {
	files := map[string]string{
		"package.json":        `{"name":"root","private":true,"packageManager":"pnpm@10.34.9"}`,
		"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\n",
		"pnpm-lock.yaml":      rulesLock,
		// An app that e2e lists only as a devDependency: still an app.
		"apps/api/package.json":             `{"name":"@x/api","scripts":{"start":"node server.js"}}`,
		"apps/api/server.js":                "require('http').createServer().listen(process.env.PORT || 4000);\n",
		"apps/api/__tests__/server.test.js": "const port = 9999;\n",
		"apps/api/src/x.spec.ts":            "listen(8888)\n",
		"apps/e2e/package.json":             `{"name":"@x/e2e","private":true,"devDependencies":{"@x/api":"workspace:*"}}`,
		"apps/mobile/package.json":          `{"name":"@x/mobile","scripts":{"start":"expo start"},"dependencies":{"expo":"52.0.0"}}`,
		"apps/edge/package.json":            `{"name":"@x/edge","main":"src/index.ts","scripts":{"start":"NODE_ENV=production deno run -A src/serve.ts"}}`,
		"apps/edge/src/index.ts":            "Deno.serve({ port: 3000 }, () => new Response());\n",
		"apps/cli/package.json":             `{"name":"@x/cli","bin":{"x":"cli.js"}}`,
		"apps/cli/cli.js":                   "console.log(1)\n",
		"apps/site/package.json":            `{"name":"@x/site","scripts":{"start":"next start"},"dependencies":{"next":"15.5.9"}}`,
		"apps/site/next.config.js":          "module.exports = {};\n",
		"packages/sdk/package.json":         `{"name":"@x/sdk","main":"dist/index.js"}`,
		"packages/sdk/dist/index.js":        "exports.x = 1;\n",
	}
	got, skipped := inferDir(t, files)
	var names []string
	for _, it := range got {
		names = append(names, it.Name)
	}
	if !slices.Equal(names, []string{"api", "site"}) {
		t.Fatalf("targets %q, want api and site; skipped %v", names, skipped)
	}
	if got[0].Port != 4000 {
		t.Errorf("api port %d (%s), want 4000 from server.js, not from a test or a spec", got[0].Port, got[0].PortWhy)
	}
	for dir, want := range map[string]string{
		"apps/mobile":  "it depends on expo: a mobile or desktop app",
		"apps/edge":    `scripts["start"] runs deno, not node`,
		"apps/cli":     "a CLI or a library",
		"packages/sdk": "a CLI or a library",
	} {
		if !strings.Contains(skipped[dir], want) {
			t.Errorf("%s skipped as %q, want %q", dir, skipped[dir], want)
		}
	}

	// The repository's Dockerfiles deploy the api alone (its own Dockerfile
	// exposes 8080), and a root Dockerfile copies the built site but for
	// another purpose than a build stage: the site is not deployed.
	files["apps/api/Dockerfile"] = "FROM node:24\nWORKDIR /app\nCOPY . .\nEXPOSE 8080/tcp\nCMD [\"node\", \"server.js\"]\n"
	files["docker/site.Dockerfile"] = "FROM node:24\nCOPY apps/site/package.json apps/site/\nRUN pnpm install\n"
	got, skipped = inferDir(t, files)
	if len(got) != 1 || got[0].Name != "api" || got[0].Port != 8080 || got[0].PortWhy != "EXPOSE 8080, apps/api/Dockerfile:4" || !strings.Contains(got[0].Why, "a Dockerfile deploys it (apps/api/Dockerfile)") {
		t.Fatalf("with Dockerfiles: %+v", got)
	}
	if !strings.Contains(skipped["apps/site"], "Dockerfiles (apps/api/Dockerfile) deploy other packages") {
		t.Errorf("site skipped as %q", skipped["apps/site"])
	}

	// A root Dockerfile that copies the site's build from a stage, or
	// deploys it with a pnpm filter, deploys it.
	files["docker/site.Dockerfile"] = "FROM node:24 AS build\nRUN pnpm --filter=@x/site... build\nFROM node:24\nCOPY --from=build /repo/apps/site/.next/standalone ./\n"
	got, _ = inferDir(t, files)
	if len(got) != 2 || got[1].Name != "site" || !strings.Contains(got[1].Why, "docker/site.Dockerfile:2") {
		t.Fatalf("with the site's Dockerfile: %+v", got)
	}
}
