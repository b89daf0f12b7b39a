package solver

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// The planner sees whatever a repository holds: no input may panic it, and
// every plan it returns passes verify (its commands parse, its paths stay in
// the context, its runtime is not root), which it would report as a monokit bug.

func FuzzSolve(f *testing.F) {
	const manifest1 = "version: 1\ntargets:\n  api: {package: apps/api, start: [x.js]}\n"
	f.Add([]byte(`{"name":"api","main":"dist/main.js","dependencies":{"lib":"workspace:*"}}`), []byte("packages: ['apps/*', 'libs/*']\n"), []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api:\n    dependencies:\n      lib: {specifier: 'workspace:*', version: link:../../libs/lib}\n  libs/lib: {}\n"), []byte(manifest1))
	f.Add([]byte(`{"name":"$(x)","scripts":{"build":"tsc"}}`), []byte("packages: ['apps/*']\npatchedDependencies: {a: p.patch}\n"), []byte("lockfileVersion: '9.0'\nimporters:\n  apps/api: {}\n"),
		[]byte("version: 1\nsystem-packages: [g++]\ninputs: [x]\ntargets:\n  api: {package: apps/api, user: '1:1', healthcheck: /h, generate: ['a'], secrets: [{id: s, target: /s}]}\npackages:\n  apps/api: {outputs: [lib]}\n"))
	f.Fuzz(func(t *testing.T, api, ws, lock, mf []byte) {
		fsys := fstest.MapFS{
			"package.json":          {Data: []byte(`{"name":"root"}`)},
			"pnpm-workspace.yaml":   {Data: ws},
			"pnpm-lock.yaml":        {Data: lock},
			"apps/api/package.json": {Data: api},
			"libs/lib/package.json": {Data: []byte(`{"name":"lib","scripts":{"build":"tsc"},"dependencies":{"api":"workspace:*"}}`)},
		}
		w, err := pnpm.Load(fsys)
		if err != nil {
			return
		}
		m, err := manifest.Parse("m.yaml", mf)
		if err != nil {
			return
		}
		if _, err := SolveTarget(m, w, "api"); err != nil && strings.Contains(err.Error(), "monokit bug") {
			t.Fatal(err)
		}
	})
}
