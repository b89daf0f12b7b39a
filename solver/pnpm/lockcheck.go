package pnpm

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// Drift is one way pnpm-lock.yaml disagrees with the workspace that makes
// `pnpm install --frozen-lockfile` refuse it (ERR_PNPM_OUTDATED_LOCKFILE or
// ERR_PNPM_LOCKFILE_CONFIG_MISMATCH). Pos is the line to change.
type Drift struct {
	Pos diag.Pos
	Msg string
}

func (d Drift) Error() string { return d.Msg }

// LockfileDrift reproduces the check pnpm of the given major version makes
// before a frozen install of the root and pkgs, and returns what it would
// refuse, first problem first (nil when pnpm accepts the lockfile). pnpm checks
// the settings recorded in the lockfile first (overrides, catalogs,
// autoInstallPeers, excludeLinksFromLockfile), then each project's dependencies,
// after overrides, against its importer.
//
// monokit does not refuse a build on this verdict: pnpm's own is the one that
// counts. It is used to say which line to change when pnpm refuses, and to warn
// in the plan.
func (ws *Workspace) LockfileDrift(pkgs []*Package, major int) []Drift {
	lf := ws.Lockfile
	var out []Drift
	autoPeers, autoPos := ws.boolSetting(ws.Config.AutoInstallPeers, "autoInstallPeers", "auto-install-peers", true, major)
	if lf.AutoInstallPeers != nil && *lf.AutoInstallPeers != autoPeers {
		out = append(out, Drift{autoPos, fmt.Sprintf("autoInstallPeers is %t but pnpm-lock.yaml was written with %t", autoPeers, *lf.AutoInstallPeers)})
	}
	excludeLinks, exclPos := ws.boolSetting(ws.Config.ExcludeLinksFromLockfile, "excludeLinksFromLockfile", "exclude-links-from-lockfile", false, major)
	if lf.ExcludeLinksFromLockfile != nil && *lf.ExcludeLinksFromLockfile != excludeLinks {
		out = append(out, Drift{exclPos, fmt.Sprintf("excludeLinksFromLockfile is %t but pnpm-lock.yaml was written with %t", excludeLinks, *lf.ExcludeLinksFromLockfile)})
	}
	ovs := ws.overrideConfig(major)
	out = append(out, ws.overridesDrift(ovs)...)
	out = append(out, ws.catalogsDrift()...)
	if len(out) > 0 {
		return out // pnpm stops at the settings
	}
	seen := map[*Package]bool{}
	for _, p := range append([]*Package{ws.Root}, pkgs...) {
		if seen[p] {
			continue
		}
		seen[p] = true
		if d := ws.importerDrift(p, ovs, autoPeers, excludeLinks); d != nil {
			out = append(out, *d)
		}
	}
	return out
}

// boolSetting reads a setting from pnpm-workspace.yaml (pnpm 10 and later), else
// from .npmrc, else its default; with the position to point at.
func (ws *Workspace) boolSetting(yamlValue *bool, yamlKey, npmrcKey string, def bool, major int) (bool, diag.Pos) {
	if yamlValue != nil && (major == 0 || major >= 10) {
		return *yamlValue, ws.ConfigPos(yamlKey)
	}
	if v, line := ws.npmrcValue(npmrcKey); v != "" {
		return v == "true", diag.Pos{File: ".npmrc", Line: line, Col: 1}
	}
	if ws.config != nil {
		return def, diag.Pos{File: WorkspaceFile, Line: 1, Col: 1}
	}
	return def, ws.Root.JSON.Pos("name")
}

// EngineStrict reports whether pnpm refuses to install with a Node.js outside
// engines.node (engineStrict in pnpm-workspace.yaml, engine-strict in .npmrc);
// without it pnpm only warns.
func (ws *Workspace) EngineStrict() bool {
	v, _ := ws.boolSetting(ws.Config.EngineStrict, "engineStrict", "engine-strict", false, 0)
	return v
}

// HasBuildSettings reports whether the repository tells pnpm which
// dependencies may run install scripts (allowBuilds, onlyBuiltDependencies,
// neverBuiltDependencies or dangerouslyAllowAllBuilds, in
// pnpm-workspace.yaml, package.json's pnpm field or .npmrc): what pnpm 10
// asks for before it runs any.
func (ws *Workspace) HasBuildSettings() bool {
	c, pj := ws.Config, ws.Root.JSON.PNPM
	if len(c.AllowBuilds) > 0 || len(c.OnlyBuiltDependencies) > 0 || len(c.NeverBuiltDependencies) > 0 || c.DangerouslyAllowAllBuilds ||
		len(pj.OnlyBuiltDependencies) > 0 || len(pj.NeverBuiltDependencies) > 0 {
		return true
	}
	for _, k := range []string{"only-built-dependencies[]", "only-built-dependencies", "never-built-dependencies[]", "dangerously-allow-all-builds"} {
		if v, _ := ws.npmrcValue(k); v != "" {
			return true
		}
	}
	return false
}

