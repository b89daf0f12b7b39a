package solver

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// DefaultNodeMajor is the Node.js line used when nothing in the repository pins one:
// the current active LTS.
const DefaultNodeMajor = 24

// DefaultPNPM is the pnpm used when the repository pins none (it should: the plan
// says so).
const DefaultPNPM = "10"

// nodePreference orders the Node.js lines tried against a range: LTS lines first.
var nodePreference = []int{24, 22, 26, 20, 25, 23, 21, 18}

// resolveNode picks the Node.js version: the manifest, pnpm's
// use-node-version (the Node.js pnpm itself runs scripts with), .nvmrc,
// .node-version, .tool-versions, package.json's volta.node,
// devEngines.runtime, engines.node, else the LTS.
func resolveNode(m *manifest.Manifest, ws *pnpm.Workspace) (plan.Version, error) {
	if v := m.Node.Value; v != "" {
		ver, err := exactOrMajor(v, "monokit.yaml node", m.Node.Pos)
		if err != nil {
			return plan.Version{}, diag.Errorf(m.Node.Pos, "node: want a Node.js version such as \"24\" or \"24.11.1\", got %q", v)
		}
		return ver, nil
	}
	if v, pos := ws.UseNodeVersion(); v != "" {
		ver, err := exactOrMajor(v, "use-node-version", pos)
		if err != nil {
			return plan.Version{}, diag.Errorf(pos, "use-node-version %q is not a Node.js release monokit can use (such as 24.11.1); set node: in monokit.yaml", v)
		}
		return ver, nil
	}
	for _, vf := range nodeVersionFiles {
		f := vf.name
		if !ws.Present[f] {
			continue
		}
		data, err := ws.ReadFile(f)
		if err != nil {
			return plan.Version{}, err
		}
		v, line, err := vf.read(string(data))
		pos := diag.Pos{File: f, Line: line}
		if err != nil {
			return plan.Version{}, diag.Errorf(pos, "%v; set node: in monokit.yaml", err)
		}
		if v != "" {
			if ver, err := exactOrMajor(v, f, pos); err == nil {
				return ver, nil
			}
			if major, ok := ltsAlias(v); ok {
				return plan.Version{Version: strconv.Itoa(major), Major: major, Source: fmt.Sprintf("%s %q", f, v), Pos: pos}, nil
			}
			if ver, ok := fromRange(v, f, pos); ok {
				return ver, nil
			}
			return plan.Version{}, diag.Errorf(pos, "%q is not a Node.js version monokit can use (such as 24 or 24.11.1); set node: in monokit.yaml", v)
		}
	}
	root := ws.Root.JSON
	if v := root.VoltaNode; v != "" {
		pos := root.Pos("volta/node")
		if ver, ok := pinOrRange(v, "volta.node", pos); ok {
			return ver, nil
		}
		return plan.Version{}, diag.Errorf(pos, "volta.node %q is not a Node.js version monokit can use (such as 24 or 24.11.1); set node: in monokit.yaml", v)
	}
	if v, ok := root.DevEngine("runtime", "node"); ok {
		pos := root.Pos("devEngines/runtime")
		if ver, ok := pinOrRange(v, "devEngines.runtime", pos); ok {
			return ver, nil
		}
		return plan.Version{}, diag.Errorf(pos, "devEngines.runtime %q matches no Node.js line monokit knows; set node: in monokit.yaml", v)
	}
	if r := root.Engines["node"]; r != "" {
		pos := root.Pos("engines/node")
		if ver, ok := fromRange(r, "engines.node", pos); ok {
			return ver, nil
		}
		return plan.Version{}, diag.Errorf(pos, "engines.node %q matches no Node.js line monokit knows; set node: in monokit.yaml", r)
	}
	return defaultNode(), nil
}

// defaultNode is the current LTS, when nothing pins Node.js.
func defaultNode() plan.Version {
	return plan.Version{Version: strconv.Itoa(DefaultNodeMajor), Major: DefaultNodeMajor, Source: "default (current LTS)"}
}

// pinOrRange reads a Node.js major or release (exactOrMajor), else the
// preferred line a range admits (fromRange).
func pinOrRange(v, source string, pos diag.Pos) (plan.Version, bool) {
	if ver, err := exactOrMajor(v, source, pos); err == nil {
		return ver, true
	}
	return fromRange(v, source, pos)
}

