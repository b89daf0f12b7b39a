package pnpm

import "testing"

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
			_, _ = p.DefaultOutputs()
			p.Repo()
			p.DevEngine("runtime", "node")
		}
	})
}
