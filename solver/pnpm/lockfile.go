package pnpm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/internal/diag"
)

// Lockfile is what monokit reads of pnpm-lock.yaml: the importers (one per
// workspace project, the authoritative workspace graph) and the packages' platform
// constraints. Both the single-document lockfile of pnpm 8 to 10 and the
// two-document one of pnpm 11 and later (an env document, then the project graph)
// are read.
type Lockfile struct {
	File    string
	Version string // lockfileVersion: "6.0" or "9.0"
	// Importers are keyed by project directory relative to the root ("." for the root).
	Importers map[string]*Importer
	// InjectWorkspacePackages is settings.injectWorkspacePackages.
	InjectWorkspacePackages bool
	// Settings are the lockfile's settings that pnpm compares with its
	// configuration before a frozen install; absent ones are nil.
	AutoInstallPeers, ExcludeLinksFromLockfile *bool
	// Overrides are the overrides pnpm resolved when it wrote the lockfile.
	Overrides    map[string]string
	OverridesPos diag.Pos
	// Catalogs maps catalog name → package → the specifier recorded for it.
	Catalogs map[string]map[string]string
	// PackageManager is the pnpm version the env document pins (pnpm 11+), if any.
	PackageManager string
	// Packages are the registry packages, keyed "name@version".
	Packages  map[string]*LockPackage
	snapshots map[string]snapshot
}

// Importer is one project's entry.
type Importer struct {
	Dir  string
	Pos  diag.Pos
	Deps map[string]map[string]LockDep // dependency kind → name → entry
	// DependenciesMeta is the importer's dependenciesMeta as JSON-like values.
	DependenciesMeta any
	// PublishDirectory is publishConfig.directory when the project has one.
	PublishDirectory *string
}

// LockDep is one resolved dependency of an importer.
type LockDep struct {
	Specifier string
	Version   string // a version, or link:<path>, or file:<path>(peers)
	Pos       diag.Pos
}

// ParseLockfile reads pnpm-lock.yaml: with scanDocuments when it can read
// the file exactly, else with yaml.v3.
func ParseLockfile(file string, data []byte) (*Lockfile, error) {
	return parseLockfile(file, data, true)
}

func parseLockfile(file string, data []byte, fast bool) (*Lockfile, error) {
	if err := checkLineLengths(file, data); err != nil {
		return nil, err
	}
	data, err := diag.YAMLLineBreaks(file, data) // lone \r as \n: the scanner's lines are yaml.v3's
	if err != nil {
		return nil, err // yaml.v3 and pnpm's js-yaml would disagree
	}
	var main *node
	lf := &Lockfile{File: file, Importers: map[string]*Importer{}}
	var docs []*node
	entries := map[int]*lockEntries{} // by document, when the scanner read the file
	ok := false
	if fast {
		docs, ok = scanDocumentsTo(data, func(doc int) sink {
			e := &lockEntries{}
			entries[doc] = e // (an empty document passes its index on)
			return e.add
		})
	}
	if !ok {
		var err error // yaml.v3 reads the whole file, and reports its errors
		if docs, err = decodeDocuments(file, data); err != nil {
			return nil, err
		}
	}
	mainDoc, pm := pickProjectGraph(docs)
	lf.PackageManager = pm
	if mainDoc >= 0 {
		main = docs[mainDoc]
	}
	if main == nil {
		return nil, diag.Errorf(diag.Pos{File: file, Line: 1}, "pnpm-lock.yaml holds no project graph: run pnpm install and commit the lockfile")
	}
	// Both parsers keep a key given twice; pnpm refuses it.
	if k := duplicateKey(main); k != nil {
		return nil, duplicateKeyError(file, k)
	}
	vn := get(main, "lockfileVersion")
	if vn == nil {
		return nil, diag.Errorf(pos(file, main), "pnpm-lock.yaml has no lockfileVersion: is it a pnpm lockfile?")
	}
	if vn.Kind != yaml.ScalarNode {
		return nil, diag.Errorf(pos(file, vn), "lockfileVersion: want a version such as '9.0', got %s: the lockfile is damaged; run pnpm install and commit it", nodeKind(vn))
	}
	lf.Version = vn.Value
	switch {
	case strings.HasPrefix(lf.Version, "9."), strings.HasPrefix(lf.Version, "6."):
	default:
		return nil, diag.Errorf(pos(file, vn), "lockfileVersion %s is not supported: monokit reads the lockfiles of pnpm 8 and later (6.0 and 9.0); upgrade pnpm and run pnpm install", lf.Version)
	}
	settings := get(main, "settings")
	if s := get(settings, "injectWorkspacePackages"); s != nil {
		lf.InjectWorkspacePackages = s.Value == "true"
	}
	lf.AutoInstallPeers = boolNode(get(settings, "autoInstallPeers"))
	lf.ExcludeLinksFromLockfile = boolNode(get(settings, "excludeLinksFromLockfile"))
	if o := get(main, "overrides"); o != nil {
		lf.Overrides = map[string]string{}
		lf.OverridesPos = pos(file, o)
		each(o, func(k, v *node) { lf.Overrides[k.Value] = v.Value })
	}
	each(get(main, "catalogs"), func(cat, entries *node) {
		if lf.Catalogs == nil {
			lf.Catalogs = map[string]map[string]string{}
		}
		m := map[string]string{}
		each(entries, func(name, e *node) {
			if s := get(e, "specifier"); s != nil {
				m[name.Value] = s.Value
			}
		})
		lf.Catalogs[cat.Value] = m
	})
	var streamed *lockEntries
	if ok {
		streamed = entries[mainDoc]
	}
	lf.readPackages(main, streamed)
	importers := get(main, "importers")
	if importers == nil {
		// A single-project lockfile keeps the root's dependencies at the top.
		lf.Importers["."] = importer(file, ".", main, main)
		return lf, nil
	}
	if importers.Kind != yaml.MappingNode {
		return nil, diag.Errorf(pos(file, importers), "importers: want a mapping from each project's directory (.: and apps/api: ...), got %s: the lockfile is damaged; run pnpm install and commit it", nodeKind(importers))
	}
	if k := duplicateKey(importers); k != nil {
		return nil, duplicateKeyError(file, k)
	}
	var dup *node
	each(importers, func(k, v *node) {
		lf.Importers[k.Value] = importer(file, k.Value, k, v)
		for _, kind := range DepKinds {
			if d := duplicateKey(get(v, kind)); d != nil && dup == nil {
				dup = d
			}
		}
	})
	if dup != nil {
		return nil, duplicateKeyError(file, dup)
	}
	return lf, nil
}

