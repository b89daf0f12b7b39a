package pnpm

import (
	"maps"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LockPackage is one resolved registry package: what the lockfile says of its
// platform (prebuilt binaries declare os, cpu and libc) and, in lockfile 6.0,
// whether it builds at install time.
type LockPackage struct {
	Name, Version string // the version without peer suffix
	OS, CPU, Libc []string
	RequiresBuild bool // lockfile 6.0 only: pnpm 9 dropped the field
	// Optional says only optional dependencies reach the package: pnpm
	// warns when its install script fails instead of failing the install.
	Optional bool
	// Integrity and Tarball are its resolution: the tarball's hash, and its
	// URL when it is not the registry's (file:<path> for a local tarball).
	Integrity, Tarball string
	// Directory is a file: directory's resolution, relative to the root.
	Directory string
}

// snapshot is one installed instance of a package (a peer-resolved variant): its
// production and optional dependencies, name → lockfile version reference.
type snapshot map[string]string

// lockEntries are the entries of a document's packages and snapshots
// sections, each read into what the Lockfile keeps as soon as it is scanned:
// a 40 MB lockfile's nodes are several times its size, and the scanner then
// drops each entry's nodes instead of holding the whole tree (see sink).
type lockEntries struct {
	packages  []packageEntry
	snapshots []snapshotEntry
}

type packageEntry struct {
	key string // without lockfile 6.0's leading slash
	pkg *LockPackage
	// snap is the entry's dependencies: lockfile 6.0 keeps them in packages.
	snap snapshot
}

type snapshotEntry struct {
	key      string
	snap     snapshot
	optional bool
}

// add reads one entry of a section; it is the scanner's sink.
func (e *lockEntries) add(section string, k, v *node) {
	switch section {
	case "packages":
		key := strings.TrimPrefix(k.Value, "/")
		name, version := SplitKey(key)
		p := &LockPackage{Name: name, Version: StripPeers(version), OS: strList(get(v, "os")), CPU: strList(get(v, "cpu")), Libc: strList(get(v, "libc"))}
		if r := get(v, "resolution"); r != nil {
			if n := get(r, "integrity"); n != nil {
				p.Integrity = n.Value
			}
			if n := get(r, "tarball"); n != nil {
				p.Tarball = n.Value
			}
			if n := get(r, "directory"); n != nil {
				p.Directory = n.Value
			}
		}
		if rb := get(v, "requiresBuild"); rb != nil {
			p.RequiresBuild = rb.Value == "true"
		}
		p.Optional = optionalNode(v) // lockfile 6.0
		e.packages = append(e.packages, packageEntry{key: key, pkg: p, snap: snapshotOf(v)})
	case "snapshots":
		e.snapshots = append(e.snapshots, snapshotEntry{key: k.Value, snap: snapshotOf(v), optional: optionalNode(v)})
	}
}

// readPackages fills Packages and the snapshots from the project graph
// document, from the entries the scanner streamed (e) and those its tree
// still holds (all of them when yaml.v3 read the file): lockfile 9.0 splits
// them into packages (metadata) and snapshots (edges); lockfile 6.0 keeps
// both in packages, keyed with a leading slash.
func (lf *Lockfile) readPackages(main *node, e *lockEntries) {
	if e == nil {
		e = &lockEntries{}
	}
	for _, section := range []string{"packages", "snapshots"} {
		each(get(main, section), func(k, v *node) { e.add(section, k, v) })
	}
	lf.Packages = make(map[string]*LockPackage, len(e.packages))
	lf.snapshots = make(map[string]snapshot, max(len(e.snapshots), len(e.packages)))
	for _, pe := range e.packages {
		lf.Packages[pe.pkg.Name+"@"+pe.pkg.Version] = pe.pkg
		if !strings.HasPrefix(lf.Version, "9.") {
			lf.snapshots[pe.key] = pe.snap
		}
	}
	// lockfile 9.0 marks each snapshot; a package is optional when every
	// instance of it is.
	required := map[string]bool{}
	for _, se := range e.snapshots {
		lf.snapshots[se.key] = se.snap
		name, version := SplitKey(se.key)
		key := name + "@" + StripPeers(version)
		if p := lf.Packages[key]; p != nil {
			p.Optional = se.optional && !required[key]
			required[key] = required[key] || !se.optional
		}
	}
}

func optionalNode(v *node) bool {
	o := get(v, "optional")
	return o != nil && o.Value == "true"
}

// snapshotOf reads an entry's dependencies; nil when it has none (most
// packages of lockfile 9.0, whose dependencies are in snapshots).
func snapshotOf(v *node) snapshot {
	var s snapshot
	for _, kind := range []string{"dependencies", "optionalDependencies"} {
		each(get(v, kind), func(name, ver *node) {
			if s == nil {
				s = snapshot{}
			}
			s[name.Value] = ver.Value
		})
	}
	return s
}

func strList(n *node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

// SplitKey splits "name@version(peers)" (the name may be scoped) at the @ that
// starts the version.
func SplitKey(key string) (name, version string) {
	base, _, _ := strings.Cut(key, "(")
	i := strings.LastIndex(base, "@")
	if i <= 0 {
		return key, ""
	}
	return key[:i], key[i+1:]
}

func StripPeers(v string) string {
	v, _, _ = strings.Cut(v, "(")
	return v
}

// snapshotKey is the snapshot a dependency reference points at: "1.2.3(peers)"
// for name, or an alias's "real-name@1.2.3"; "" for workspace links.
func snapshotKey(name, ref string) string {
	ref = strings.TrimPrefix(ref, "/") // lockfile 6.0 writes aliases as /real@1.2.3
	if strings.HasPrefix(ref, "link:") || ref == "" {
		return ""
	}
	if n, v := SplitKey(ref); v != "" && n != "" && !strings.HasPrefix(ref, "file:") {
		return ref // an alias: npm:real@version is stored as real@version
	}
	return name + "@" + ref
}

// ProdPackages lists the registry packages ("name@version") the production install
// of the given importers holds, with every platform's optional variants: the
// dependencies and optionalDependencies of each, transitively.
func (lf *Lockfile) ProdPackages(importers []string) []string {
	return slices.Sorted(maps.Keys(lf.reach(importers, []string{"dependencies", "optionalDependencies"}, false)))
}

// InstallPackages are the registry packages an install of importers holds,
// their devDependencies' included, each ("name@version") with the names of
// its own dependencies.
func (lf *Lockfile) InstallPackages(importers []string) map[string][]string {
	out := map[string][]string{}
	for key, deps := range lf.reach(importers, DepKinds, true) {
		out[key] = slices.Sorted(maps.Keys(deps))
	}
	return out
}

// LocalFiles are the tarballs and directories of file: dependencies among
// an install's packages (InstallPackages' result: the install's walk is
// done once for this and its caller's other uses), as the lockfile names
// them (relative to the root; a workspace project's injected copy among
// them), sorted. pnpm reads them at install.
func (lf *Lockfile) LocalFiles(install map[string][]string) []string {
	var out []string
	for key := range install {
		p := lf.Packages[key]
		if p == nil {
			continue
		}
		if rel, ok := strings.CutPrefix(p.Tarball, "file:"); ok {
			out = append(out, rel)
		} else if p.Directory != "" {
			out = append(out, p.Directory)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// reach walks the snapshots from the importers' dependencies of kinds: each
// package reached ("name@version") with, when deps, the names of its
// dependencies (else nil). The walk covers the whole install, every
// snapshot of a large lockfile: only InstallPackages reads the names, and
// a set per package for the other callers was most of the walk's cost.
func (lf *Lockfile) reach(importers, kinds []string, deps bool) map[string]map[string]bool {
	seen := map[string]bool{}
	out := map[string]map[string]bool{}
	var visit func(name, ref string)
	visit = func(name, ref string) {
		key := snapshotKey(name, ref)
		if key == "" || seen[key] {
			return
		}
		seen[key] = true
		n, v := SplitKey(key)
		pkg := n + "@" + StripPeers(v)
		names, ok := out[pkg]
		if !ok {
			if deps {
				names = map[string]bool{}
			}
			out[pkg] = names
		}
		s, ok := lf.snapshots[key]
		if !ok && !strings.HasPrefix(lf.Version, "9.") {
			s = lf.snapshots[StripPeers(key)]
		}
		for dn, dv := range s {
			if deps {
				names[dn] = true
			}
			visit(dn, dv)
		}
	}
	for _, dir := range importers {
		im := lf.Importers[dir]
		if im == nil {
			continue
		}
		for _, kind := range kinds {
			for n, d := range im.Deps[kind] {
				visit(n, d.Version)
			}
		}
	}
	return out
}

// PlatformSpecific reports whether the package declares the platforms it runs on
// (a prebuilt binary such as @img/sharp-linux-arm64 or @esbuild/linux-x64).
func (p *LockPackage) PlatformSpecific() bool {
	return len(p.OS)+len(p.CPU)+len(p.Libc) > 0
}

// MatchPackage reports whether a pnpm package selector (name, name@version, or a
// name glob such as @scope/*) selects name@version.
func MatchPackage(selector, name, version string) bool {
	n, v := SplitKey(selector)
	if ok, _ := path.Match(n, name); !ok && n != name {
		return false
	}
	if v == "" {
		return true
	}
	for _, alt := range strings.Split(v, "||") {
		if strings.TrimSpace(alt) == version {
			return true
		}
	}
	return false
}

// PlatformPackages are the platform-specific packages the parents depend on,
// for every platform, as the lockfile pins them, and (again for every
// platform) what those depend on in turn: sharp's @img/sharp-linux-arm64 and
// its @img/sharp-libvips-linux-arm64. Each says which of the others and of
// the parents depend on it.
func (lf *Lockfile) PlatformPackages(parents []string) []PinnedPackage {
	byKey := map[string]*PinnedPackage{}
	dependents := map[string]map[string]bool{} // by key: a set, however many depend on it
	var visit func(dependent string, s snapshot)
	visit = func(dependent string, s snapshot) {
		for _, dn := range slices.Sorted(maps.Keys(s)) {
			skey := snapshotKey(dn, s[dn])
			cn, cv := SplitKey(skey)
			key := cn + "@" + StripPeers(cv)
			p := lf.Packages[key]
			// A parent's platform-specific dependencies, and everything
			// those depend on.
			if p == nil || !p.PlatformSpecific() && byKey[dependent] == nil {
				continue
			}
			sp := byKey[key]
			if sp == nil {
				sp = &PinnedPackage{Key: key, Name: p.Name, Version: p.Version, OS: p.OS, CPU: p.CPU, Libc: p.Libc, Integrity: p.Integrity, Tarball: p.Tarball}
				byKey[key] = sp
				visit(key, lf.snapshots[skey])
			}
			if dependents[key] == nil {
				dependents[key] = map[string]bool{}
			}
			dependents[key][dependent] = true
		}
	}
	isParent := make(map[string]bool, len(parents))
	for _, p := range parents {
		isParent[p] = true
	}
	for skey, s := range lf.snapshots {
		n, v := SplitKey(skey)
		if key := n + "@" + StripPeers(v); isParent[key] {
			visit(key, s)
		}
	}
	var out []PinnedPackage
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		sp := byKey[k]
		sp.Dependents = slices.Sorted(maps.Keys(dependents[k]))
		out = append(out, *sp)
	}
	return out
}

// PlatformParents lists the packages among keys whose dependencies include
// platform-specific ones (sharp, esbuild, next): where a traced tree must swap
// one platform's binaries for another's.
func (lf *Lockfile) PlatformParents(keys []string) []string {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	found := map[string]bool{}
	for skey, s := range lf.snapshots {
		n, v := SplitKey(skey)
		key := n + "@" + StripPeers(v)
		if self := lf.Packages[key]; !want[key] || found[key] || self != nil && self.PlatformSpecific() {
			continue
		}
		for dn, dv := range s {
			cn, cv := SplitKey(snapshotKey(dn, dv))
			if p := lf.Packages[cn+"@"+StripPeers(cv)]; p != nil && p.PlatformSpecific() {
				found[key] = true
				break
			}
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// PinnedPackage is a package as the lockfile pins it, and the packages
// (name@version) that depend on it; helpers.PinnedPackage is its JSON form.
type PinnedPackage struct {
	Key        string
	Name       string
	Version    string
	OS         []string
	CPU        []string
	Libc       []string
	Integrity  string
	Tarball    string
	Dependents []string
}