// fitAdvisoryNode: engines.node is advice to pnpm unless engine-strict is on
// (it warns and installs). When the only lines it admits are ones the
// distroless runtime does not publish (engines.node "18.x", where the
// repository's own images use a newer Node.js), the image takes the
// nearest line distroless publishes above it (22 for 18: the least change
// for code and addons written for 18; jitsu's isolated-vm 5 compiles for
// 22, not for 24), else the current LTS, and the plan says so, instead of
// refusing what pnpm builds. A pin (monokit.yaml, .nvmrc and the other
// version files) is never overridden.
func fitAdvisoryNode(m *manifest.Manifest, t *manifest.Target, ws *pnpm.Workspace, node plan.Version) (plan.Version, string) {
	if runtimeName(m, t).Value != manifest.RuntimeDistroless || !strings.HasPrefix(node.Source, "engines.node") ||
		slices.Contains(distrolessNode, node.Major) || ws.EngineStrict() {
		return node, ""
	}
	fit := defaultNode()
	for _, major := range distrolessNode { // ascending
		if major > node.Major {
			fit = plan.Version{Version: strconv.Itoa(major), Major: major, Source: fmt.Sprintf("the nearest line distroless publishes above %s", node.Source)}
			break
		}
	}
	return fit, fmt.Sprintf("%s admits only Node.js %d, which distroless does not publish; pnpm only warns about engines without engine-strict, so the build and the image use Node.js %d (set node: in monokit.yaml, or runtime: alpine, to choose)", node.Source, node.Major, fit.Major)
}

// exactOrMajor reads a Node.js major ("24") or one exact release ("24.11.1",
// "v24.11.1"); ranges are fromRange's.
func exactOrMajor(v, source string, pos diag.Pos) (plan.Version, error) {
	v = strings.TrimPrefix(v, "v")
	if major, err := strconv.Atoi(v); err == nil && major >= 0 && strconv.Itoa(major) == v { // not "+24" or "024"
		return plan.Version{Version: v, Major: major, Source: source, Pos: pos}, nil
	}
	sv, err := semver.StrictNewVersion(v)
	if err != nil || sv.Prerelease() != "" || sv.Metadata() != "" {
		return plan.Version{}, fmt.Errorf("not a version")
	}
	return plan.Version{Version: sv.String(), Major: int(sv.Major()), Source: source, Pos: pos}, nil
}

// fromRange picks the preferred Node.js line some release of which satisfies r.
func fromRange(r, source string, pos diag.Pos) (plan.Version, bool) {
	c, err := semver.NewConstraint(r)
	if err != nil {
		return plan.Version{}, false
	}
	for _, major := range nodePreference {
		if lineSatisfies(c, uint64(major)) {
			return plan.Version{Version: strconv.Itoa(major), Major: major, Source: fmt.Sprintf("%s %q", source, r), Pos: pos}, true
		}
	}
	return plan.Version{}, false
}

// lineSatisfies reports whether some release of a major line satisfies c:
// the first or a late patch of any of its first 40 minors.
func lineSatisfies(c *semver.Constraints, major uint64) bool {
	for minor := range 40 {
		for _, patch := range []uint64{0, 99} {
			if c.Check(semver.New(major, uint64(minor), patch, "", "")) {
				return true
			}
		}
	}
	return false
}

