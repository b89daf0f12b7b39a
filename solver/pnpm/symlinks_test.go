package pnpm

import (
	"io/fs"
	"testing"
	"testing/fstest"
	"time"
)

func link(target string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
}

// TestSymlinkedPackages: a package directory that is a symlink to another
// directory of the context is listed at the symlink's path with its real
// directory, as pnpm lists it; one whose real directory matches the globs
// too is listed twice without a duplicate-name error (pnpm 10.34.9 lists
// both); a symlink out of the context or into a loop is not walked.
func TestSymlinkedPackages(t *testing.T) {
	fsys := fstest.MapFS{
		"package.json":                 {Data: []byte(`{"name":"root"}`)},
		"pnpm-workspace.yaml":          {Data: []byte("packages: ['packages/**']\n")},
		"pnpm-lock.yaml":               {Data: []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  packages/a:\n    dependencies:\n      b:\n        specifier: workspace:*\n        version: link:../b\n")},
		"packages/a/package.json":      {Data: []byte(`{"name":"a","dependencies":{"b":"workspace:*"}}`)},
		"real/b/package.json":          {Data: []byte(`{"name":"b"}`)},
		"packages/b":                   link("../real/b"),
		"packages/c-real/package.json": {Data: []byte(`{"name":"c"}`)},
		"packages/c":                   link("c-real"),
		"packages/out":                 link("../../elsewhere"),
		"packages/loop":                link(".."),
	}
	done := make(chan struct{})
	var ws *Workspace
	var err error
	go func() { ws, err = Load(fsys); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Load hung on a symlink loop")
	}
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range ws.Packages {
		got[p.Dir] = p.RealDir
	}
	want := map[string]string{"packages/a": "", "packages/b": "real/b", "packages/c": "packages/c-real", "packages/c-real": ""}
	if len(got) != len(want) {
		t.Fatalf("packages %v, want %v", got, want)
	}
	for dir, real := range want {
		if r, ok := got[dir]; !ok || r != real {
			t.Errorf("package %s: real dir %q (listed %v), want %q", dir, r, ok, real)
		}
	}
	a := ws.ByDir("packages/a")
	if len(a.Deps) != 1 || a.Deps[0].To.Dir != "packages/b" || len(a.BadLinks) != 0 {
		t.Errorf("a's edges %v, bad links %v; want one to packages/b", a.Deps, a.BadLinks)
	}
}