// nodeKind names a node's kind for errors.
func nodeKind(n *node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q", n.Value)
}

func decodeDocuments(file string, data []byte) ([]*node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, diag.YAMLError(file, data, err)
		}
		if err := strictYAML(file, &doc, false); err != nil {
			return nil, err
		}
		if len(doc.Content) > 0 && doc.Content[0].Kind == yaml.MappingNode {
			docs = append(docs, fromYAML(doc.Content[0]))
		}
	}
}

// pickProjectGraph is the last document that is not pnpm 11's env document,
// and the pnpm version an env document pins.
func pickProjectGraph(docs []*node) (main int, packageManager string) {
	main = -1
	for i, d := range docs {
		if pm := envPackageManager(d); pm != "" || isEnvDocument(d) {
			packageManager = pm
			continue
		}
		main = i
	}
	return main, packageManager
}

func importer(file, dir string, k, v *node) *Importer {
	im := &Importer{Dir: dir, Pos: pos(file, k), Deps: map[string]map[string]LockDep{}}
	for _, kind := range DepKinds {
		deps := map[string]LockDep{}
		each(get(v, kind), func(name, dep *node) {
			d := LockDep{Pos: pos(file, name)}
			if dep.Kind == yaml.ScalarNode { // lockfile 5.x style, not read but tolerated
				d.Version = dep.Value
			} else {
				if s := get(dep, "specifier"); s != nil {
					d.Specifier = s.Value
				}
				if s := get(dep, "version"); s != nil {
					d.Version = s.Value
				}
			}
			deps[name.Value] = d
		})
		im.Deps[kind] = deps
	}
	if m := get(v, "dependenciesMeta"); m != nil {
		var meta any
		if m.decode(&meta) == nil {
			im.DependenciesMeta = meta
		}
	}
	if d := get(v, "publishDirectory"); d != nil {
		im.PublishDirectory = &d.Value
	}
	return im
}

func boolNode(n *node) *bool {
	if n == nil {
		return nil
	}
	b := n.Value == "true"
	return &b
}

// isEnvDocument recognises pnpm 11's env document: its root importer holds only
// configDependencies and packageManagerDependencies.
func isEnvDocument(d *node) bool {
	root := get(get(d, "importers"), ".")
	if root == nil {
		return false
	}
	env := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "configDependencies", "packageManagerDependencies":
			env = true
		default:
			return false
		}
	}
	return env
}

func envPackageManager(d *node) string {
	if !isEnvDocument(d) {
		return ""
	}
	pnpm := get(get(get(get(d, "importers"), "."), "packageManagerDependencies"), "pnpm")
	if v := get(pnpm, "version"); v != nil {
		return v.Value
	}
	return ""
}

// LinkTarget returns the workspace directory a lockfile version points at, for
// link: (relative to the importer) and injected file: (relative to the root)
// versions, or "" for a registry version.
func LinkTarget(importerDir, version string) string {
	if rel, ok := strings.CutPrefix(version, "link:"); ok {
		return CleanJoin(importerDir, rel)
	}
	if rel, ok := strings.CutPrefix(version, "file:"); ok {
		if i := strings.IndexByte(rel, '('); i >= 0 {
			rel = rel[:i] // peer suffix
		}
		if strings.HasSuffix(rel, ".tgz") || strings.HasSuffix(rel, ".tar.gz") {
			return ""
		}
		return CleanJoin(".", rel)
	}
	return ""
}

func get(n *node, key string) *node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func each(n *node, fn func(k, v *node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

func pos(file string, n *node) diag.Pos {
	return diag.Pos{File: file, Line: int(n.Line), Col: int(n.Column)}
}

func unmarshalJSON(data []byte, v any) error { return json.Unmarshal(data, v) }
