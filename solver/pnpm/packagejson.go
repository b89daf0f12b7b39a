package pnpm

import (
	"bytes"
	"encoding/json"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// PackageJSON is what monokit reads of a package.json, field by field as pnpm
// reads them (parsePackageJSON, manifestFields), not with encoding/json's
// case-insensitive matching.
type PackageJSON struct {
	Name string
	// NameSurrogate says Name holds a lone surrogate, as its escape.
	NameSurrogate        bool
	Version              string
	Description          string
	License              string
	Private              bool
	Main                 string
	Module               string
	Types                string
	Typings              string
	Scripts              map[string]string
	Dependencies         map[string]string
	DevDependencies      map[string]string
	OptionalDependencies map[string]string
	PeerDependencies     map[string]string
	PackageManager       string
	Engines              map[string]string
	DevEngines           json.RawMessage
	Exports              json.RawMessage
	Bin                  json.RawMessage
	Files                []string
	Repository           json.RawMessage
	Homepage             string
	// PNPM is the root package.json's pnpm settings (pnpm 10 still reads them).
	PNPM struct {
		OnlyBuiltDependencies  []string
		NeverBuiltDependencies []string
		Overrides              map[string]string
	}
	// VoltaNode is volta's pin of Node.js ("volta": {"node": "20.11.0"}).
	VoltaNode string
	// PrismaSchema is where the prisma CLI finds the package's schema when
	// it is not in a default place ("prisma": {"schema": "db/schema.prisma"}).
	PrismaSchema string
	// Resolutions are Yarn-style overrides, which pnpm reads too.
	Resolutions      map[string]string
	PublishConfig    json.RawMessage
	DependenciesMeta json.RawMessage

	File string // path in the repository
	Data []byte
	keys map[string]diag.Pos // key path → position
}

// DepKinds are the dependency fields pnpm installs, in the order it lists them.
var DepKinds = []string{"dependencies", "devDependencies", "optionalDependencies"}

func (p *PackageJSON) deps(kind string) map[string]string {
	switch kind {
	case "dependencies":
		return p.Dependencies
	case "devDependencies":
		return p.DevDependencies
	case "optionalDependencies":
		return p.OptionalDependencies
	}
	return nil
}

// Pos is the position of a key path such as "dependencies/react", or of the file
// when the key is absent.
func (p *PackageJSON) Pos(keyPath string) diag.Pos {
	if pos, ok := p.keys[keyPath]; ok {
		return pos
	}
	return diag.Pos{File: p.File, Line: 1, Col: 1}
}

func parsePackageJSON(file string, data []byte) (*PackageJSON, error) {
	// npm and pnpm strip a byte order mark; so does monokit (positions then
	// count from after it).
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] != '{' && json.Valid(t) {
			return nil, diag.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "want a JSON object ({\"name\": ...}), got %s", jsonKind(t))
		}
		return nil, jsonError(file, data, err)
	}
	if raw == nil {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "want a JSON object ({\"name\": ...}), got null")
	}
	p := &PackageJSON{File: file, Data: data, keys: jsonKeys(file, data)}
	f := manifestFields{file: file, raw: raw, keys: p.keys}
	var err error
	p.Name, p.Version = f.scalar("name"), f.scalar("version")
	if n, ok := jsonStringEscaped(raw["name"]); ok {
		p.Name, p.NameSurrogate = n, true // see surrogates.go
	}
	for _, d := range []struct {
		key string
		to  *map[string]string
	}{{"dependencies", &p.Dependencies}, {"devDependencies", &p.DevDependencies}, {"optionalDependencies", &p.OptionalDependencies}, {"peerDependencies", &p.PeerDependencies}} {
		if *d.to, err = f.depMap(d.key); err != nil {
			return nil, err
		}
	}
	p.Description, p.License, p.Private = f.str("description"), f.license(), f.truthy("private")
	p.Main, p.Module, p.Types, p.Typings = f.str("main"), f.str("module"), f.str("types"), f.str("typings")
	p.Scripts, p.Engines, p.Resolutions = f.strMap("scripts"), f.strMap("engines"), f.strMap("resolutions")
	p.PackageManager, p.Homepage, p.Files = f.str("packageManager"), f.str("homepage"), f.strList("files")
	p.DevEngines, p.Exports, p.Bin, p.Repository = raw["devEngines"], raw["exports"], raw["bin"], raw["repository"]
	p.PublishConfig, p.DependenciesMeta = raw["publishConfig"], raw["dependenciesMeta"]
	if v, ok := raw["volta"]; ok {
		sub := manifestFields{file: file, keys: prefixed(p.keys, "volta/")}
		if json.Unmarshal(v, &sub.raw) == nil {
			p.VoltaNode = sub.str("node")
		}
	}
	if v, ok := raw["prisma"]; ok {
		sub := manifestFields{file: file, keys: prefixed(p.keys, "prisma/")}
		if json.Unmarshal(v, &sub.raw) == nil {
			p.PrismaSchema = sub.str("schema")
		}
	}
	if pn, ok := raw["pnpm"]; ok {
		sub := manifestFields{file: file, keys: prefixed(p.keys, "pnpm/")}
		if json.Unmarshal(pn, &sub.raw) == nil {
			p.PNPM.OnlyBuiltDependencies = sub.strList("onlyBuiltDependencies")
			p.PNPM.NeverBuiltDependencies = sub.strList("neverBuiltDependencies")
			p.PNPM.Overrides = sub.strMap("overrides")
		}
	}
	return p, nil
}