// UseNodeVersion is pnpm's use-node-version setting (useNodeVersion in
// pnpm-workspace.yaml, else use-node-version in .npmrc), where it is set
// (the line the install must not act on), or "". pnpm runs scripts with
// that Node.js, which it downloads from nodejs.org.
func (ws *Workspace) UseNodeVersion() (string, diag.Pos) {
	if v := ws.Config.UseNodeVersion; v != "" {
		return v, ws.ConfigPos("useNodeVersion")
	}
	if v, line := ws.npmrcValue("use-node-version"); v != "" {
		return v, diag.Pos{File: ".npmrc", Line: line, Col: 1}
	}
	return "", diag.Pos{}
}

// NodeLinker is pnpm's node-linker setting (nodeLinker in
// pnpm-workspace.yaml, else node-linker in .npmrc): isolated, the default,
// hoisted or pnp.
func (ws *Workspace) NodeLinker() string {
	if v := ws.Config.NodeLinker; v != "" {
		return v
	}
	if v, _ := ws.npmrcValue("node-linker"); v != "" {
		return v
	}
	return "isolated"
}

// npmrcValue returns the value of key in the root .npmrc and its line, or "".
func (ws *Workspace) npmrcValue(key string) (string, int) {
	for i, line := range ws.npmrc {
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), i + 1
		}
	}
	return "", 0
}

// overridesDrift compares the configured overrides with those the lockfile
// records.
func (ws *Workspace) overridesDrift(ovs map[string]pnpmOverride) []Drift {
	var out []Drift
	recorded := ws.Lockfile.Overrides
	for _, k := range slices.Sorted(maps.Keys(ovs)) {
		o := ovs[k]
		switch v, ok := recorded[k]; {
		case !ok:
			out = append(out, Drift{o.pos, fmt.Sprintf("pnpmOverride %q is not in pnpm-lock.yaml", k)})
		case v != o.spec:
			out = append(out, Drift{o.pos, fmt.Sprintf("pnpmOverride %q is %q but %q in pnpm-lock.yaml", k, o.spec, v)})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(recorded)) {
		if _, ok := ovs[k]; !ok {
			out = append(out, Drift{ws.Lockfile.OverridesPos, fmt.Sprintf("pnpm-lock.yaml has pnpmOverride %q, which the workspace no longer sets", k)})
		}
	}
	return out
}

// catalogsDrift compares the catalog entries the lockfile records with the
// workspace's: a changed or removed entry makes pnpm refuse; unused new ones do
// not.
func (ws *Workspace) catalogsDrift() []Drift {
	var out []Drift
	for _, cat := range slices.Sorted(maps.Keys(ws.Lockfile.Catalogs)) {
		entries := ws.Lockfile.Catalogs[cat]
		have := ws.catalog(cat)
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			section := "catalogs"
			if cat == "default" && ws.Config.Catalog != nil {
				section = "catalog"
			}
			switch v, ok := have[name]; {
			case !ok:
				out = append(out, Drift{ws.ConfigPos(section, cat), fmt.Sprintf("catalog %q has no entry for %q, which pnpm-lock.yaml records as %q", cat, name, entries[name])})
			case v != entries[name]:
				out = append(out, Drift{ws.catalogPos(cat, name), fmt.Sprintf("catalog %q has %q at %q but pnpm-lock.yaml records %q", cat, name, v, entries[name])})
			}
		}
	}
	return out
}

