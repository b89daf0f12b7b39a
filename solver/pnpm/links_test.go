package pnpm

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLinksNoneDropped: each link: or file: value of an importer makes an
// edge, is a self-dependency, or is refused at the dependency with what
// pnpm does with it (measured with pnpm 10.34.9: it joins the path to the
// importer's directory as written and links what is there).
func TestLinksNoneDropped(t *testing.T) {
	for _, c := range []struct{ dep, version, want string }{
		{"b", "link:../b", ""},
		{"a", "link:", ""},  // pnpm's self-dependency (workspace:*)
		{"a", "link:.", ""}, // the same
		{"b", "link:.", `a: pnpm-lock.yaml links b to "link:.", which is a itself (at pnpm-lock.yaml:6:7)`},
		{"b", `link:..\b`, `a: pnpm-lock.yaml links b to "..\\b" (at pnpm-lock.yaml:6:7), which pnpm joins to a's directory as written, giving "packages/a/..\\b": no package.json there`},
		{"b", "link:%2e%2e/b", `giving "packages/a/%2e%2e/b": no package.json there`},
		{"b", "link:~/b", `giving "packages/a/~/b": no package.json there`},
		{"b", "link:../\nb", `giving "packages/\nb": no package.json there`},
		{"b", "link:../b\x00", `links b to "../b\x00", which holds a NUL byte (at pnpm-lock.yaml:6:7): pnpm fails on it`},
		{"b", "file:../x", `pnpm-lock.yaml:6:7: a: the file: dependency b ("../x") is outside the build context`},
		{"b", "file:/x", `the file: dependency b ("/x") is outside the build context`},
		{"b", "file:packages/b", ""}, // an injected workspace package
	} {
		lock := "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  packages/a:\n    dependencies:\n      " + c.dep + ":\n        version: " + strconv.Quote(c.version) + "\n  packages/b: {}\n"
		fsys := fstest.MapFS{
			"package.json":            {Data: []byte(`{"name":"root"}`)},
			"pnpm-workspace.yaml":     {Data: []byte("packages: ['packages/*']\n")},
			"pnpm-lock.yaml":          {Data: []byte(lock)},
			"packages/a/package.json": {Data: []byte(`{"name":"a"}`)},
			"packages/b/package.json": {Data: []byte(`{"name":"b"}`)},
		}
		ws, err := Load(fsys)
		if err != nil {
			t.Fatalf("%q: %v", c.version, err)
		}
		a := ws.ByDir("packages/a")
		switch {
		case c.want == "" && len(a.BadLinks) > 0:
			t.Errorf("%q: refused: %v", c.version, a.BadLinks)
		case c.want == "" && c.dep == "b" && (len(a.Deps) != 1 || a.Deps[0].To.Dir != "packages/b"):
			t.Errorf("%q: edges %v, want one to packages/b", c.version, a.Deps)
		case c.want != "" && (len(a.BadLinks) != 1 || !strings.Contains(a.BadLinks[0].Error(), c.want)):
			t.Errorf("%q: bad links %v, want one saying %q", c.version, a.BadLinks, c.want)
		}
	}
}
