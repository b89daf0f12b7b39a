package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A Goal is one of the targets monokit claims, checked against every report.
// (Goal, not Target: a target here is what -targets names, an image to build.)
// Every goal compares monokit's (or Tool's) rows of one scenario with
// something: the baseline's (or another tool's) row, its own row of another
// scenario, the steps it ran or how long one took, what it pushed, or the
// baseline's (or another tool's) image.
type Goal struct {
	Kind GoalKind
	// Tool is the tool whose row or image the goal measures: monokit when
	// empty, else named in the goal's name.
	Tool     string
	Scenario string
	// Targets are the build targets the goal holds for (none: every target
	// measured); Except are left out.
	Targets, Except []string
	// Ref is the row a GoalWall or GoalPlatforms goal compares with: that tool's row
	// of that scenario (the goal's own scenario when Scenario is empty). A
	// GoalImage goal compares with Ref's tool's image (the baseline's when empty).
	Ref Ref
	// Max is the largest ratio a GoalWall or GoalImage goal allows, the most
	// seconds a GoalStepTime goal does.
	Max float64
	// IfMeasured: the goal gives no check, rather than a skipped one, when
	// Ref's tool or Tool was not measured for the target (-tools left it out).
	IfMeasured bool
	// IfDepsDominate: a GoalImage goal is evaluated only for apps whose
	// dependencies dominate the image: Ref's image's own layers outweigh its
	// base image's (compressed). Otherwise its check is skipped.
	IfDepsDominate bool
	// Stage is the stage a GoalStepTime goal times (testkit.RunStep's).
	Stage string
	// Forbid are substrings no step that ran (GoalSteps), or no pushed
	// layer's created_by (GoalPush), may contain.
	Forbid []string
	// Only is what every pushed layer's created_by must start with (GoalPush).
	Only string
	// NoExec: no exec step may run; SomeExec: at least one must.
	NoExec, SomeExec bool
	// Source is where monokit claims it.
	Source string
}

// GoalKind is what a goal measures.
type GoalKind int

const (
	// GoalWall: monokit's median wall time over the reference row's, at most Max.
	GoalWall GoalKind = iota
	// GoalSteps: the exec steps monokit ran in the scenario (Forbid, NoExec, SomeExec).
	GoalSteps
	// GoalImage: monokit's image over the baseline's (or Ref's tool's),
	// compressed and uncompressed, at most Max.
	GoalImage
	// GoalPlatforms: the scenario's exec steps are the reference row's plus the
	// ones for linux/arm64 only: no platform-independent step repeats.
	GoalPlatforms
	// GoalStepTime: how long Stage's RUN steps took in the scenario, at most
	// Max seconds.
	GoalStepTime
	// GoalPush: the layers the scenario's build pushed (Only, Forbid);
	// no check when its pushes were not measured.
	GoalPush
)

// Ref names a row: a tool's measurement of a scenario.
type Ref struct{ Tool, Scenario string }

// Sources of the goals.
const (
	srcReadme   = "README: features"
	srcIssue12  = "issue 12"
	srcIssue24  = "issue 24 (docs/benchmark.md, 2026-12-06)"
	srcBenchDoc = "docs/benchmark.md, 2026-11-26/27"
	srcTurbo    = "hack/bench: the turbo tool"
	srcIssue28  = "issue 28"
)

var (
	baseline = Ref{Tool: "baseline"}
	turbo    = Ref{Tool: "turbo"}
	monokit  = Ref{Tool: "monokit"}
)

