package solver

import (
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/manifest"
)

// The parsers see whatever a repository holds: no input may panic them.

func FuzzParseLockfile(f *testing.F) {
	f.Add([]byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  a:\n    dependencies:\n      b: {specifier: 'workspace:*', version: 'link:../b'}\n"))
	f.Add([]byte("---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    packageManagerDependencies: {pnpm: {version: 11.0.0}}\n---\nlockfileVersion: '9.0'\n"))
	f.Add([]byte("lockfileVersion: 5.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseLockfile("pnpm-lock.yaml", data)
	})
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a","dependencies":{"b":"workspace:*"},"exports":{".":{"import":"./dist/a.js"}},"devEngines":{"runtime":[{"name":"node","version":"24"}]}}`))
	f.Add([]byte(`{"name": [1, {"x": "y"}], "files": "dist"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePackageJSON("package.json", data)
		if err == nil {
			p.DefaultOutputs()
			p.Repo()
			p.devEngine("runtime", "node")
		}
	})
}

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
		w, err := Load(fsys)
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
