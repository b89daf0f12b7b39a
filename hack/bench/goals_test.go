package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func row(tool, target, scenario string, wall float64, ran ...string) Row {
	return Row{Tool: tool, Target: target, Scenario: scenario, Wall: time.Duration(wall * float64(time.Second)), ExecRan: int64(len(ran)), RanSteps: ran}
}

// only is the one check of cs named name.
func only(t *testing.T, cs []Check, name string) Check {
	t.Helper()
	var found []Check
	for _, c := range cs {
		if c.Name == name {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		t.Fatalf("%d checks named %q, in:\n%s", len(found), name, strings.Join(names, "\n"))
	}
	return found[0]
}

func TestWallGoal(t *testing.T) {
	g := []Goal{{Kind: GoalWall, Scenario: "edit-app", Ref: baseline, Max: 1.0, Source: "test"}}
	for _, tc := range []struct {
		monokit, baseline float64
		met               bool
	}{
		{1.8, 2.0, true},
		{2.0, 2.0, true},
		{2.32, 2.0, false},
	} {
		r := Report{Rows: []Row{row("baseline", "backend", "edit-app", tc.baseline), row("monokit", "backend", "edit-app", tc.monokit)}}
		c := only(t, evaluate(r, g), "edit-app (backend) ≤ 1.0× baseline")
		if c.Met != tc.met || c.Skipped {
			t.Errorf("%.2fs vs %.2fs: met %v skipped %v, want met %v", tc.monokit, tc.baseline, c.Met, c.Skipped, tc.met)
		}
		m := missed([]Check{c})
		if tc.met && len(m) != 0 || !tc.met && len(m) != 1 {
			t.Errorf("%.2fs vs %.2fs: missed %q", tc.monokit, tc.baseline, m)
		}
		if !tc.met && m[0] != "edit-app (backend) ≤ 1.0× baseline: measured 1.16×, target ≤ 1.00×" {
			t.Errorf("missed line %q", m[0])
		}
	}
}

func TestWallGoalPerTarget(t *testing.T) {
	// edit-shared-types: ≤ 0.5× for the backend, ≤ 1.0× for the frontend.
	var gs []Goal
	for _, g := range goals {
		if g.Kind == GoalWall && g.Scenario == "edit-shared-types" {
			gs = append(gs, g)
		}
	}
	r := Report{Rows: []Row{
		row("baseline", "backend", "edit-shared-types", 9.2), row("monokit", "backend", "edit-shared-types", 5.5),
		row("baseline", "frontend", "edit-shared-types", 31.7), row("monokit", "frontend", "edit-shared-types", 25.3),
	}}
	cs := evaluate(r, gs)
	if len(cs) != 2 {
		t.Fatalf("%d checks, want one per target: %+v", len(cs), cs)
	}
	if c := only(t, cs, "edit-shared-types (backend) ≤ 0.5× baseline"); c.Met {
		t.Errorf("backend 0.60× met ≤ 0.5×: %+v", c)
	}
	if c := only(t, cs, "edit-shared-types (frontend) ≤ 1.0× baseline"); !c.Met {
		t.Errorf("frontend 0.80× missed ≤ 1.0×: %+v", c)
	}
}

func TestWallGoalReference(t *testing.T) {
	g := []Goal{{Kind: GoalWall, Scenario: "no-op", Ref: Ref{Tool: "gateway"}, Max: 1.1}}
	name := "no-op (backend) ≤ 1.1× gateway"
	// The scenario ran, its reference did not: listed, not evaluated, not missed.
	r := Report{Rows: []Row{row("baseline", "backend", "no-op", 0.05), row("monokit", "backend", "no-op", 0.2)}}
	c := only(t, evaluate(r, g), name)
	if !c.Skipped || c.Missed() || !strings.Contains(c.Detail, "-tools gateway") {
		t.Errorf("without the gateway: %+v", c)
	}
	r.Rows = append(r.Rows, row("gateway", "backend", "no-op", 0.17))
	c = only(t, evaluate(r, g), name)
	if c.Met || !c.Missed() || c.Measured != "1.18×" || !strings.Contains(c.Detail, "the baseline takes 0.05s") {
		t.Errorf("0.20s vs the gateway's 0.17s: %+v", c)
	}
	// A reference of another scenario, monokit's own.
	g = []Goal{{Kind: GoalWall, Scenario: "two-platforms", Ref: Ref{Tool: "monokit", Scenario: "cold"}, Max: 1.3}}
	r = Report{Rows: []Row{row("monokit", "backend", "cold", 13.78), row("monokit", "backend", "two-platforms", 17.9)}}
	if c := only(t, evaluate(r, g), "two-platforms (backend) ≤ 1.3× cold"); !c.Met {
		t.Errorf("1.30× missed ≤ 1.3×: %+v", c)
	}
	r.Rows[1].Wall = 18310 * time.Millisecond
	if c := only(t, evaluate(r, g), "two-platforms (backend) ≤ 1.3× cold"); c.Met {
		t.Errorf("1.33× met ≤ 1.3×: %+v", c)
	}
}

func TestStepsGoal(t *testing.T) {
	g := []Goal{{Kind: GoalSteps, Scenario: "edit-app", Forbid: []string{"[deps]", "deploy --prod"}}}
	name := "edit-app (backend): no [deps], deploy --prod step"
	r := Report{Rows: []Row{row("monokit", "backend", "edit-app", 2, "[app:@nexus/backend] RUN pnpm run build")}}
	if c := only(t, evaluate(r, g), name); !c.Met {
		t.Errorf("the app's build only: %+v", c)
	}
	r.Rows[0] = row("monokit", "backend", "edit-app", 2, "[app:@nexus/backend] RUN pnpm run build", "[prune linux/amd64] RUN pnpm --filter=@nexus/backend deploy --prod /out/prune")
	c := only(t, evaluate(r, g), name)
	if c.Met || !strings.Contains(c.Measured, "[prune linux/amd64]") || strings.Contains(c.Measured, "[app:") {
		t.Errorf("a deploy: %+v", c)
	}

	none := []Goal{{Kind: GoalSteps, Scenario: "edit-ui", Targets: []string{"backend"}, NoExec: true}}
	r = Report{Rows: []Row{row("monokit", "backend", "edit-ui", 0.3), row("monokit", "frontend", "edit-ui", 50, "[app:@nexus/frontend] RUN pnpm run build")}}
	cs := evaluate(r, none)
	if len(cs) != 1 || !cs[0].Met {
		t.Errorf("edit-ui for the backend only, no exec: %+v", cs)
	}
	r.Rows[0] = row("monokit", "backend", "edit-ui", 8, "[build:@nexus/ui] RUN pnpm run build")
	if c := only(t, evaluate(r, none), "edit-ui (backend): no exec step"); c.Met {
		t.Errorf("an exec ran: %+v", c)
	}

	some := []Goal{{Kind: GoalSteps, Scenario: "ci-registry-cache", Forbid: []string{"[deps]"}, SomeExec: true}}
	r = Report{Rows: []Row{row("monokit", "backend", "ci-registry-cache", 7)}}
	if c := only(t, evaluate(r, some), "ci-registry-cache (backend): no [deps] step; some exec step"); c.Met {
		t.Errorf("nothing ran (the edit did not reach the build): %+v", c)
	}
}

func TestImageGoal(t *testing.T) {
	g := []Goal{{Kind: GoalImage, Max: 0.6}}
	mk := func(tool string, c, u int64) Image {
		return Image{Tool: tool, Target: "backend", Compressed: c << 20, Uncompressed: u << 20}
	}
	r := Report{
		Rows:   []Row{row("monokit", "backend", "no-op", 0.2)},
		Images: []Image{mk("baseline", 195, 607), mk("monokit", 72, 179)},
	}
	if c := only(t, evaluate(r, g), "image size (backend) ≤ 0.6× baseline"); !c.Met {
		t.Errorf("0.37×: %+v", c)
	}
	// Compressed under, uncompressed over: missed.
	r.Images[1] = mk("monokit", 67, 175)
	r.Images[0] = mk("baseline", 120, 260)
	if c := only(t, evaluate(r, g), "image size (backend) ≤ 0.6× baseline"); c.Met {
		t.Errorf("0.56× compressed, 0.67× uncompressed: %+v", c)
	}
	// monokit's image alone is listed, not evaluated.
	r.Images = r.Images[1:]
	if c := only(t, evaluate(r, g), "image size (backend) ≤ 0.6× baseline"); !c.Skipped {
		t.Errorf("without the baseline's image: %+v", c)
	}
}

func TestPlatformsGoal(t *testing.T) {
	g := []Goal{{Kind: GoalPlatforms, Scenario: "two-platforms", Ref: Ref{Tool: "monokit", Scenario: "cold"}}}
	name := "two-platforms (backend): only per-platform steps repeat"
	one := []string{"[deps] RUN pnpm install", "[app:@nexus/backend] RUN pnpm run build", "[prune linux/amd64] RUN pnpm deploy"}
	two := append([]string{"[prune linux/arm64] RUN pnpm deploy"}, one...)
	r := Report{Rows: []Row{row("monokit", "backend", "cold", 14, one...), row("monokit", "backend", "two-platforms", 18, two...)}}
	if c := only(t, evaluate(r, g), name); !c.Met {
		t.Errorf("the deploy repeats: %+v", c)
	}
	r.Rows[1] = row("monokit", "backend", "two-platforms", 18, append(two, "[app:@nexus/backend linux/arm64] RUN pnpm run build")...)
	r.Rows[1].RanSteps = two // the app's build repeated without a platform in its name
	r.Rows[1].ExecRan = int64(len(two) + 1)
	if c := only(t, evaluate(r, g), name); c.Met {
		t.Errorf("a build repeats: %+v", c)
	}
}

func TestNotMeasured(t *testing.T) {
	r := Report{Rows: []Row{
		// Not run for the frontend; for the backend, another example's scenario.
		{Tool: "monokit", Target: "backend", Scenario: "edit-shared-lib", Skipped: noFileToEdit},
		{Tool: "baseline", Target: "backend", Scenario: "edit-shared-lib", Skipped: noFileToEdit},
		row("monokit", "api", "edit-shared-lib", 3.5, "[build:@native/db] RUN pnpm run build"),
		row("baseline", "api", "edit-shared-lib", 60),
		// Run, but could not be measured here.
		{Tool: "monokit", Target: "backend", Scenario: "ci-registry-cache", Skipped: "no registry"},
	}}
	cs := evaluate(r, goals)
	for _, c := range cs {
		if c.Target == "backend" && strings.HasPrefix(c.Name, "edit-shared-lib") {
			t.Errorf("a goal of a scenario the target has no file for: %+v", c)
		}
	}
	only(t, cs, "edit-shared-lib (api) ≤ 0.35× baseline")
	only(t, cs, "edit-shared-lib (api): no deploy --prod, [native step")
	c := only(t, cs, "ci-registry-cache (backend): no [deps], [toolchain], [build:, [native, deploy --prod step; some exec step")
	if !c.Skipped || c.Missed() || !strings.Contains(c.Detail, "no registry") {
		t.Errorf("a skipped scenario: %+v", c)
	}
	if m := missed(cs); len(m) != 0 {
		t.Errorf("missed %q", m)
	}
}

// TestGoals holds the table to scenarios that exist, limits that mean
// something and a source each.
func TestGoals(t *testing.T) {
	for i, g := range goals {
		for _, sc := range []string{g.Scenario, g.Ref.Scenario} {
			if _, ok := scenarioByName(sc); sc != "" && !ok {
				t.Errorf("goal %d: no scenario %q", i, sc)
			}
		}
		if (g.Kind == GoalWall || g.Kind == GoalImage || g.Kind == GoalStepTime) && g.Max <= 0 {
			t.Errorf("goal %d: no limit", i)
		}
		if g.Kind == GoalStepTime && g.Stage == "" || g.Kind == GoalPush && g.Only == "" && len(g.Forbid) == 0 {
			t.Errorf("goal %d asks nothing: %+v", i, g)
		}
		for _, tool := range []string{g.Tool, g.Ref.Tool} {
			if tool != "" && !slices.Contains(toolNames(), tool) {
				t.Errorf("goal %d: no tool %q", i, tool)
			}
		}
		if g.Kind != GoalImage && g.Scenario == "" || g.Source == "" {
			t.Errorf("goal %d has no scenario or no source: %+v", i, g)
		}
		if (g.Kind == GoalWall || g.Kind == GoalPlatforms) && g.Ref.Tool == "" {
			t.Errorf("goal %d compares with no tool", i)
		}
	}
}

// TestFromLegacyJSON renders results saved before the environment was
// recorded, as -from does.
func TestFromLegacyJSON(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bench.json")
	legacy := `{"date": "2026-12-06T15:05:22Z", "cores": 2, "reps": 3,
	  "rows": [{"tool": "monokit", "target": "api", "scenario": "edit-shared-lib", "wallNs": 3473242562, "execRan": 2, "ranSteps": ["[build:@native/db] RUN pnpm run build", "[workspace linux/amd64] RUN node workspace.js"]}],
	  "images": [], "checks": [{"name": "old", "met": false, "detail": ""}]}`
	if err := os.WriteFile(p, []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := readReport(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Env.Date != "2026-12-06T15:05:22Z" || r.Env.CPUs != 2 || r.Reps != 3 || len(r.Rows) != 1 {
		t.Fatalf("read %+v", r)
	}
	r.Checks = evaluate(r, goals)
	c := only(t, r.Checks, "edit-shared-lib (api): no deploy --prod, [native step")
	if !c.Met {
		t.Errorf("%+v", c)
	}
	var b strings.Builder
	r.WriteMarkdown(&b)
	for _, want := range []string{"- date: 2026-12-06T15:05:22Z\n", "- commit: unknown\n", "- CPU: unknown model, 2 CPUs\n", "| api | edit-shared-lib | monokit | 3.47s | 2 | 0 | 0 B |  |\n", "| pass | edit-shared-lib (api): no deploy --prod, [native step |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
}

// tracedGoals are the goals of issue 28 that measure the traced tool.
func tracedGoals() []Goal {
	var out []Goal
	for _, g := range goals {
		if g.Tool == "traced" {
			out = append(out, g)
		}
	}
	return out
}

// TestGoalTool: a goal measures its Tool's row, and names it.
func TestGoalTool(t *testing.T) {
	g := []Goal{{Kind: GoalWall, Tool: "traced", Scenario: "edit-app", Ref: monokit, Max: 1.1}}
	r := Report{Rows: []Row{row("monokit", "api", "edit-app", 4), row("traced", "api", "edit-app", 4.8)}}
	c := only(t, evaluate(r, g), "traced edit-app (api) ≤ 1.1× monokit")
	if c.Met || c.Measured != "1.20×" {
		t.Errorf("traced's 4.8s against monokit's 4s: %+v", c)
	}
	steps := []Goal{{Kind: GoalSteps, Tool: "traced", Scenario: "edit-app", Forbid: []string{"[deps]"}}}
	r.Rows = append(r.Rows, row("traced", "backend", "edit-app", 3, "[deps] RUN pnpm install"))
	c = only(t, evaluate(r, steps), "traced edit-app (backend): no [deps] step")
	if c.Met || c.Want != "no [deps] step" {
		t.Errorf("traced ran the install: %+v", c)
	}
}

func TestTracedImageGoal(t *testing.T) {
	name := "traced image size (api) ≤ 0.5× monokit"
	img := func(tool string, c, u, base int64) Image {
		return Image{Tool: tool, Target: "api", Compressed: c << 20, Uncompressed: u << 20, BaseCompressed: base << 20}
	}
	rows := []Row{row("monokit", "api", "no-op", 0.3)}
	// The dependencies dominate: 160 MiB of monokit's own layers over a
	// 40 MiB base.
	r := Report{Rows: rows, Images: []Image{img("monokit", 200, 600, 40), img("traced", 90, 280, 40)}}
	if c := only(t, evaluate(r, tracedGoals()), name); !c.Met || c.Skipped {
		t.Errorf("0.45× and 0.47×: %+v", c)
	}
	r.Images[1] = img("traced", 90, 320, 40)
	if c := only(t, evaluate(r, tracedGoals()), name); c.Met || !c.Missed() {
		t.Errorf("0.45× compressed, 0.53× uncompressed: %+v", c)
	}
	// The base image dominates (nexus's backend): skipped, the numbers said.
	r.Images = []Image{img("monokit", 72, 179, 53), img("traced", 60, 150, 53)}
	c := only(t, evaluate(r, tracedGoals()), name)
	if !c.Skipped || c.Missed() || !strings.Contains(c.Detail, "the dependencies do not dominate: monokit's own layers are 19.0 MiB compressed, its base image's 53.0 MiB") {
		t.Errorf("a base-dominated image: %+v", c)
	}
	// -tools left traced out: no check at all.
	r.Images = r.Images[:1]
	if cs := evaluate(r, tracedGoals()); len(cs) != 0 {
		t.Errorf("traced not measured: %+v", cs)
	}
}

func TestStepTimeGoal(t *testing.T) {
	name := "traced edit-app (api): trace step ≤ 10s"
	traced := func(trace float64) Row {
		x := row("traced", "api", "edit-app", 14, "[app:api] RUN pnpm run build", "[trace linux/amd64] RUN node trace.js")
		x.StepSeconds = map[string]float64{"app:api": 3, "trace": trace}
		return x
	}
	r := Report{Rows: []Row{row("monokit", "api", "edit-app", 5), traced(6.4)}}
	c := only(t, evaluate(r, tracedGoals()), name)
	if !c.Met || c.Measured != "6.4s" || c.Want != "≤ 10s" {
		t.Errorf("a 6.4s trace: %+v", c)
	}
	r.Rows[1] = traced(12.5)
	if c := only(t, evaluate(r, tracedGoals()), name); !c.Missed() {
		t.Errorf("a 12.5s trace: %+v", c)
	}
	// A target whose image is not traced (Next.js's): not evaluated.
	r.Rows[1] = row("traced", "api", "edit-app", 30, "[app:api] RUN pnpm run build")
	if c := only(t, evaluate(r, tracedGoals()), name); !c.Skipped || !strings.Contains(c.Detail, "no trace step ran") {
		t.Errorf("no trace step: %+v", c)
	}
	// Without the traced tool, none.
	r.Rows = r.Rows[:1]
	if cs := evaluate(r, tracedGoals()); len(cs) != 0 {
		t.Errorf("traced not measured: %+v", cs)
	}
}

func TestPushGoal(t *testing.T) {
	var gs []Goal
	for _, g := range goals {
		if g.Kind == GoalPush {
			gs = append(gs, g)
		}
	}
	pushed := func(tool, scenario string, bytes int64, layers ...string) Row {
		x := row(tool, "backend", scenario, 3)
		x.Pushed, x.PushedBytes, x.PushedLayers = true, bytes, layers
		return x
	}
	app := "COPY app layer: /out/app /app (12.0 KiB)"
	deps := "COPY dependencies layer: /out/prune/node_modules /app/node_modules (40.1 MiB)"
	ws := "COPY workspace layer: /out/prune/packages /app/packages (3.0 KiB)"
	r := Report{Rows: []Row{pushed("monokit", "edit-app", 13<<10, app), pushed("monokit", "edit-shared-types", 6<<10, ws, app)}}
	cs := evaluate(r, gs)
	if len(cs) != 2 {
		t.Fatalf("%d checks, want monokit's two: %+v", len(cs), cs)
	}
	if c := only(t, cs, "edit-app (backend): pushes only COPY app layer"); !c.Met || c.Detail != "pushed: "+app {
		t.Errorf("the app layer alone: %+v", c)
	}
	if c := only(t, cs, "edit-shared-types (backend): pushes no COPY dependencies layer"); !c.Met {
		t.Errorf("workspace and app layers: %+v", c)
	}
	r.Rows = append(r.Rows, pushed("traced", "edit-app", 40<<20, deps, app), pushed("traced", "edit-shared-types", 40<<20, deps, ws, app))
	cs = evaluate(r, gs)
	c := only(t, cs, "traced edit-app (backend): pushes only COPY app layer")
	if c.Met || c.Measured != "40.0 MiB pushed, 2 layers: "+deps {
		t.Errorf("the dependencies layer again: %+v", c)
	}
	if c := only(t, cs, "traced edit-shared-types (backend): pushes no COPY dependencies layer"); c.Met {
		t.Errorf("the dependencies layer again: %+v", c)
	}
	// No push measured (no registry), or nothing pushed: no check, and a
	// no-op push passes.
	r = Report{Rows: []Row{row("monokit", "backend", "edit-app", 3), pushed("monokit", "edit-shared-types", 0)}}
	r.Rows[0].PushSkipped = "no registry"
	cs = evaluate(r, gs)
	if len(cs) != 1 || !cs[0].Met || cs[0].Measured != "0 B pushed, 0 layers" {
		t.Errorf("%+v", cs)
	}
}
