package solver

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/diag/diagtest"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// The planner sees whatever a repository holds: no input may panic it, every
// plan it returns passes verify (its commands parse, its paths stay in the
// context, its runtime is not root), which it would report as a monokit
// bug, no value of the repository is in command position in it (the seeds
// plant the name pwned in names, versions, globs and paths; only a command
// the repository gives as one, a script or the manifest's build and
// generate, may call it), and every error is at a position inside the files
// read. Seeds beyond these are in testdata/fuzz/FuzzSolve.

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
		files := map[string][]byte{"m.yaml": mf}
		for name, f := range fsys {
			files[name] = f.Data
		}
		w, err := pnpm.Load(fsys)
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		m, err := manifest.Parse("m.yaml", mf)
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		p, err := SolveTarget(m, w, "api")
		if err != nil && strings.Contains(err.Error(), "monokit bug") {
			t.Fatal(err)
		}
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err == nil && !givesCommand(m, w, "pwned") {
			if err := calls(p, "pwned"); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// givesCommand reports whether a command the repository gives as one (a
// package.json script, a build or generate of the manifest) holds name.
func givesCommand(m *manifest.Manifest, w *pnpm.Workspace, name string) bool {
	var cmds []string
	for _, p := range append([]*pnpm.Package{w.Root}, w.Packages...) {
		for _, s := range p.JSON.Scripts {
			cmds = append(cmds, s)
		}
	}
	for _, p := range m.Packages {
		cmds = append(cmds, p.Build.Value)
	}
	for _, t := range m.Targets {
		cmds = append(cmds, t.Build.Value)
		for _, g := range t.Generate {
			cmds = append(cmds, g.Value)
		}
	}
	for _, c := range cmds {
		if strings.Contains(c, name) {
			return true
		}
	}
	return false
}

// calls returns an error when a command of the plan calls a command whose
// name holds name.
func calls(p *plan.Plan, name string) error {
	for _, s := range p.Stages {
		cmds := s.Run
		if s.OnBuildPlatform != nil {
			cmds = append(cmds, s.OnBuildPlatform.Run...)
		}
		for _, c := range cmds {
			for called := range testkit.CalledCommands(c) {
				if strings.Contains(called, name) {
					return fmt.Errorf("stage %s calls %s, a value of the repository: %q", s.ID, called, c)
				}
			}
		}
	}
	return nil
}
