package pnpm

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestLockfileYAMLAsPnpm: the lockfile's YAML reads as pnpm (js-yaml) reads
// it: an alias is the node it names; a duplicate key and an unknown tag are
// refused at their line.
func TestLockfileYAMLAsPnpm(t *testing.T) {
	lf, err := ParseLockfile("pnpm-lock.yaml", []byte("lockfileVersion: '9.0'\nimporters:\n  apps/b: &x\n    dependencies:\n      ms:\n        specifier: 2.1.3\n        version: 2.1.3\n  apps/a: *x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := lf.Importers["apps/a"].Deps["dependencies"]["ms"]; !ok || d.Version != "2.1.3" {
		t.Errorf("the aliased importer reads %+v, want apps/b's ms 2.1.3", lf.Importers["apps/a"])
	}
	for data, want := range map[string]string{
		"lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/a: {}\n  apps/a: {}\n":                                             `pnpm-lock.yaml:5:3: "apps/a" is a key for the second time`,
		"lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms: {version: 1.0.0}\n      ms: {version: 2.0.0}\n": `pnpm-lock.yaml:6:7: "ms" is a key for the second time`,
		"lockfileVersion: '9.0'\nimporters:\n  .: !!python/object:list {}\n":                                                    "pnpm-lock.yaml:3:6: unknown tag !!python/object:list",
	} {
		if _, err := ParseLockfile("pnpm-lock.yaml", []byte(data)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", data, err, want)
		}
	}
}

// TestWorkspaceYAMLAsPnpm: pnpm-workspace.yaml is one document, with no
// duplicate key or unknown tag, and a wrong type says what was wanted.
func TestWorkspaceYAMLAsPnpm(t *testing.T) {
	for data, want := range map[string]string{
		"packages: [apps/*]\n---\npackages: [libs/*]\n": "pnpm-workspace.yaml:2:1: pnpm-workspace.yaml holds more than one YAML document, and a second starts here",
		// An empty first document: the settings are in the second.
		"---\n---\npackages: [apps/*]\n":           "pnpm-workspace.yaml:2:1: pnpm-workspace.yaml starts with an empty YAML document (a '---' with nothing after it) and its settings are in a second one, which starts here: pnpm reads a single document and refuses the file (\"expected a single document in the stream, but found more\"); delete the first '---'",
		"packages: [apps/*]\npackages: [libs/*]\n": `pnpm-workspace.yaml:2:1: "packages" is a key for the second time`,
		"packages: !foo [apps/*]\n":                "pnpm-workspace.yaml:1:11: unknown tag !foo",
		"packages:\n  apps: x\n":                   "pnpm-workspace.yaml:2:3: packages: want a list of strings, got a mapping",
	} {
		fsys := fstest.MapFS{
			"package.json":        {Data: []byte(`{"name":"root"}`)},
			"pnpm-lock.yaml":      {Data: []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n")},
			"pnpm-workspace.yaml": {Data: []byte(data)},
		}
		if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", data, err, want)
		}
	}
}

// TestBowerComponentsIgnored: pnpm's find-packages ignores bower_components,
// as it does node_modules.
func TestBowerComponentsIgnored(t *testing.T) {
	fsys := fstest.MapFS{
		"package.json":                           {Data: []byte(`{"name":"root"}`)},
		"pnpm-lock.yaml":                         {Data: []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/a: {}\n")},
		"pnpm-workspace.yaml":                    {Data: []byte("packages: ['**']\n")},
		"apps/a/package.json":                    {Data: []byte(`{"name":"a"}`)},
		"bower_components/jq/package.json":       {Data: []byte(`{"name":"jq"}`)},
		"apps/a/bower_components/x/package.json": {Data: []byte(`{"name":"x"}`)},
	}
	ws, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, p := range ws.Packages {
		dirs = append(dirs, p.Dir)
	}
	if len(dirs) != 1 || dirs[0] != "apps/a" {
		t.Errorf("packages in %q, want apps/a alone", dirs)
	}
}
