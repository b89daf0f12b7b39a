package pnpm

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestLoneSurrogateName: "x\ud800" and "x\ufffd" are two names, as pnpm
// (9.15.9, 10.34.9, 11.28.10) keeps them; the first is selected by its
// directory, and a lockfile link to it under encoding/json's or the
// lockfile's spelling (U+FFFD) is to it.
func TestLoneSurrogateName(t *testing.T) {
	fsys := fstest.MapFS{
		"package.json":            {Data: []byte(`{"name":"root"}`)},
		"pnpm-workspace.yaml":     {Data: []byte("packages: ['packages/*']\n")},
		"pnpm-lock.yaml":          {Data: []byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  packages/a: {}\n  packages/b: {}\n  packages/c:\n    dependencies:\n      \"x\\uFFFD\":\n        specifier: workspace:*\n        version: link:../a\n")},
		"packages/a/package.json": {Data: []byte(`{"name":"x\ud800"}`)},
		"packages/b/package.json": {Data: []byte(`{"name":"x\ufffd"}`)},
		"packages/c/package.json": {Data: []byte(`{"name":"c","dependencies":{"x\ud800":"workspace:*"}}`)},
	}
	ws, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := ws.ByDir("packages/a"), ws.ByDir("packages/b"), ws.ByDir("packages/c")
	if a.Name != `x\ud800` || b.Name != "x\ufffd" {
		t.Errorf("names %q and %q, want x\\ud800 (escaped) and x\\ufffd", a.Name, b.Name)
	}
	if f, err := a.Filter(); err != nil || f != "{packages/a}" {
		t.Errorf("a's filter %q (%v), want {packages/a}", f, err)
	}
	if f, _ := b.Filter(); f != "x\ufffd{packages/b}" {
		t.Errorf("b's filter %q", f)
	}
	if len(c.BadLinks) != 0 || len(c.Deps) != 1 || c.Deps[0].To != a {
		t.Errorf("c's edges %v, bad links %v; want one to packages/a", c.Deps, c.BadLinks)
	}
	for raw, want := range map[string]string{`"a\ud83d\ude00"`: "", `"\uDC00\n"`: `\udc00` + "\n", `"\u00e9\ud800\u00e9"`: `é\ud800é`, `"plain"`: ""} {
		got, ok := jsonStringEscaped([]byte(raw))
		if ok != (want != "") || ok && got != want {
			t.Errorf("%s: %q, %v; want %q", raw, got, ok, want)
		}
	}
	if strings.Contains(a.ID(), "\ufffd") {
		t.Errorf("a's ID %q is b's spelling", a.ID())
	}
}
