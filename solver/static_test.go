package solver

import (
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// TestStaticStart: start scripts that serve what the build wrote are static
// sites, with the directory, fallback and port they say.
func TestStaticStart(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   *staticSite // nil: not a static site
	}{
		{"serve -s dist -l 3000", &staticSite{root: "dist", spa: true, port: 3000}},
		{"serve -s build/client -l tcp://0.0.0.0:8080", &staticSite{root: "build/client", spa: true, port: 8080}},
		{"serve --single --listen=5050 out", &staticSite{root: "out", spa: true, port: 5050}},
		{"serve public", &staticSite{root: "public"}},
		{"npx serve@14.2.8 -s dist", &staticSite{root: "dist", spa: true}},
		{"pnpm dlx serve -s dist -p 4000", &staticSite{root: "dist", spa: true, port: 4000}},
		{"cross-env NODE_ENV=production serve -s dist", &staticSite{root: "dist", spa: true}},
		{"sirv dist --single --port 5000 --host", &staticSite{root: "dist", spa: true, port: 5000}},
		{"http-server ./public -p 8081 -c-1", &staticSite{root: "./public", port: 8081}},
		{"vite preview --port 4173 --host", &staticSite{root: "dist", spa: true, port: 4173}},
		{"vite preview --outDir build", &staticSite{root: "build", spa: true}},
		{"node server.js", nil},
		{"vite", nil},
	} {
		sc, examined := inferStart(&pnpm.PackageJSON{Scripts: map[string]string{"start": tc.script}})
		switch {
		case tc.want == nil && sc.site != nil:
			t.Errorf("%q: a static site %+v, want none", tc.script, *sc.site)
		case tc.want == nil:
		case examined != nil || sc.site == nil:
			t.Errorf("%q: not a static site (%q), want %+v", tc.script, examined, *tc.want)
		case sc.site.root != tc.want.root || sc.site.spa != tc.want.spa || sc.site.port != tc.want.port:
			t.Errorf("%q: %+v, want %+v", tc.script, *sc.site, *tc.want)
		}
	}
}

// TestStaticBuild: an app with no start script whose build writes a site is
// static; a library, an SSR framework's app or a server is not.
func TestStaticBuild(t *testing.T) {
	ws, _ := loadDir(t, map[string]string{
		"package.json":                `{"name":"root","private":true}`,
		"pnpm-workspace.yaml":         "packages: [apps/*]\n",
		"pnpm-lock.yaml":              "lockfileVersion: '9.0'\nimporters:\n  .: {}\n",
		"apps/vite/package.json":      `{"name":"vite-app","scripts":{"build":"tsc -b && vite build"},"devDependencies":{"vite":"8.4.1"}}`,
		"apps/outdir/package.json":    `{"name":"outdir","scripts":{"build":"vite build"},"devDependencies":{"vite":"8.4.1"}}`,
		"apps/outdir/vite.config.ts":  "export default { build: { outDir: 'www', emptyOutDir: true } }\n",
		"apps/cra/package.json":       `{"name":"cra","scripts":{"start":"react-scripts start","build":"react-scripts build"},"dependencies":{"react-scripts":"5.0.1"}}`,
		"apps/ng/package.json":        `{"name":"ng","scripts":{"build":"ng build"},"devDependencies":{"@angular/cli":"21.0.0"}}`,
		"apps/ng/angular.json":        `{"projects":{"lib":{"projectType":"library"},"shop":{"projectType":"application","architect":{"build":{"builder":"@angular/build:application","options":{"outputPath":"dist/shop"}}}}}}`,
		"apps/lib/package.json":       `{"name":"lib","main":"dist/index.js","scripts":{"build":"vite build"},"devDependencies":{"vite":"8.4.1"}}`,
		"apps/rr/package.json":        `{"name":"rr","scripts":{"build":"react-router build"},"devDependencies":{"vite":"8.4.1","@react-router/dev":"8.5.3"}}`,
		"apps/server/package.json":    `{"name":"server","scripts":{"build":"vite build","start":"node dist/server.js"},"devDependencies":{"vite":"8.4.1"}}`,
		"apps/nobundler/package.json": `{"name":"nobundler","scripts":{"build":"vite build"}}`,
	})
	for name, want := range map[string]string{"vite-app": "dist", "outdir": "www", "cra": "build", "ng": "dist/shop/browser", "lib": "", "rr": "", "server": "", "nobundler": ""} {
		site, ok := staticApp(ws, ws.Find(name))
		switch {
		case want == "" && ok:
			t.Errorf("%s: a static site %+v, want none", name, site)
		case want != "" && (!ok || site.root != want || !site.spa):
			t.Errorf("%s: %+v %v, want a single-page app in %s", name, site, ok, want)
		case ok && !strings.Contains(site.from, "build script runs"):
			t.Errorf("%s: why %q does not name the build", name, site.from)
		}
	}
}

// TestStaticManifestMistakes: a runtime on a static target, and a node preset
// on an app whose start serves static files, are errors at their line.
func TestStaticManifestMistakes(t *testing.T) {
	files := map[string]string{
		"package.json":          `{"name":"root","private":true,"packageManager":"pnpm@10.34.9"}`,
		"pnpm-workspace.yaml":   "packages: [apps/*]\n",
		"pnpm-lock.yaml":        "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/web: {}\n",
		"apps/web/package.json": `{"name":"web","scripts":{"build":"vite build","start":"serve -s dist"},"devDependencies":{"vite":"8.4.1"}}`,
	}
	ws, _ := loadDir(t, files)
	for yaml, want := range map[string]string{
		"version: 1\ntargets:\n  web:\n    package: web\n    runtime: alpine\n": "monokit.yaml:5:14: target \"web\" is a static site",
		"version: 1\ntargets:\n  web:\n    package: web\n    preset: node\n":    "monokit.yaml:5:13: target \"web\": preset node, but web serves static files",
	} {
		m, err := manifest.Parse("monokit.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := SolveTarget(m, ws, "web"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", yaml, err, want)
		}
	}
}
