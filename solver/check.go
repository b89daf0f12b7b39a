package solver

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// Rule is a check `docker buildx build --call check` runs on a target, named
// as BuildKit names the Dockerfile's, with the page that documents it.
type Rule struct {
	Name, Description string
	URL               string
}

// rulesDoc documents every rule, a section each (the rule's name, lower-cased).
const rulesDoc = "https://github.com/monokit/monokit/blob/main/docs/checks.md#"

func rule(name, description string) Rule {
	return Rule{Name: name, Description: description, URL: rulesDoc + strings.ToLower(name)}
}

// The rules. Each finds what would break or surprise at build or run time
// without building.
var (
	RuleLockfileOutOfDate = rule("LockfileOutOfDate", "pnpm install --frozen-lockfile would refuse pnpm-lock.yaml")
	RuleNodeEngine        = rule("NodeEngineMismatch", "The Node.js the image runs is outside the root package.json's engines.node")
	RulePNPMEngine        = rule("PnpmEngineMismatch", "The pnpm the build uses is outside the root package.json's engines.pnpm")
	RuleStartNotShipped   = rule("StartNotShipped", "The file the image starts is not among the files the app's build ships")
	RuleHealthRoute       = rule("HealthRouteNotFound", "No source of the app seems to serve its healthcheck path")
	RuleTraceDynamicLoad  = rule("TraceDynamicLoad", "A traced target's code loads a module by a name computed at run time")
)

// Rules are every rule, in the order Check runs them.
var Rules = []Rule{RuleLockfileOutOfDate, RuleNodeEngine, RulePNPMEngine, RuleStartNotShipped, RuleHealthRoute, RuleTraceDynamicLoad}

// Finding is one problem a rule found, where it is.
type Finding struct {
	Rule Rule
	Pos  diag.Pos
	Msg  string
}

// Check plans the target and runs every rule on it. A target that does not
// plan is an error, as it is for a build. sources holds the files
// CheckSources names (nil: the rules that read sources do not run).
func Check(m *manifest.Manifest, ws *pnpm.Workspace, target string, o Options, sources fs.FS) ([]Finding, error) {
	pl, err := SolveTarget(m, ws, target, o)
	if err != nil {
		return nil, err
	}
	pkg := ws.Find(m.Targets[pl.Target].Package.Value)
	var out []Finding
	for _, d := range ws.LockfileDrift(ws.Closure(pkg), pl.PNPM.Major) {
		out = append(out, Finding{RuleLockfileOutOfDate, d.Pos, d.Msg + "; run pnpm install and commit pnpm-lock.yaml"})
	}
	root := ws.Root.JSON
	if r := root.Engines["node"]; r != "" && !strings.HasPrefix(pl.Node.Source, "engines.node") {
		if ok, known := satisfies(r, pl.Node.Version); known && !ok {
			out = append(out, Finding{RuleNodeEngine, pl.Node.Pos, fmt.Sprintf("the image runs Node.js %s (%s), outside engines.node %q (%s)", pl.Node.Version, pl.Node.Source, r, root.Pos("engines/node"))})
		}
	}
	if r := root.Engines["pnpm"]; r != "" {
		if ok, known := satisfies(r, pl.PNPM.Version); known && !ok {
			out = append(out, Finding{RulePNPMEngine, root.Pos("engines/pnpm"), fmt.Sprintf("the build uses pnpm %s (%s), outside engines.pnpm %q: with engine-strict, pnpm refuses to install", pl.PNPM.Version, pl.PNPM.Source, r)})
		}
	}
	var main string
	if p := ws.Find(pl.Dir); p != nil {
		main = p.JSON.Main
	}
	if f, ok := startNotShipped(m.Targets[pl.Target], pl, main); ok {
		out = append(out, f)
	}
	if f, ok := healthRouteFinding(m.Targets[pl.Target], pl, ws, sources); ok {
		out = append(out, f)
	}
	out = append(out, traceFindings(m.Targets[pl.Target], pl, ws, sources)...)
	return out, nil
}

// satisfies reports whether version (a release, or a major such as "24",
// read as any of its releases) is inside the semver range r; known is false
// when r or version cannot be read.
func satisfies(r, version string) (ok, known bool) {
	c, err := semver.NewConstraint(r)
	if err != nil {
		return false, false
	}
	if v, err := semver.StrictNewVersion(version); err == nil {
		return c.Check(v), true
	}
	major, err := semver.NewVersion(version)
	if err != nil {
		return false, false
	}
	return lineSatisfies(c, major.Major()), true
}