// goals are every target monokit claims of the benchmark, in the report's order.
var goals = []Goal{
	// README: "A source edit never re-runs pnpm install"; "editing one package
	// re-runs it and its dependents only. Packages outside the target's
	// closure are never sent, never built."
	{Kind: GoalSteps, Scenario: "edit-ui", Targets: []string{"backend"}, NoExec: true, Source: srcReadme},
	{Kind: GoalSteps, Scenario: "edit-shared-types", Forbid: []string{"[deps]", "[toolchain]"}, SomeExec: true, Source: srcReadme},
	// README: "an edit to the app re-runs its build and nothing else"; the
	// production tree is "run on the install alone ... so no source edit
	// re-runs it or the install scripts compiled in it".
	{Kind: GoalSteps, Scenario: "edit-app", Forbid: []string{"[deps]", "[build:", "[toolchain]", "deploy --prod", "[native"}, Source: srcReadme},
	// Issue 12: a shared package's edit reaches neither the deploy nor the
	// native stage; issue 24: nor after the collector dropped what the last
	// build did not use.
	{Kind: GoalSteps, Scenario: "edit-shared-lib", Forbid: []string{"deploy --prod", "[native"}, Source: srcIssue12},
	{Kind: GoalSteps, Scenario: "edit-shared-types", Forbid: []string{"deploy --prod", "[native"}, Source: srcIssue12},
	{Kind: GoalSteps, Scenario: "edit-shared-lib-gc", Forbid: []string{"deploy --prod", "[native"}, Source: srcIssue24},
	{Kind: GoalSteps, Scenario: "edit-shared-types-gc", Forbid: []string{"deploy --prod", "[native"}, Source: srcIssue24},
	// CI on an ephemeral builder (README "Benchmark", commit 5d29dcf): with
	// the registry cache imported, an app edit runs the app's build only.
	{Kind: GoalSteps, Scenario: "ci-registry-cache", Forbid: []string{"[deps]", "[toolchain]", "[build:", "[native", "deploy --prod"}, SomeExec: true, Source: "hack/bench, 5d29dcf"},
	// Issue 12: a shared edit costs a fraction of the baseline's rebuild.
	{Kind: GoalWall, Scenario: "edit-shared-lib", Ref: baseline, Max: 0.35, Source: srcIssue12},
	{Kind: GoalWall, Scenario: "edit-shared-types", Ref: baseline, Max: 0.5, Except: []string{"frontend"}, Source: srcIssue12},
	// The frontend's `next build` dominates both sides.
	{Kind: GoalWall, Scenario: "edit-shared-types", Ref: baseline, Max: 1.0, Targets: []string{"frontend"}, Source: srcIssue12},
	// Added with issue 12's ratios.
	{Kind: GoalWall, Scenario: "edit-app", Ref: baseline, Max: 1.0, Source: "hack/bench, b266969"},
	{Kind: GoalWall, Scenario: "cold", Ref: baseline, Max: 0.8, Source: "hack/bench, b266969"},
	// The no-op floor is what any "# syntax=" frontend pays: the baseline
	// through the Dockerfile frontend as a gateway image (-tools gateway).
	// It replaced "≤ 1.2× baseline", the in-process Dockerfile frontend.
	{Kind: GoalWall, Scenario: "no-op", Ref: Ref{Tool: "gateway"}, Max: 1.1, Source: srcBenchDoc},
	// README: "A non-root, minimal runtime", against the seed's images.
	{Kind: GoalImage, Max: 0.6, Source: "hack/bench, a16e80e"},
	// README "More than one platform": "JavaScript (install, every package
	// build, the app) is built once, on the builder's own platform ... Per
	// target platform only the production tree is chosen"; hack/bench since
	// 138ffe5.
	{Kind: GoalPlatforms, Scenario: "two-platforms", Ref: Ref{Tool: "monokit", Scenario: "cold"}, Source: "README: more than one platform"},
	{Kind: GoalWall, Scenario: "two-platforms", Ref: Ref{Tool: "monokit", Scenario: "cold"}, Max: 1.3, Source: "hack/bench, 138ffe5"},
	// Against Turborepo's documented recipe, when measured (-tools turbo): no
	// slower in a scenario both pay for, and no larger an image. (The no-op
	// floor is the gateway's goal: any "# syntax=" frontend pays it.)
	{Kind: GoalWall, Scenario: "cold", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalWall, Scenario: "edit-app", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalWall, Scenario: "edit-shared-types", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalWall, Scenario: "edit-ui", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalWall, Scenario: "add-dep-backend", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalWall, Scenario: "ci-registry-cache", Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	{Kind: GoalImage, Ref: turbo, Max: 1.0, IfMeasured: true, Source: srcTurbo},
	// Issue 28, prune: trace (-tools traced): at most half monokit's image
	// for apps whose dependencies dominate it (where the base image does,
	// tracing cannot halve it), and "the traced stage ≤ 10 s on the
	// native-module fixture" (-example .../native-modules -targets api).
	{Kind: GoalImage, Tool: "traced", Ref: monokit, Max: 0.5, IfMeasured: true, IfDepsDominate: true, Source: srcIssue28},
	{Kind: GoalStepTime, Tool: "traced", Scenario: "edit-app", Stage: "trace", Max: 10, IfMeasured: true, Source: srcIssue28},
	// Issue 28: an app edit pushes the app's layer alone, a shared package's
	// edit never the dependencies layer (measured with MONOKIT_REGISTRY).
	{Kind: GoalPush, Scenario: "edit-app", Only: "COPY app layer", Source: srcIssue28},
	{Kind: GoalPush, Scenario: "edit-shared-types", Forbid: []string{"COPY dependencies layer"}, Source: srcIssue28},
	{Kind: GoalPush, Scenario: "edit-shared-lib", Forbid: []string{"COPY dependencies layer"}, Source: srcIssue28},
	{Kind: GoalPush, Tool: "traced", Scenario: "edit-app", Only: "COPY app layer", IfMeasured: true, Source: srcIssue28},
	{Kind: GoalPush, Tool: "traced", Scenario: "edit-shared-types", Forbid: []string{"COPY dependencies layer"}, IfMeasured: true, Source: srcIssue28},
	{Kind: GoalPush, Tool: "traced", Scenario: "edit-shared-lib", Forbid: []string{"COPY dependencies layer"}, IfMeasured: true, Source: srcIssue28},
}

// Check is a goal evaluated for one build target.
type Check struct {
	Name   string `json:"name"`
	Target string `json:"target,omitempty"`
	Met    bool   `json:"met"`
	// Skipped: the scenario ran but the goal could not be evaluated (Detail
	// says why).
	Skipped bool `json:"skipped,omitempty"`
	// Measured and Want are the measurement and the target, in words.
	Measured string `json:"measured,omitempty"`
	Want     string `json:"want,omitempty"`
	Detail   string `json:"detail"`
	Source   string `json:"source,omitempty"`
}

// Missed reports whether the check was evaluated and failed.
func (c Check) Missed() bool { return !c.Met && !c.Skipped }

func (g Goal) holdsFor(target string) bool {
	return (len(g.Targets) == 0 || slices.Contains(g.Targets, target)) && !slices.Contains(g.Except, target)
}

// name is the goal's line in the report, led by its tool unless monokit.
func (g Goal) name(target string) string {
	subject := ""
	if g.tool() != "monokit" {
		subject = g.tool() + " "
	}
	switch g.Kind {
	case GoalWall:
		ref := g.Ref.Tool
		if g.Ref.Scenario != "" {
			ref = g.Ref.Scenario
			if g.Ref.Tool != "monokit" {
				ref = g.Ref.Tool + " " + ref
			}
		}
		return fmt.Sprintf("%s%s (%s) ≤ %s× %s", subject, g.Scenario, target, ratio(g.Max), ref)
	case GoalImage:
		return fmt.Sprintf("%simage size (%s) ≤ %s× %s", subject, target, ratio(g.Max), g.refTool())
	case GoalPlatforms:
		return fmt.Sprintf("%s%s (%s): only per-platform steps repeat", subject, g.Scenario, target)
	}
	return fmt.Sprintf("%s%s (%s): %s", subject, g.Scenario, target, g.want())
}

// want is what a GoalSteps, GoalStepTime or GoalPush goal asks, in words.
func (g Goal) want() string {
	switch g.Kind {
	case GoalStepTime:
		return fmt.Sprintf("%s step ≤ %ss", g.Stage, strconv.FormatFloat(g.Max, 'f', -1, 64))
	case GoalPush:
		if g.Only != "" {
			return "pushes only " + g.Only
		}
		return "pushes no " + strings.Join(g.Forbid, ", ")
	}
	var want []string
	if g.NoExec {
		want = append(want, "no exec step")
	}
	if len(g.Forbid) > 0 {
		want = append(want, "no "+strings.Join(g.Forbid, ", ")+" step")
	}
	if g.SomeExec {
		want = append(want, "some exec step")
	}
	return strings.Join(want, "; ")
}

// evaluate checks the goals against the report: pure, for tests and for
// re-rendering saved results. A goal whose scenario (or, for GoalImage, whose
// images, for GoalPush, whose pushes) was not measured for a target gives no
// check, as does an IfMeasured goal whose tool or reference tool was not; one
// whose scenario ran but whose reference did not is listed as skipped.
func evaluate(r Report, gs []Goal) []Check {
	var out []Check
	for _, g := range gs {
		for _, target := range r.targets() {
			if !g.holdsFor(target) || g.IfMeasured && !g.toolsMeasured(r, target) {
				continue
			}
			if c, ok := g.check(r, target); ok {
				c.Name, c.Target, c.Source = g.name(target), target, g.Source
				out = append(out, c)
			}
		}
	}
	return out
}

// toolsMeasured reports whether the goal's tool and its reference tool (if
// any) were measured for target.
func (g Goal) toolsMeasured(r Report, target string) bool {
	for _, t := range []string{g.tool(), g.refTool()} {
		if t != "" && !r.measured(t, target) {
			return false
		}
	}
	return true
}

func (g Goal) check(r Report, target string) (Check, bool) {
	if g.Kind == GoalImage {
		return g.checkImage(r, target)
	}
	m, state := r.lookup(g.tool(), target, g.Scenario)
	switch state {
	case absent, inapplicable:
		return Check{}, false
	case skipped:
		return Check{Skipped: true, Detail: "not measured: " + m.Skipped}, true
	}
	switch g.Kind {
	case GoalSteps:
		return g.checkSteps(m), true
	case GoalStepTime:
		return g.checkStepTime(m), true
	case GoalPush:
		if !m.Pushed {
			return Check{}, false
		}
		return g.checkPush(m), true
	case GoalWall, GoalPlatforms:
		return g.checkRef(r, m, target), true
	}
	return Check{}, false
}

func (g Goal) checkImage(r Report, target string) (Check, bool) {
	ref, whose := g.refTool(), g.refTool()+"'s"
	if ref == "baseline" {
		whose = "the baseline's"
	}
	m, ok1 := r.image(g.tool(), target)
	b, ok2 := r.image(ref, target)
	if !ok1 {
		return Check{}, false
	}
	if !ok2 {
		return Check{Skipped: true, Detail: whose + " image was not measured"}, true
	}
	c := float64(m.Compressed) / float64(b.Compressed)
	u := float64(m.Uncompressed) / float64(b.Uncompressed)
	ch := Check{
		Met:      c <= g.Max && u <= g.Max,
		Measured: fmt.Sprintf("%.2f× compressed, %.2f× uncompressed", c, u),
		Want:     fmt.Sprintf("≤ %.2f× both", g.Max),
		Detail: fmt.Sprintf("compressed %s vs %s, uncompressed %s vs %s",
			human(m.Compressed), human(b.Compressed), human(m.Uncompressed), human(b.Uncompressed)),
	}
	if m.BaseCompressed > 0 {
		ch.Detail += fmt.Sprintf("; %s's runtime base image alone is %s compressed (%.2f× %s whole image)",
			g.tool(), human(m.BaseCompressed), float64(m.BaseCompressed)/float64(b.Compressed), whose)
	}
	// Tracing cuts the dependencies, not the base image: where the base
	// dominates, no trace halves the image.
	if own := b.Compressed - b.BaseCompressed; g.IfDepsDominate && own <= b.BaseCompressed {
		ch.Met, ch.Skipped = false, true
		ch.Detail = fmt.Sprintf("the dependencies do not dominate: %s own layers are %s compressed, its base image's %s; %s",
			whose, human(own), human(b.BaseCompressed), ch.Detail)
	}
	return ch, true
}

// checkSteps holds the exec steps that ran to NoExec, Forbid and SomeExec.
func (g Goal) checkSteps(m Row) Check {
	var bad []string
	for _, s := range m.RanSteps {
		if g.NoExec || slices.ContainsFunc(g.Forbid, func(f string) bool { return strings.Contains(s, f) }) {
			bad = append(bad, s)
		}
	}
	ch := Check{
		Met:      len(bad) == 0 && !(g.NoExec && m.ExecRan > 0) && !(g.SomeExec && m.ExecRan == 0),
		Measured: fmt.Sprintf("%d exec ran", m.ExecRan),
		Want:     g.want(),
		Detail:   "ran: " + orNone(m.RanSteps),
	}
	if len(bad) > 0 {
		ch.Measured += ": " + strings.Join(bad, "; ")
	}
	return ch
}

// checkStepTime times Stage's steps; a stage that did not run (one the
// target has not, or that the scenario does not reach) is not evaluated.
func (g Goal) checkStepTime(m Row) Check {
	s, ok := m.StepSeconds[g.Stage]
	if !ok {
		return Check{Skipped: true, Detail: fmt.Sprintf("no %s step ran; ran: %s", g.Stage, orNone(m.RanSteps))}
	}
	return Check{
		Met:      s <= g.Max,
		Measured: secs(s),
		Want:     fmt.Sprintf("≤ %ss", strconv.FormatFloat(g.Max, 'f', -1, 64)),
		Detail:   fmt.Sprintf("the whole build took %s", secs(m.Wall.Seconds())),
	}
}

// checkPush holds the layers pushed to Only and Forbid.
func (g Goal) checkPush(m Row) Check {
	var bad []string
	for _, l := range m.PushedLayers {
		if g.Only != "" && !strings.HasPrefix(l, g.Only) || slices.ContainsFunc(g.Forbid, func(f string) bool { return strings.Contains(l, f) }) {
			bad = append(bad, l)
		}
	}
	ch := Check{
		Met:      len(bad) == 0,
		Measured: fmt.Sprintf("%s pushed, %d layers", human(m.PushedBytes), len(m.PushedLayers)),
		Want:     g.want(),
		Detail:   "pushed: " + orNone(m.PushedLayers),
	}
	if len(bad) > 0 {
		ch.Measured += ": " + strings.Join(bad, "; ")
	}
	return ch
}

// checkRef compares the row with Ref's: wall times, or, for GoalPlatforms,
// exec steps.
func (g Goal) checkRef(r Report, m Row, target string) Check {
	refScenario := g.Ref.Scenario
	if refScenario == "" {
		refScenario = g.Scenario
	}
	ref, state := r.lookup(g.Ref.Tool, target, refScenario)
	if state != measured {
		why := fmt.Sprintf("needs %s's %s (-tools %s)", g.Ref.Tool, refScenario, g.Ref.Tool)
		if state == skipped {
			why = fmt.Sprintf("%s's %s was not measured: %s", g.Ref.Tool, refScenario, ref.Skipped)
		}
		return Check{Skipped: true, Detail: why}
	}
	if g.Kind == GoalPlatforms {
		var arm []string
		for _, s := range m.RanSteps {
			if strings.Contains(s, "linux/arm64]") {
				arm = append(arm, s)
			}
		}
		return Check{
			Met:      m.ExecRan == ref.ExecRan+int64(len(arm)),
			Measured: fmt.Sprintf("%d exec steps for two platforms", m.ExecRan),
			Want:     fmt.Sprintf("%d (one platform's %d + %d for arm64)", ref.ExecRan+int64(len(arm)), ref.ExecRan, len(arm)),
			Detail:   "for arm64: " + orNone(arm),
		}
	}
	x := m.Wall.Seconds() / ref.Wall.Seconds()
	ch := Check{
		Met:      x <= g.Max,
		Measured: fmt.Sprintf("%.2f×", x),
		Want:     fmt.Sprintf("≤ %.2f×", g.Max),
		Detail:   fmt.Sprintf("%s vs %s", secs(m.Wall.Seconds()), secs(ref.Wall.Seconds())),
	}
	if g.Ref.Tool != "baseline" && g.Ref.Tool != "monokit" {
		if b, state := r.lookup("baseline", target, refScenario); state == measured {
			ch.Detail += fmt.Sprintf("; the baseline takes %s (%.2f×)", secs(b.Wall.Seconds()), m.Wall.Seconds()/b.Wall.Seconds())
		}
	}
	return ch
}

// tool is the tool a goal measures: monokit unless Tool names another.
func (g Goal) tool() string {
	if g.Tool == "" {
		return "monokit"
	}
	return g.Tool
}

// refTool is the tool a goal compares with: a GoalImage goal's is the
// baseline unless Ref names another.
func (g Goal) refTool() string {
	if g.Kind == GoalImage && g.Ref.Tool == "" {
		return "baseline"
	}
	return g.Ref.Tool
}

// ratio prints a goal's limit with one decimal or two: 1.0, 0.5, 0.35.
func ratio(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// secs prints a wall time with the precision its size needs.
func secs(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.2fs", s)
	}
	return fmt.Sprintf("%.1fs", s)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, "; ")
}

// missed are the checks that were evaluated and failed, one line each:
// the goal, what was measured and the target.
func missed(cs []Check) []string {
	var out []string
	for _, c := range cs {
		if c.Missed() {
			out = append(out, fmt.Sprintf("%s: measured %s, target %s", c.Name, c.Measured, c.Want))
		}
	}
	return out
}