// resolvePNPM picks pnpm: the manifest, packageManager, devEngines.packageManager,
// the lockfile's env document, else pnpm 9 for a lockfile 9.0 without a build
// allowlist, else DefaultPNPM. The manifest and packageManager
// must agree: one version in CI and in the image avoids lockfile mismatches.
func resolvePNPM(m *manifest.Manifest, ws *pnpm.Workspace, node plan.Version) (plan.Version, error) {
	root := ws.Root.JSON
	var fromRepo plan.Version
	if pm := root.PackageManager; pm != "" {
		pos := root.Pos("packageManager")
		name, ver, _ := strings.Cut(pm, "@")
		ver, _, _ = strings.Cut(ver, "+") // drop +sha512.<hash>
		if name != "pnpm" {
			return plan.Version{}, diag.Errorf(pos, "packageManager is %q: monokit builds pnpm workspaces; switch to pnpm or remove the field", pm)
		}
		v, err := semver.StrictNewVersion(ver)
		if err != nil {
			return plan.Version{}, diag.Errorf(pos, "packageManager %q: want pnpm@<exact version>", pm)
		}
		fromRepo = plan.Version{Version: v.String(), Major: int(v.Major()), Source: "packageManager", Pos: pos}
	} else if r, ok := root.DevEngine("packageManager", "pnpm"); ok {
		pos := root.Pos("devEngines/packageManager")
		c, err := semver.NewConstraint(r)
		if err != nil {
			return plan.Version{}, diag.Errorf(pos, "devEngines.packageManager version %q is not a semver range", r)
		}
		// The image installs one exact pnpm, the same on every build: the
		// range itself, when it names one version, else the version pnpm
		// recorded in the lockfile for it.
		v, err := semver.StrictNewVersion(strings.TrimPrefix(r, "="))
		if err != nil {
			v, err = semver.StrictNewVersion(ws.Lockfile.PackageManager)
			if err != nil || !c.Check(v) {
				return plan.Version{}, diag.Errorf(pos, "devEngines.packageManager version %q is a range, and monokit installs one exact pnpm on every build: give an exact version (such as \"10.18.0\"), set packageManager to pnpm@<version>, or set pnpm: in monokit.yaml", r)
			}
		}
		fromRepo = plan.Version{Version: v.String(), Major: int(v.Major()), Source: "devEngines.packageManager", Pos: pos}
	} else if pm := ws.Lockfile.PackageManager; pm != "" {
		v, err := semver.NewVersion(pm)
		if err == nil {
			fromRepo = plan.Version{Version: v.String(), Major: int(v.Major()), Source: "pnpm-lock.yaml packageManagerDependencies"}
		}
	}
	var out plan.Version
	switch mv := m.PNPM.Value; {
	case mv != "":
		major, _ := strconv.Atoi(strings.SplitN(mv, ".", 2)[0])
		out = plan.Version{Version: mv, Major: major, Source: "monokit.yaml pnpm", Pos: m.PNPM.Pos}
		if fromRepo.Source == "packageManager" && fromRepo.Version != mv {
			return plan.Version{}, diag.Errorf(m.PNPM.Pos, "pnpm %s disagrees with packageManager pnpm@%s (%s): pnpm would switch itself to that version; remove pnpm: from monokit.yaml or update packageManager", mv, fromRepo.Version, fromRepo.Pos)
		}
	case fromRepo.Source != "":
		out = fromRepo
	case strings.HasPrefix(ws.Lockfile.Version, "9.") && !ws.HasBuildSettings():
		// pnpm 9 and 10 both write lockfile 9.0. pnpm 9 runs every
		// dependency's install script; pnpm 10 runs none it is not told
		// to, and asks until it is told (pnpm approve-builds writes the
		// allowlist). A repository with neither was installed with pnpm 9,
		// or needs no install script: pnpm 9 builds both as their own
		// install did (jitsu's rotor needs zstd-napi's addon built).
		out = plan.Version{Version: "9", Major: 9, Source: "pnpm 9: nothing pins pnpm, and pnpm-lock.yaml 9.0 comes with no build allowlist, as pnpm 9 wrote it (pin it with packageManager in package.json)"}
	default:
		major, _ := strconv.Atoi(DefaultPNPM)
		out = plan.Version{Version: DefaultPNPM, Major: major, Source: "default (pin it with packageManager in package.json)"}
	}
	if out.Major < 8 {
		return plan.Version{}, diag.Errorf(out.Pos, "pnpm %s is too old: monokit supports pnpm 8 and later", out.Version)
	}
	// pnpm 11 is pure ESM with a SQLite store index: it needs node:sqlite.
	if out.Major >= 11 && node.Major < 22 {
		return plan.Version{}, diag.Errorf(out.Pos, "pnpm %s needs Node.js 22.13 or later, but the build uses Node.js %s (%s): raise the Node.js version or pin pnpm 10", out.Version, node.Version, node.Source)
	}
	return out, nil
}

// ltsCodenames are the LTS lines nvm's lts/<codename> aliases name, from the
// first with a Debian 13 image.
var ltsCodenames = map[string]int{"iron": 20, "jod": 22, "krypton": 24}

// ltsAlias reads nvm's lts/* (the LTS monokit defaults to) and lts/<codename>.
func ltsAlias(v string) (int, bool) {
	name, ok := strings.CutPrefix(strings.ToLower(v), "lts/")
	if !ok {
		return 0, false
	}
	if name == "*" {
		return DefaultNodeMajor, true
	}
	major, ok := ltsCodenames[name]
	return major, ok
}
