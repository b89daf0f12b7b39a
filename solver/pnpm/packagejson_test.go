package pnpm

import (
	"slices"
	"testing"
)

func TestDefaultOutputs(t *testing.T) {
	tests := map[string][]string{
		`{"main":"dist/index.js","types":"dist/index.d.ts"}`:                       {"dist"},
		`{"exports":{".":{"import":"./esm/index.js","require":"./cjs/index.js"}}}`: {"cjs", "esm"},
		`{"main":"index.js"}`: {"dist"},
		`{"main":"src/index.ts","files":["lib","README.md"]}`:     {"lib"},
		`{"bin":{"x":"./bin/x.js"},"exports":"./build/index.js"}`: {"bin", "build"},
	}
	for src, want := range tests {
		pj, err := parsePackageJSON("package.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := pj.DefaultOutputs(); !slices.Equal(got, want) {
			t.Errorf("%s: outputs %v, want %v", src, got, want)
		}
	}
}
