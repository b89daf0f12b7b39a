package solver

import (
	"slices"
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/pnpm"
)

// TestDependencyBinStart: a start through a dependency's bin runs that bin's
// file; other runtimes, development tools and apps without dependencies do
// not; the outputs are the directory the start reads.
func TestDependencyBinStart(t *testing.T) {
	deps := map[string]string{"@react-router/serve": "8.5.3"}
	for _, tc := range []struct {
		script, bin, why, output string
		args                     []string
	}{
		{script: "react-router-serve ./build/server/index.js", bin: "react-router-serve", args: []string{"./build/server/index.js"}, output: "build"},
		{script: "cross-env NODE_ENV=production remix-serve build/index.js", bin: "remix-serve", args: []string{"build/index.js"}, output: "build"},
		{script: "fastify start -l info dist/app.js", bin: "fastify", args: []string{"start", "-l", "info", "dist/app.js"}, output: "dist"},
		{script: "bun run src/index.ts", why: "runs bun, not node"},
		{script: "nodemon dist/index.js", why: "runs nodemon, a development tool, not a server"},
		{script: "astro dev", why: "runs astro dev, a development server"},
	} {
		sc, examined := inferStart(&pnpm.PackageJSON{Scripts: map[string]string{"start": tc.script}, Dependencies: deps})
		switch {
		case tc.why != "":
			if examined == nil || !strings.Contains(strings.Join(examined, "; "), tc.why) {
				t.Errorf("%q: %+v %q, want it refused: %s", tc.script, sc, examined, tc.why)
			}
		case examined != nil || sc.bin != tc.bin || !slices.Equal(sc.args, tc.args):
			t.Errorf("%q: bin %q args %q (%q), want %s %q", tc.script, sc.bin, sc.args, examined, tc.bin, tc.args)
		case startOutput(sc) != tc.output:
			t.Errorf("%q: output %q, want %q", tc.script, startOutput(sc), tc.output)
		}
	}
	if _, examined := inferStart(&pnpm.PackageJSON{Scripts: map[string]string{"start": "react-router-serve build/server/index.js"}}); examined == nil {
		t.Errorf("a bin start of an app without dependencies was taken")
	}
}

// TestFrameworkStart: with no start script, a server framework's build
// output is the start.
func TestFrameworkStart(t *testing.T) {
	for _, tc := range []struct {
		pj     pnpm.PackageJSON
		args   []string
		nitro  bool
		output string
	}{
		{pnpm.PackageJSON{Scripts: map[string]string{"build": "nuxt build"}, Dependencies: map[string]string{"nuxt": "4.6.4"}}, []string{nitroEntry}, true, ".output"},
		{pnpm.PackageJSON{Scripts: map[string]string{"build": "pnpm with-env vite build"}, Dependencies: map[string]string{"@tanstack/react-start": "1"}, DevDependencies: map[string]string{"@tanstack/nitro-v2-vite-plugin": "1"}}, []string{nitroEntry}, true, ".output"},
		{pnpm.PackageJSON{Scripts: map[string]string{"build": "vite build"}, DevDependencies: map[string]string{"@sveltejs/adapter-node": "6.0.2"}}, []string{"build"}, false, "build"},
		{pnpm.PackageJSON{Scripts: map[string]string{"build": "astro build"}, Dependencies: map[string]string{"@astrojs/node": "11.1.6"}}, []string{"dist/server/entry.mjs"}, false, "dist"},
	} {
		sc, examined := inferStart(&tc.pj)
		if examined != nil || !slices.Equal(sc.args, tc.args) || sc.nitro() != tc.nitro || startOutput(sc) != tc.output {
			t.Errorf("%v: args %q nitro %v output %q (%q), want %q %v %q", tc.pj.Scripts, sc.args, sc.nitro(), startOutput(sc), examined, tc.args, tc.nitro, tc.output)
		}
	}
	if _, examined := inferStart(&pnpm.PackageJSON{Scripts: map[string]string{"build": "nuxt build", "start": "nuxt dev"}, Dependencies: map[string]string{"nuxt": "4"}}); examined == nil {
		t.Errorf("a framework start replaced a start script")
	}
}
