package planner

import (
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/manifest"
	"github.com/monokit/monokit/pnpm"
)

// The planner sees whatever a repository holds: no input may panic it.

func FuzzSolve(f *testing.F) {
	f.Add([]byte(`{"name":"api","main":"dist/main.js","dependencies":{"lib":"workspace:*"}}`), []byte("packages: ['apps/*', 'libs/*']\n"), []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api:\n    dependencies:\n      lib: {specifier: 'workspace:*', version: link:../../libs/lib}\n  libs/lib: {}\n"))
	f.Fuzz(func(t *testing.T, api, ws, lock []byte) {
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
		m, err := manifest.Parse("m.yaml", []byte("version: 1\ntargets:\n  api: {package: apps/api, start: [x.js]}\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = SolveTarget(m, w, "api")
	})
}