// prefixed are the key positions under prefix, with it removed.
func prefixed(keys map[string]diag.Pos, prefix string) map[string]diag.Pos {
	out := map[string]diag.Pos{}
	for k, v := range keys {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// HasDep reports whether the package depends on name in any installed field.
func (p *PackageJSON) HasDep(name string) bool {
	for _, k := range DepKinds {
		if _, ok := p.deps(k)[name]; ok {
			return true
		}
	}
	return false
}

// entryPaths are the paths package.json points consumers at: main, module, types,
// bin and every string in exports.
func (p *PackageJSON) entryPaths() []string {
	out := []string{p.Main, p.Module, p.Types, p.Typings}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, raw := range []json.RawMessage{p.Exports, p.Bin} {
		var v any
		if len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
			walk(v)
		}
	}
	return out
}

// BinFiles are the files package.json's bin names (one string, or a map of
// command names to files), relative to the package.
func (p *PackageJSON) BinFiles() []string {
	var one string
	if json.Unmarshal(p.Bin, &one) == nil && one != "" {
		return []string{one}
	}
	var many map[string]string
	if json.Unmarshal(p.Bin, &many) != nil {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(many)) {
		if many[k] != "" {
			out = append(out, many[k])
		}
	}
	return out
}

// DefaultOutputs guesses what a package build writes: the top-level directories its
// entry points and files list name, or dist, a guess nothing in package.json
// names (guessed).
func (p *PackageJSON) DefaultOutputs() (outs []string, guessed bool) {
	seen := map[string]bool{}
	var out []string
	add := func(e string, topLevelDirs bool) {
		e = strings.TrimPrefix(path.Clean(strings.TrimPrefix(e, "./")), "/")
		dir, _, nested := strings.Cut(e, "/")
		// An entry point names a file inside the output directory; a files entry
		// may name the directory itself (no extension).
		if !nested && !(topLevelDirs && !strings.Contains(dir, ".")) {
			return
		}
		if dir == "." || dir == ".." || dir == "src" || strings.ContainsAny(dir, "*?[{") || seen[dir] || tsSource(e) {
			return
		}
		seen[dir] = true
		out = append(out, dir)
	}
	for _, e := range p.entryPaths() {
		add(e, false)
	}
	for _, e := range p.Files {
		add(e, true)
	}
	if len(out) == 0 {
		return []string{"dist"}, true
	}
	slices.Sort(out)
	return out, false
}

// tsSource reports whether an entry point names a TypeScript source
// (./schema/index.ts), which a build reads, not writes; declarations
// (dist/index.d.ts) are what a build writes.
func tsSource(e string) bool {
	for _, d := range []string{".d.ts", ".d.mts", ".d.cts"} {
		if strings.HasSuffix(e, d) {
			return false
		}
	}
	for _, x := range []string{".ts", ".tsx", ".mts", ".cts"} {
		if strings.HasSuffix(e, x) {
			return true
		}
	}
	return false
}

// Repo returns the repository URL, from either form of the field.
func (p *PackageJSON) Repo() string {
	var s string
	if json.Unmarshal(p.Repository, &s) == nil {
		return s
	}
	var o struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(p.Repository, &o) == nil {
		return o.URL
	}
	return ""
}

// DevEngine returns name and version of devEngines.<field>, which may be an object
// or a list of them; the first entry named want wins.
func (p *PackageJSON) DevEngine(field, want string) (string, bool) {
	var de map[string]json.RawMessage
	if json.Unmarshal(p.DevEngines, &de) != nil {
		return "", false
	}
	type engine struct{ Name, Version string }
	var list []engine
	var one engine
	if json.Unmarshal(de[field], &one) == nil && one.Name != "" {
		list = []engine{one}
	} else {
		_ = json.Unmarshal(de[field], &list)
	}
	for _, e := range list {
		if e.Name == want && e.Version != "" {
			return e.Version, true
		}
	}
	return "", false
}

// jsonKind names the JSON value that starts t, for errors.
func jsonKind(t []byte) string {
	switch {
	case len(t) == 0:
		return "an empty file"
	case t[0] == '[':
		return "an array"
	case t[0] == '"':
		return "a string"
	case bytes.HasPrefix(t, []byte("null")):
		return "null"
	case bytes.HasPrefix(t, []byte("true")) || bytes.HasPrefix(t, []byte("false")):
		return "a boolean"
	}
	return "a number"
}
