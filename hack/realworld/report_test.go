package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// oldRow is a row as runs before -trace wrote it.
const oldRow = `{"app":{"repo":"jitsu","dir":"services/rotor","runtime":"node","port":3401,"portSource":"EXPOSE","health":"","healthSource":"","env":null,"services":null},"commit":"c0ffee","date":"2026-12-06T10:00:00Z","monokit":"a476eff","planned":true,"built":true,"wallNs":216000000000,"size":117300000,"buildDate":"2026-12-06T09:00:00Z","buildMonokit":"a476eff","answered":true,"runNote":"port 3401 accepts connections","runDate":"2026-12-06T10:05:00Z"}`

func TestOldRowLoads(t *testing.T) {
	var rw row
	if err := json.Unmarshal([]byte(oldRow), &rw); err != nil {
		t.Fatal(err)
	}
	if !rw.Built || rw.Wall != 216*time.Second || rw.Size != 117300000 || !rw.Answered || rw.RunNote != "port 3401 accepts connections" || rw.RunDate.IsZero() || rw.Traced != nil || rw.tracePlanned() {
		t.Fatalf("old row read as %+v", rw)
	}
	// Written again, it has the same fields: the refactor kept the names.
	data, err := json.Marshal(&rw)
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]any
	json.Unmarshal([]byte(oldRow), &before)
	json.Unmarshal(data, &after)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("old row written again:\n%s\nwas\n%s", data, oldRow)
	}
	if cell := rw.tracedImageCell(); cell != "not run" {
		t.Errorf("traced image of an old row: %q", cell)
	}
	if cell := rw.tracedRunCell(); cell != "" {
		t.Errorf("traced run of an old row: %q", cell)
	}
}

var (
	day1 = time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	day0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
)

// tracedRow is a node app that built untraced (100 MB, answered) and traced.
func tracedRow(dir string, size int64, run *runResult) *row {
	return &row{
		App: app{Repo: "r", Dir: dir, Runtime: "node", Port: 3000}, Date: day1, Monokit: "abc", Planned: true, Traces: true,
		buildResult: buildResult{Built: true, Wall: 60 * time.Second, Size: 100e6},
		runResult:   runResult{Answered: true, RunNote: "port 3000 accepts connections", RunDate: day1},
		Traced:      &tracedResult{buildResult: buildResult{Built: true, Wall: 40 * time.Second, Size: size}, Date: day1, Monokit: "abc", Run: run},
	}
}

