package pnpm

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultOutputs(t *testing.T) {
	tests := map[string][]string{
		`{"main":"dist/index.js","types":"dist/index.d.ts"}`:                       {"dist"},
		`{"exports":{".":{"import":"./esm/index.js","require":"./cjs/index.js"}}}`: {"cjs", "esm"},
		`{"main":"index.js"}`:                                     {"dist"},
		`{"main":"src/index.ts","types":"src/index.ts"}`:          {"dist"},
		`{"main":"src/index.ts","files":["lib","README.md"]}`:     {"lib"},
		`{"bin":{"x":"./bin/x.js"},"exports":"./build/index.js"}`: {"bin", "build"},
		// Entry points at TypeScript sources in directories are sources
		// (homarr's packages/db exports ./schema/index.ts); declarations
		// are outputs.
		`{"main":"./index.ts","exports":{".":"./index.ts","./schema":"./schema/index.ts","./queries":"./queries/index.mts"}}`: {"dist"},
		`{"exports":{".":{"types":"./types/index.d.ts","default":"./src/index.ts"}}}`:                                         {"types"},
	}
	for src, want := range tests {
		pj, err := parsePackageJSON("package.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		got, guessed := pj.DefaultOutputs()
		// dist is a guess when nothing names it.
		if wantGuess := !strings.Contains(src, want[0]+"/") && !strings.Contains(src, `"`+want[0]+`"`); !slices.Equal(got, want) || guessed != wantGuess {
			t.Errorf("%s: outputs %v (guessed %v), want %v (guessed %v)", src, got, guessed, want, wantGuess)
		}
	}
}

// TestPackageJSONForms: package.json forms pnpm accepts read as pnpm and npm's
// normalizer read them; forms that would make pnpm install something else
// are errors at their key.
func TestPackageJSONForms(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		check     func(p *PackageJSON) bool
		err       string
	}{
		{"private string", `{"name":"a","private":"true"}`, func(p *PackageJSON) bool { return p.Private }, ""},
		{"private number", `{"name":"a","private":1}`, func(p *PackageJSON) bool { return p.Private }, ""},
		{"private zero", `{"name":"a","private":0}`, func(p *PackageJSON) bool { return !p.Private }, ""},
		{"private empty string", `{"name":"a","private":""}`, func(p *PackageJSON) bool { return !p.Private }, ""},
		{"files string", `{"name":"a","files":"dist"}`, func(p *PackageJSON) bool { return p.Files == nil }, ""},
		{"files with a number", `{"name":"a","files":["dist",1]}`, func(p *PackageJSON) bool { return slices.Equal(p.Files, []string{"dist"}) }, ""},
		{"scripts array", `{"name":"a","scripts":[]}`, func(p *PackageJSON) bool { return len(p.Scripts) == 0 }, ""},
		{"script number", `{"name":"a","scripts":{"test":1,"build":"tsc"}}`, func(p *PackageJSON) bool { return len(p.Scripts) == 1 && p.Scripts["build"] == "tsc" }, ""},
		{"peerDependencies array", `{"name":"a","peerDependencies":[]}`, func(p *PackageJSON) bool { return p.PeerDependencies == nil }, ""},
		{"engines array", `{"name":"a","engines":["node >= 0.8"]}`, func(p *PackageJSON) bool { return p.Engines == nil }, ""},
		{"license object", `{"name":"a","license":{"type":"MIT","url":"x"}}`, func(p *PackageJSON) bool { return p.License == "MIT" }, ""},
		{"description array", `{"name":"a","description":["x"]}`, func(p *PackageJSON) bool { return p.Description == "" }, ""},
		{"homepage object", `{"name":"a","homepage":{"url":"x"}}`, func(p *PackageJSON) bool { return p.Homepage == "" }, ""},
		{"typings array", `{"name":"a","typings":["a.d.ts"],"main":"dist/i.js"}`, func(p *PackageJSON) bool { return p.Typings == "" && p.Main == "dist/i.js" }, ""},
		{"keys are case-sensitive", `{"name":"a","Name":"b","SCRIPTS":{"build":"x"},"Dependencies":{"z":"1"}}`, func(p *PackageJSON) bool {
			return p.Name == "a" && p.Scripts == nil && p.Dependencies == nil
		}, ""},
		{"the last duplicate wins", `{"name":"a","name":"b"}`, func(p *PackageJSON) bool { return p.Name == "b" }, ""},
		{"pnpm settings", `{"name":"a","pnpm":{"overrides":{"x":"1"},"onlyBuiltDependencies":["esbuild"],"Overrides":{"y":"2"}}}`, func(p *PackageJSON) bool {
			return p.PNPM.Overrides["x"] == "1" && len(p.PNPM.Overrides) == 1 && slices.Equal(p.PNPM.OnlyBuiltDependencies, []string{"esbuild"})
		}, ""},
		{"dependencies string", "{\"name\":\"a\",\n\"dependencies\":\"left-pad\"}", nil, "package.json:2:1: dependencies: want an object, got a JSON string"},
		{"dependencies non-empty array", `{"name":"a","dependencies":["left-pad"]}`, nil, "dependencies: want an object of package names and versions, got an array"},
		{"a spec that is not a string", "{\"name\":\"a\",\n\"dependencies\":{\n\"x\":1}}", nil, `package.json:3:1: dependencies: "x": want a version string, got a JSON number`},
		{"name and version numbers", `{"name":1.0,"version":2}`, func(p *PackageJSON) bool { return p.Name == "1" && p.Version == "2" }, ""},
		{"name object", `{"name":{"x":1}}`, func(p *PackageJSON) bool { return p.Name == "" }, ""},
		{"an array", `[]`, nil, "want a JSON object"},
		{"null", `null`, nil, "want a JSON object"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := parsePackageJSON("package.json", []byte(c.doc))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(p) {
				t.Errorf("read %+v", p)
			}
		})
	}
}
