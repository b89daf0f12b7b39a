package pnpm

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// pnpmOverride is one entry of pnpm's overrides: a selector ("foo", "foo@1",
// "parent>foo", "parent@2>foo@^1") and the specifier that replaces the
// selected dependency's ("-" removes it).
type pnpmOverride struct {
	parent, parentAt string // parent package name and version range, if any
	name, at         string // target name and version range, if any
	spec             string
	pos              diag.Pos
}

// overrideConfig returns the overrides pnpm of the given major version applies,
// keyed by selector, with where each is written. pnpm 9 reads them from the root
// package.json (resolutions, then pnpm.overrides on top); pnpm 10 reads them
// there and, when the package.json has none, from pnpm-workspace.yaml; pnpm 11
// reads pnpm-workspace.yaml only.
func (ws *Workspace) overrideConfig(major int) map[string]pnpmOverride {
	out := map[string]pnpmOverride{}
	pj := ws.Root.JSON
	fromJSON := func() {
		for k, v := range pj.Resolutions {
			out[k] = pnpmOverride{spec: v, pos: pj.Pos("resolutions/" + k)}
		}
		for k, v := range pj.PNPM.Overrides {
			out[k] = pnpmOverride{spec: v, pos: pj.Pos("pnpm/overrides/" + k)}
		}
	}
	fromYAML := func() {
		for k, v := range ws.Config.Overrides {
			out[k] = pnpmOverride{spec: v, pos: ws.ConfigPos("overrides", k)}
		}
	}
	switch {
	case major > 0 && major < 10:
		fromJSON()
	case major == 10:
		fromJSON()
		if len(out) == 0 {
			fromYAML()
		}
	default:
		fromYAML()
	}
	for k, o := range out {
		o.parent, o.parentAt, o.name, o.at = parseSelector(k)
		o.spec = ws.resolveOverrideValue(o.name, o.spec)
		out[k] = o
	}
	return out
}

// resolveOverrideValue resolves the references an override's value may hold,
// as pnpm does before it records the overrides: "$name" is the root
// package.json's specifier for name, "catalog:" and "catalog:<name>" the
// catalog's entry for the overridden package.
func (ws *Workspace) resolveOverrideValue(pkg, spec string) string {
	if name, ok := strings.CutPrefix(spec, "$"); ok {
		for _, kind := range DepKinds {
			if v, ok := ws.Root.JSON.deps(kind)[name]; ok {
				return v
			}
		}
	}
	if cat, ok := strings.CutPrefix(spec, "catalog:"); ok {
		if v, ok := ws.catalog(cat)[pkg]; ok {
			return v
		}
	}
	return spec
}

// catalog returns the entries of a named catalog; "" and "default" are the
// default catalog.
func (ws *Workspace) catalog(name string) map[string]string {
	if name == "" || name == "default" {
		if ws.Config.Catalog != nil {
			return ws.Config.Catalog
		}
		return ws.Config.Catalogs["default"]
	}
	return ws.Config.Catalogs[name]
}

// parseSelector splits "parent@range>name@range"; a scoped name's leading @ is
// part of the name.
func parseSelector(key string) (parent, parentAt, name, at string) {
	p, target, ok := strings.Cut(key, ">")
	if !ok {
		target, p = key, ""
	}
	name, at = splitNameRange(target)
	if p != "" {
		parent, parentAt = splitNameRange(p)
	}
	return parent, parentAt, name, at
}

func splitNameRange(s string) (name, at string) {
	if i := strings.LastIndex(s, "@"); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// intersectingRange is pnpm's test of whether an override's version range
// selects a dependency's specifier: no range, the same text, or ranges that
// share a version.
func intersectingRange(selector, spec string) bool {
	return selector == "" || spec == selector || validRange(spec) && intersects(selector, spec)
}

// applyOverrides returns pkg's dependencies after pnpm's overrides, as pnpm's
// read-package hook rewrites a project's manifest before it compares it with
// the lockfile. Overrides naming pkg as their parent win over generic ones; among
// those that match, one with a version range wins over one without.
func (ws *Workspace) applyOverrides(pkg *Package, ovs map[string]pnpmOverride) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, kind := range DepKinds {
		out[kind] = maps.Clone(pkg.JSON.deps(kind))
	}
	if len(ovs) == 0 {
		return out
	}
	var withParent, generic []pnpmOverride
	for _, k := range slices.Sorted(maps.Keys(ovs)) {
		o := ovs[k]
		switch {
		case o.parent == "":
			generic = append(generic, o)
		case o.parent == pkg.JSON.Name && (o.parentAt == "" || satisfies(pkg.JSON.Version, o.parentAt)):
			withParent = append(withParent, o)
		}
	}
	pick := func(list []pnpmOverride, name, spec string) *pnpmOverride {
		var best *pnpmOverride
		for i := range list {
			o := &list[i]
			if o.name != name || !intersectingRange(o.at, spec) {
				continue
			}
			if best == nil || best.at == "" && o.at != "" {
				best = o
			}
		}
		return best
	}
	for _, kind := range DepKinds {
		deps := out[kind]
		for _, name := range slices.Sorted(maps.Keys(deps)) {
			o := pick(withParent, name, deps[name])
			if o == nil {
				o = pick(generic, name, deps[name])
			}
			switch {
			case o == nil:
			case o.spec == "-":
				delete(deps, name)
			default:
				deps[name] = localOverride(pkg.Dir, o.spec)
			}
		}
	}
	return out
}

// localOverride makes a link: or file: override that names a directory
// relative to the root relative to the project instead, as pnpm records it.
func localOverride(dir, spec string) string {
	for _, proto := range []string{"link:", "file:"} {
		if rel, ok := strings.CutPrefix(spec, proto); ok && !path.IsAbs(rel) {
			return proto + relPath(dir, path.Clean(rel))
		}
	}
	return spec
}

// relPath is the path from directory from to target, both relative to the root.
func relPath(from, target string) string {
	if from == "." {
		return target
	}
	up := strings.Repeat("../", strings.Count(from, "/")+1)
	return path.Clean(up + target)
}
