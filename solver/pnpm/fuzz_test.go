package pnpm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/internal/diag/diagtest"
)

// The parsers see whatever a repository holds: no input may panic them, an
// error's positions lie inside the file read, and what a parse that succeeds
// returns was read from the input: its names and versions are text of the
// file, at the positions it gives them. Seeds beyond these are in
// testdata/fuzz/<target>.

func FuzzParseLockfile(f *testing.F) {
	f.Add([]byte("lockfileVersion: '9.0'\nimporters:\n  .: {}\n  a:\n    dependencies:\n      b: {specifier: 'workspace:*', version: 'link:../b'}\n"))
	f.Add([]byte("---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    packageManagerDependencies: {pnpm: {version: 11.0.0}}\n---\nlockfileVersion: '9.0'\n"))
	f.Add([]byte("lockfileVersion: 5.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "pnpm-lock.yaml"
		files := map[string][]byte{file: data}
		lf, err := ParseLockfile(file, data)
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		if err := diagtest.CheckValue(lf, files); err != nil {
			t.Fatal(err)
		}
		if err := lockfileFromInput(lf, data); err != nil {
			t.Fatal(err)
		}
	})
}

// lockfileFromInput checks that a lockfile's version, importers, their
// dependencies and the packages are text of data (see inInput), and that
// each importer's and dependency's name is at or after the line its position
// names.
func lockfileFromInput(lf *Lockfile, data []byte) error {
	if lf.File != "pnpm-lock.yaml" {
		return fmt.Errorf("the lockfile is named %q", lf.File)
	}
	if !strings.HasPrefix(lf.Version, "9.") && !strings.HasPrefix(lf.Version, "6.") {
		return fmt.Errorf("lockfileVersion %q was accepted", lf.Version)
	}
	in := inInput(data)
	var missing []string
	need := func(what string, s ...string) {
		for _, s := range s {
			if !in(s) {
				missing = append(missing, fmt.Sprintf("%s %q", what, s))
			}
		}
	}
	at := func(what, s string, p diag.Pos) {
		if !in(s) || p.Line < 1 {
			return // reported by need, or no position
		}
		if !inInput(fromLine(diag.LoneCRToLF(data), p.Line))(s) { // a lone \r ends a YAML line
			missing = append(missing, fmt.Sprintf("%s %q at or after line %d", what, s, p.Line))
		}
	}
	need("lockfileVersion", lf.Version)
	need("packageManager", lf.PackageManager)
	for k, v := range lf.Overrides {
		need("override", k, v)
	}
	for cat, m := range lf.Catalogs {
		need("catalog", cat)
		for k, v := range m {
			need("catalog entry", k, v)
		}
	}
	for dir, im := range lf.Importers {
		if im.Dir != dir {
			return fmt.Errorf("importer %q says it is %q", dir, im.Dir)
		}
		need("importer", dir)
		at("importer", dir, im.Pos)
		for _, deps := range im.Deps {
			for name, d := range deps {
				need("dependency", name, d.Specifier, d.Version)
				at("dependency", name, d.Pos)
			}
		}
	}
	for key, p := range lf.Packages {
		if key != p.Name+"@"+p.Version {
			return fmt.Errorf("package %q is %s@%s", key, p.Name, p.Version)
		}
		need("package", p.Name, p.Version, p.Integrity, p.Tarball, p.Directory)
		need("package platform", p.OS...)
		need("package platform", p.CPU...)
		need("package platform", p.Libc...)
	}
	if len(missing) > 0 {
		return fmt.Errorf("not read from the input: %s", strings.Join(missing, ", "))
	}
	return nil
}

// inInput reports whether a YAML string value is text of data, up to what
// YAML's quoting and folding do to it: runs of white space (a folded line
// break, a block scalar's indentation) count as one space, a quote doubled
// in a single-quoted scalar as one quote, and an input with an escape (\ in
// a double-quoted scalar, which may spell any character) is not checked.
func inInput(data []byte) func(string) bool {
	escaped := bytes.IndexByte(data, '\\') >= 0
	text := squash(string(data))
	unquoted := strings.ReplaceAll(text, "''", "'")
	return func(s string) bool {
		s = strings.TrimSpace(squash(s))
		return escaped || strings.Contains(text, s) || strings.Contains(unquoted, s)
	}
}

func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }), " ")
}

// fromLine is data from the start of line (1-based) on.
func fromLine(data []byte, line int) []byte {
	for range line - 1 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a","dependencies":{"b":"workspace:*"},"exports":{".":{"import":"./dist/a.js"}},"devEngines":{"runtime":[{"name":"node","version":"24"}]}}`))
	f.Add([]byte(`{"name": [1, {"x": "y"}], "files": "dist"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "package.json"
		files := map[string][]byte{file: data}
		p, err := parsePackageJSON(file, data)
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		// Positions count from after a byte order mark, which p.Data lacks.
		if err := diagtest.CheckValue(p, map[string][]byte{file: p.Data}); err != nil {
			t.Fatal(err)
		}
		if err := packageJSONFromInput(p); err != nil {
			t.Fatal(err)
		}
		_, _ = p.DefaultOutputs()
		p.Repo()
		p.DevEngine("runtime", "node")
	})
}

// packageJSONFromInput checks that every key position of a package.json is
// at the key's string in the file, and that the name and version (when they
// are strings) and every dependency are the values written after their
// keys, there.
func packageJSONFromInput(p *PackageJSON) error {
	data := p.Data
	lines := newLineIndex(data)
	// at decodes the key at path's position and the value after it.
	at := func(path string) (key string, value json.RawMessage, err error) {
		pos, ok := p.keys[path]
		if !ok {
			return "", nil, fmt.Errorf("key %q has no position", path)
		}
		if pos.Line < 1 || pos.Line > len(lines) {
			return "", nil, fmt.Errorf("key %q: position %s", path, pos)
		}
		off := min(lines[pos.Line-1]+pos.Col-1, len(data))
		dec := json.NewDecoder(bytes.NewReader(data[off:]))
		if off == len(data) || data[off] != '"' || dec.Decode(&key) != nil {
			return "", nil, fmt.Errorf("key %q: position %s is not at a JSON string (%q)", path, pos, data[off:min(off+20, len(data))])
		}
		if key != path && !strings.HasSuffix(path, "/"+key) {
			return "", nil, fmt.Errorf("key %q: position %s is at the key %q", path, pos, key)
		}
		rest := bytes.TrimLeft(data[off+int(dec.InputOffset()):], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' || json.NewDecoder(bytes.NewReader(rest[1:])).Decode(&value) != nil {
			return "", nil, fmt.Errorf("key %q: position %s: no value after the key", path, pos)
		}
		return key, value, nil
	}
	for path := range p.keys {
		if _, _, err := at(path); err != nil {
			return err
		}
	}
	want := map[string]string{}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("parsed, but encoding/json refuses it: %v", err)
	}
	for key, value := range map[string]string{"name": p.Name, "version": p.Version} {
		if r := raw[key]; len(r) > 0 && r[0] == '"' {
			want[key] = value
		}
	}
	for kind, deps := range map[string]map[string]string{"dependencies": p.Dependencies, "devDependencies": p.DevDependencies, "optionalDependencies": p.OptionalDependencies, "peerDependencies": p.PeerDependencies} {
		for name, spec := range deps {
			want[kind+"/"+name] = spec
		}
	}
	for path, v := range want {
		_, value, err := at(path)
		if err != nil {
			return err
		}
		var there string
		if json.Unmarshal(value, &there) != nil || there != v {
			return fmt.Errorf("%s is %q, and the file has %s there", path, v, value)
		}
	}
	return nil
}