func render(t *testing.T, rows ...*row) string {
	t.Helper()
	dir := t.TempDir()
	r := &run{date: day1, commit: "abc", rows: rows}
	if err := r.write(filepath.Join(dir, "rw.md"), filepath.Join(dir, "rw.json")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "rw.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// tableRow is the table line of the app dir, split in cells.
func tableRow(t *testing.T, md, dir string) []string {
	t.Helper()
	for _, l := range strings.Split(md, "\n") {
		if strings.Contains(l, "| `"+dir+"` |") {
			cells := strings.Split(strings.Trim(l, "|"), " | ")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			return cells
		}
	}
	t.Fatalf("no row for %s in\n%s", dir, md)
	return nil
}

func TestReportTraced(t *testing.T) {
	answers := &runResult{Answered: true, RunNote: "port 3000 accepts connections", RunDate: day1}
	fails := &runResult{RunError: "exited (exit status 1): Error: Cannot find module 'x'", RunDate: day1}
	a := tracedRow("a", 35e6, answers)
	b := tracedRow("b", 50e6, fails)
	c := tracedRow("c", 80e6, nil)
	d := tracedRow("d", 60e6, &runResult{RunError: "exited (exit status 1): Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'pg'", RunDate: day1})
	d.runResult = runResult{RunError: "exited (exit status 1): Error: neither env.DATABASE_URL", RunDate: day1}
	e := tracedRow("e", 60e6, &runResult{RunError: "exited (exit status 1): Error: neither env.DATABASE_URL", RunDate: day1})
	e.runResult = d.runResult
	c.Traced.Date, c.Traced.Monokit = day0, "old"
	next := &row{App: app{Repo: "r", Dir: "next", Runtime: "node"}, Planned: true, TraceNote: "prune: trace: Next.js's standalone output is traced already, by next build with the same tracer; the image ships it as it is",
		buildResult: buildResult{Built: true, Size: 90e6}}
	broke := tracedRow("broke", 0, nil)
	broke.Traced.buildResult = buildResult{Wall: 12 * time.Second, FailStep: "[trace] RUN node trace.mjs", FailError: "Error: cannot trace"}
	old := &row{App: app{Repo: "r", Dir: "old", Runtime: "node"}, Planned: true, buildResult: buildResult{Built: true, Size: 10e6}}
	bun := &row{App: app{Repo: "r", Dir: "bun", Runtime: "bun"}}
	md := render(t, a, b, c, d, e, next, broke, old, bun)

	if !strings.Contains(md, "| runs | traced image | traced runs | cause |") {
		t.Errorf("no traced columns in the header:\n%s", md)
	}
	for _, tc := range []struct{ dir, image, runs string }{
		{"a", "35.0 MB (0.35×), 40 s", "answers (2026-12-08): port 3000 accepts connections"},
		{"b", "50.0 MB (0.50×), 40 s", "fails (2026-12-08): exited (exit status 1): Error: Cannot find module 'x'"},
		{"c", "80.0 MB (0.80×), 40 s (2026-12-06, old)", "not run"},
		{"next", "not traced: Next.js (next build traces)", ""},
		{"broke", "fails after 12 s: [trace] RUN node trace.mjs: Error: cannot trace", ""},
		{"old", "not run", ""},
		{"bun", "", ""},
	} {
		cells := tableRow(t, md, tc.dir)
		if len(cells) != 12 {
			t.Errorf("%s: %d cells: %q", tc.dir, len(cells), cells)
			continue
		}
		if cells[9] != tc.image || cells[10] != tc.runs {
			t.Errorf("%s: traced image %q, traced runs %q; want %q, %q", tc.dir, cells[9], cells[10], tc.image, tc.runs)
		}
	}
	for _, want := range []string{
		"apps that built both: 5; the traced image is 0.60× the untraced one's compressed size at the median (500.0 MB → 285.0 MB over all, 0.57×): r `a` 0.35× (100.0 MB → 35.0 MB), r `b` 0.50× (100.0 MB → 50.0 MB), r `c` 0.80× (100.0 MB → 80.0 MB), r `d` 0.60× (100.0 MB → 60.0 MB), r `e` 0.60× (100.0 MB → 60.0 MB).",
		"Traced builds that fail: 1 (r `broke`).",
		"Apps that ran both images: 4; they run the same way (both answer, or both fail and not the traced one alone for want of a module) in 2; not: r `b` (the untraced image answers, the traced one fails), r `d` (both fail, the traced image for want of a module).",
		"Apps whose plan does not trace: 1; Next.js (next build traces): 1.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	if i, j := strings.Index(md, "Traced images"), strings.Index(md, "## Against the target"); i < 0 || i > j {
		t.Errorf("the traced paragraph is not under the table")
	}
}

func TestReportUntraced(t *testing.T) {
	var old row
	if err := json.Unmarshal([]byte(oldRow), &old); err != nil {
		t.Fatal(err)
	}
	next := &row{App: app{Repo: "r", Dir: "next", Runtime: "node"}, Planned: true, TraceNote: "prune: trace: Next.js's standalone output is traced already"}
	md := render(t, &old, next)
	if strings.Contains(md, "Traced images") {
		t.Errorf("a traced paragraph without traced data:\n%s", md)
	}
	if cells := tableRow(t, md, "services/rotor"); cells[5] != "ok, 216 s (2026-12-06, a476eff)" || cells[6] != "117.3 MB" || cells[8] != "answers (2026-12-06): port 3401 accepts connections" {
		t.Errorf("old row: %q", cells)
	}
}

func TestShortTraceNote(t *testing.T) {
	for note, want := range map[string]string{
		"prune: trace: Nitro's .output is traced already, by its build; the image ships it as it is": "Nitro (its build traces)",
		"prune: trace: a static site has no production tree to trace":                                "static site",
		"prune: trace: something new | with a pipe":                                                  "something new \\| with a pipe",
	} {
		if got := shortTraceNote(note); got != want {
			t.Errorf("shortTraceNote(%q) = %q, want %q", note, got, want)
		}
	}
}

func TestMergeTraced(t *testing.T) {
	prevTraced := tracedRow("a", 35e6, &runResult{Answered: true, RunNote: "earlier", RunDate: day0})
	prevTraced.Traced.Date = day0
	var old row
	json.Unmarshal([]byte(oldRow), &old)
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "rw.json")
	data, _ := json.Marshal(map[string]any{"apps": []*row{prevTraced, &old}})
	os.WriteFile(jsonFile, data, 0o644)

	fresh := func() *row {
		return &row{App: app{Repo: "r", Dir: "a", Runtime: "node"}, Date: day1, Monokit: "new", Planned: true, Traces: true}
	}
	// Planned only: the earlier traced build and run are kept, and the
	// old row (not measured) loads.
	r := &run{rows: []*row{fresh()}}
	if err := r.merge(jsonFile, map[string]bool{"plan": true}); err != nil {
		t.Fatal(err)
	}
	if len(r.rows) != 2 || r.rows[0].Traced == nil || r.rows[0].Traced.Size != 35e6 || r.rows[0].Traced.Run.RunNote != "earlier" || r.rows[1].Traced != nil || !r.rows[1].Answered {
		t.Errorf("plan only: %+v %+v", r.rows[0], r.rows[1])
	}
	// The plan no longer traces: the earlier traced build goes.
	notTraced := fresh()
	notTraced.Traces, notTraced.TraceNote = false, "prune: trace: a static site has no production tree to trace"
	r = &run{rows: []*row{notTraced}}
	r.merge(jsonFile, map[string]bool{"plan": true})
	if r.rows[0].Traced != nil {
		t.Errorf("a plan that does not trace kept %+v", r.rows[0].Traced)
	}
	// Built with -trace, the traced build failed to happen (the untraced
	// one failed): nothing of the earlier one is kept.
	r = &run{trace: true, rows: []*row{fresh()}}
	r.merge(jsonFile, map[string]bool{"build": true})
	if r.rows[0].Traced != nil {
		t.Errorf("built with -trace kept %+v", r.rows[0].Traced)
	}
	// Built with -trace and not run: the earlier traced run is kept,
	// as the untraced one is.
	rebuilt := fresh()
	rebuilt.Traced = &tracedResult{buildResult: buildResult{Built: true, Size: 30e6}, Date: day1}
	r = &run{trace: true, rows: []*row{rebuilt}}
	r.merge(jsonFile, map[string]bool{"build": true})
	if tr := r.rows[0].Traced; tr.Size != 30e6 || tr.Run == nil || tr.Run.RunNote != "earlier" || !r.rows[0].Answered {
		t.Errorf("built with -trace, not run: %+v", tr)
	}
	// Plan not run, built with -trace: the trace plan made for the build
	// stays.
	r = &run{trace: true, rows: []*row{fresh()}}
	r.merge(jsonFile, map[string]bool{"build": true})
	if !r.rows[0].Traces {
		t.Errorf("the trace plan was replaced")
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{0.8, 0.2, 0.4}); m != 0.4 {
		t.Errorf("odd: %v", m)
	}
	if m := median([]float64{0.5, 0.25}); m != 0.375 {
		t.Errorf("even: %v", m)
	}
}