// importerDrift is pnpm's comparison of one project's manifest, after
// overrides, with its importer in the lockfile.
func (ws *Workspace) importerDrift(p *Package, ovs map[string]pnpmOverride, autoPeers, excludeLinks bool) *Drift {
	im := ws.Lockfile.Importers[p.Dir]
	if im == nil {
		return &Drift{p.JSON.Pos("name"), fmt.Sprintf("pnpm-lock.yaml has no entry for %s", p.Dir)}
	}
	deps := ws.applyOverrides(p, ovs)
	where := func(kind, name string) diag.Pos {
		for _, k := range append([]string{kind}, append(DepKinds, "peerDependencies")...) {
			if pos, ok := p.JSON.keys[k+"/"+name]; ok {
				return pos
			}
		}
		return p.JSON.Pos(kind)
	}
	wrote := func(kind, name string) string {
		orig := p.JSON.deps(kind)[name]
		if kind == "peerDependencies" {
			orig = p.JSON.PeerDependencies[name]
		}
		if now := deps[kind][name]; orig != now && now != "" {
			return fmt.Sprintf("%q (%q after overrides)", orig, now)
		}
		return fmt.Sprintf("%q", orig)
	}
	existing := map[string]string{}
	existingKind := map[string]string{}
	for _, kind := range []string{"devDependencies", "dependencies", "optionalDependencies"} {
		for n, v := range deps[kind] {
			existing[n], existingKind[n] = v, kind
		}
	}
	if autoPeers {
		merged := map[string]string{}
		for n, v := range p.JSON.PeerDependencies {
			if _, ok := existing[n]; !ok {
				merged[n] = v
				existing[n], existingKind[n] = v, "peerDependencies"
			}
		}
		maps.Copy(merged, deps["dependencies"])
		deps["dependencies"] = merged
	}
	specs := map[string]string{}
	for _, kind := range DepKinds {
		for n, d := range im.Deps[kind] {
			specs[n] = d.Specifier
		}
	}
	if excludeLinks {
		dropLinks(existing)
		dropLinks(specs)
	}
	for _, n := range slices.Sorted(maps.Keys(existing)) {
		kind := existingKind[n]
		s, ok := specs[n]
		switch {
		case !ok:
			return &Drift{where(kind, n), fmt.Sprintf("%s %q is not in pnpm-lock.yaml", kind, n)}
		case s != existing[n]:
			return &Drift{where(kind, n), fmt.Sprintf("%s %q is %s in package.json but %q in pnpm-lock.yaml", kind, n, wrote(kind, n), s)}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(specs)) {
		if _, ok := existing[n]; !ok {
			kind := "dependencies"
			for _, k := range DepKinds {
				if _, ok := im.Deps[k][n]; ok {
					kind = k
				}
			}
			return &Drift{p.JSON.Pos(kind), fmt.Sprintf("%s %q is in pnpm-lock.yaml but not in package.json", kind, n)}
		}
	}
	if d := publishDrift(p, im); d != nil {
		return d
	}
	if !reflect.DeepEqual(normalizeJSON(p.JSON.DependenciesMeta), normalizeYAML(im.DependenciesMeta)) {
		return &Drift{p.JSON.Pos("dependenciesMeta"), "dependenciesMeta differs from what pnpm-lock.yaml records"}
	}
	for _, kind := range []string{"optionalDependencies", "dependencies", "devDependencies"} {
		have := im.Deps[kind]
		want := deps[kind]
		if excludeLinks {
			want = maps.Clone(want)
			dropLinks(want)
		}
		var names []string
		for n := range want {
			_, inOpt := deps["optionalDependencies"][n]
			_, inDeps := deps["dependencies"][n]
			if kind == "devDependencies" && (inOpt || inDeps) || kind == "dependencies" && inOpt {
				continue
			}
			names = append(names, n)
		}
		slices.Sort(names)
		if len(names) != len(have) && len(names) != nonLinked(have) {
			return &Drift{p.JSON.Pos(kind), fmt.Sprintf("%s lists %d packages but pnpm-lock.yaml %d", kind, len(names), len(have))}
		}
		for _, n := range names {
			d, ok := have[n]
			if !ok || d.Specifier != want[n] {
				return &Drift{where(kind, n), fmt.Sprintf("%s %q is %s in package.json but under %s of pnpm-lock.yaml it is not", kind, n, wrote(kind, n), kind)}
			}
			v := StripPeers(d.Version)
			if validRange(d.Specifier) && isVersion(v) && !satisfies(v, d.Specifier) {
				return &Drift{where(kind, n), fmt.Sprintf("%s %q: pnpm-lock.yaml resolves %q to %s, outside the range", kind, n, d.Specifier, v)}
			}
		}
	}
	return nil
}

func publishDrift(p *Package, im *Importer) *Drift {
	var pc struct {
		Directory     *string `json:"directory"`
		LinkDirectory *bool   `json:"linkDirectory"`
	}
	_ = json.Unmarshal(p.JSON.PublishConfig, &pc)
	want, have := "", ""
	if pc.Directory != nil {
		want = *pc.Directory
	}
	if im.PublishDirectory != nil {
		have = *im.PublishDirectory
	}
	if (pc.Directory == nil) != (im.PublishDirectory == nil) || want != have {
		return &Drift{p.JSON.Pos("publishConfig"), fmt.Sprintf("publishConfig.directory is %q but pnpm-lock.yaml records %q", want, have)}
	}
	return nil
}

func isVersion(v string) bool {
	p, ok := parsePartial(v)
	return ok && len(p.parts) == 3 && !strings.ContainsAny(v, "xX*")
}

func dropLinks(m map[string]string) {
	for k, v := range m {
		if strings.HasPrefix(v, "link:") {
			delete(m, k)
		}
	}
}

func nonLinked(deps map[string]LockDep) int {
	n := 0
	for _, d := range deps {
		if !strings.Contains(d.Version, "link:") && !strings.Contains(d.Version, "file:") {
			n++
		}
	}
	return n
}

// normalizeJSON and normalizeYAML turn dependenciesMeta into comparable values
// (an absent or empty one is nil).
func normalizeJSON(raw json.RawMessage) any {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return normalizeYAML(v)
}

func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalizeYAML(e)
		}
		return out
	case float64:
		return fmt.Sprint(x)
	case int:
		return fmt.Sprint(x)
	}
	return v
}

// catalogPos is the position of an entry of a catalog in pnpm-workspace.yaml.
func (ws *Workspace) catalogPos(cat, name string) diag.Pos {
	if (cat == "default" || cat == "") && ws.Config.Catalog != nil {
		return ws.ConfigPos("catalog", name)
	}
	return ws.ConfigPos("catalogs", cat, name)
}
