package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// merge keeps, from the previous JSON, the rows and repositories this run
// does not measure, a row's plan (and trace plan) when this run did not
// plan, its build when this run did not build, its run when this run did
// not run, and its traced build when this run did not build with -trace
// (and the plan still traces) or its traced run when it did and did not
// run: the scoreboard is filled over several sessions, a row dated when it
// was measured. Rows written before -trace have no trace data.
func (r *run) merge(jsonOut string, steps map[string]bool) error {
	data, err := os.ReadFile(jsonOut)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var prev struct {
		Repos []*repoResult `json:"repos"`
		Apps  []*row        `json:"apps"`
	}
	if err := json.Unmarshal(data, &prev); err != nil {
		return fmt.Errorf("%s: %w", jsonOut, err)
	}
	have := map[string]*row{}
	for _, rw := range r.rows {
		have[rw.App.Repo+"/"+rw.App.Dir] = rw
	}
	for _, p := range prev.Apps {
		rw, ok := have[p.App.Repo+"/"+p.App.Dir]
		if !ok {
			r.rows = append(r.rows, p)
			continue
		}
		if !steps["plan"] {
			rw.Planned, rw.PlanErr = p.Planned, p.PlanErr
			if !rw.tracePlanned() {
				rw.Traces, rw.TraceNote, rw.TracePlanErr = p.Traces, p.TraceNote, p.TracePlanErr
			}
		}
		if !steps["build"] && (p.Built || p.FailStep != "" || p.FailError != "") {
			rw.buildResult, rw.BuildDate, rw.BuildMonokit = p.buildResult, p.buildDate(), p.buildMonokit()
		}
		if !steps["run"] {
			rw.runResult = p.runResult
		}
		switch {
		case !steps["build"] || !r.trace:
			// Not traced now: the earlier traced build, unless the
			// plan no longer traces.
			if !rw.tracePlanned() || rw.Traces {
				rw.Traced = p.Traced
			}
		case !steps["run"] && rw.Traced != nil && p.Traced != nil:
			rw.Traced.Run = p.Traced.Run
		}
	}
	seen := map[string]bool{}
	for _, res := range r.repos {
		seen[res.Repo] = true
	}
	for _, p := range prev.Repos {
		if !seen[p.Repo] {
			r.repos = append(r.repos, p)
		}
	}
	return nil
}

// write puts the scoreboard in out (markdown) and the rows in jsonOut.
func (r *run) write(out, jsonOut string) error {
	slices.SortStableFunc(r.rows, func(a, b *row) int { return strings.Compare(a.App.Repo+"/"+a.App.Dir, b.App.Repo+"/"+b.App.Dir) })
	var b strings.Builder
	fmt.Fprintf(&b, "# monokit on real monorepos\n\n")
	fmt.Fprintf(&b, "Written by `go run ./hack/realworld` on %s, monokit %s: the training set in `../shared/realworld/repos.txt`, each repository at its pinned commit, against the apps it deploys itself (`hack/realworld/apps.json`: its Dockerfiles, compose files and deploy configs, with the file and line of each port and health route).\n\n", r.date.Format("2006-01-02"), r.commit)
	if len(r.repos) > 0 {
		b.WriteString(r.inferenceTable())
	}
	b.WriteString("## Apps\n\nEach deployed app with a minimal manifest (the target and its package): planned, then built with `docker buildx build` and the frontend image for linux/amd64 when the build step ran. Apps that do not run on Node.js (Bun, Deno) are listed and not built: monokit makes Node.js images. The traced image is the same build with `--build-arg MONOKIT_PRUNE=trace` (`-trace`): its compressed size and its ratio to the untraced image's, or why the plan does not trace.\n\n")
	b.WriteString("| repository | app | runtime | port (source) | plan | build | image | failing step: first error | runs | traced image | traced runs | cause |\n|---|---|---|---|---|---|---:|---|---|---|---|---|\n")
	for _, rw := range r.rows {
		a := rw.App
		plan := "ok"
		if !rw.Planned {
			plan = "fails: " + cell(rw.PlanErr)
		}
		if rw.PlanErr == "" && !rw.Planned {
			plan = "not run"
		}
		build, size, fail := "not run", "", ""
		switch {
		case a.Runtime != "node":
			build = "not built (" + a.Runtime + ")"
		case rw.Built:
			build, size = fmt.Sprintf("ok, %.0f s (%s, %s)", rw.Wall.Seconds(), rw.buildDate().Format("2006-01-02"), rw.buildMonokit()), mb(rw.Size)
		case rw.FailStep != "" || rw.FailError != "":
			build, fail = fmt.Sprintf("fails after %.0f s (%s, %s)", rw.Wall.Seconds(), rw.buildDate().Format("2006-01-02"), rw.buildMonokit()), cell(rw.FailStep)+": "+cell(rw.FailError)
		}
		port := "none"
		if a.Port != 0 {
			port = fmt.Sprintf("%d (%s)", a.Port, cell(a.PortSource))
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.Repo, a.Dir, a.Runtime, port, plan, build, size, fail, runCell(rw.runResult), rw.tracedImageCell(), rw.tracedRunCell(), cell(a.Note))
	}
	b.WriteString(r.traceSection())
	b.WriteString(r.targetSection())
	if len(r.missing) > 0 {
		fmt.Fprintf(&b, "\nNot extracted under the source directory, so not measured: %s.\n", strings.Join(r.missing, ", "))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	data, err := json.MarshalIndent(map[string]any{"date": r.date, "commit": r.commit, "repos": r.repos, "apps": r.rows}, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(jsonOut), 0o755); err != nil {
		return err
	}
	return os.WriteFile(jsonOut, data, 0o644)
}

// inferenceTable compares zero-config's targets with the deployed Node.js
// apps, repository by repository, with precision, recall and ports overall.
func (r *run) inferenceTable() string {
	var b strings.Builder
	b.WriteString("## Zero-config inference (`monokit init`)\n\n| repository | inferred and deployed | inferred, not deployed | deployed, not inferred | port right | port wrong |\n|---|---|---|---|---|---|\n")
	var hits, extra, missed, ok, bad int
	for _, res := range r.repos {
		if res.Err != "" {
			fmt.Fprintf(&b, "| %s | refused: %s | | | | |\n", res.Repo, cell(res.Err))
			continue
		}
		hits, extra, missed, ok, bad = hits+len(res.Hits), extra+len(res.Extra), missed+len(res.Missed), ok+len(res.PortsOK), bad+len(res.PortsBad)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", res.Repo, list(res.Hits), list(res.Extra), list(res.Missed), list(res.PortsOK), list(res.PortsBad))
	}
	fmt.Fprintf(&b, "\nPrecision %s (%d of %d inferred targets are deployed apps), recall %s (%d of %d deployed Node.js apps inferred), port right %s (%d of %d where the repository states one).\n\n",
		pct(hits, hits+extra), hits, hits+extra, pct(hits, hits+missed), hits, hits+missed, pct(ok, ok+bad), ok, ok+bad)
	return b.String()
}

func (r *run) summary() string {
	var planned, built, answered, node int
	for _, rw := range r.rows {
		if rw.Answered {
			answered++
		}
		if rw.App.Runtime == "node" {
			node++
		}
		if rw.Planned {
			planned++
		}
		if rw.Built {
			built++
		}
	}
	s := fmt.Sprintf("%d apps (%d on Node.js): %d planned, %d built, %d answer", len(r.rows), node, planned, built, answered)
	var traced, tracedAnswered int
	for _, rw := range r.rows {
		if rw.tracedImage() {
			traced++
			if rw.Traced.Run != nil && rw.Traced.Run.Answered {
				tracedAnswered++
			}
		}
	}
	if traced > 0 {
		s += fmt.Sprintf("; traced: %d built, %d answer", traced, tracedAnswered)
	}
	return s + "\n"
}

// targetSection measures the target (80% of the deployed Node.js
// apps build and answer): over all of them, and over those this machine
// does not block (BlockedBy), with what blocks the others.
func (r *run) targetSection() string {
	var node, answered, free, freeAnswered int
	blocked := map[string][]string{}
	for _, rw := range r.rows {
		if rw.App.Runtime != "node" {
			continue
		}
		node++
		if rw.Answered {
			answered++
		}
		if rw.App.BlockedBy != "" && !rw.Answered {
			blocked[rw.App.BlockedBy] = append(blocked[rw.App.BlockedBy], rw.App.Repo+" "+rw.App.Dir)
			continue
		}
		free++
		if rw.Answered {
			freeAnswered++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Against the target\n\n%d of the %d deployed Node.js apps build and answer here (%s; the target is 80%%). %d are blocked by this machine, each shown in its cause above; of the %d that are not, %d answer (%s).\n\n",
		answered, node, pct(answered, node), node-free, free, freeAnswered, pct(freeAnswered, free))
	for _, why := range slices.Sorted(maps.Keys(blocked)) {
		fmt.Fprintf(&b, "- %s: %s\n", why, strings.Join(blocked[why], ", "))
	}
	return b.String()
}

// runCell is a run's outcome in the table.
func runCell(r runResult) string {
	switch {
	case r.Answered:
		return fmt.Sprintf("answers (%s): %s", r.RunDate.Format("2006-01-02"), cell(r.RunNote))
	case r.RunError != "":
		return fmt.Sprintf("fails (%s): %s", r.RunDate.Format("2006-01-02"), cell(r.RunError))
	}
	return "not run"
}

// tracedImage reports whether the row has a traced image of a size.
func (rw *row) tracedImage() bool {
	return rw.Traced != nil && rw.Traced.Built && rw.Traced.Size > 0
}

// tracedRatio is the traced image's compressed size over the untraced
// one's, when both built.
func (rw *row) tracedRatio() (float64, bool) {
	if !rw.tracedImage() || !rw.Built || rw.Size <= 0 {
		return 0, false
	}
	return float64(rw.Traced.Size) / float64(rw.Size), true
}

// tracedImageCell is the traced image's size and its ratio to the untraced
// one's, or why there is none: the plan does not trace (the planner's note,
// short), or the traced build's failure.
func (rw *row) tracedImageCell() string {
	switch {
	case rw.App.Runtime != "node":
		return ""
	case rw.TracePlanErr != "":
		return "plan fails: " + cell(rw.TracePlanErr)
	case rw.TraceNote != "":
		return "not traced: " + shortTraceNote(rw.TraceNote)
	case rw.Traced == nil:
		return "not run"
	}
	t := rw.Traced
	when := ""
	if t.Date.Format("2006-01-02") != rw.buildDate().Format("2006-01-02") || t.Monokit != rw.buildMonokit() {
		when = fmt.Sprintf(" (%s, %s)", t.Date.Format("2006-01-02"), t.Monokit)
	}
	switch {
	case t.failed():
		return fmt.Sprintf("fails after %.0f s%s: %s: %s", t.Wall.Seconds(), when, cell(t.FailStep), cell(t.FailError))
	case !rw.tracedImage():
		return "built" + when + ", " + cell(t.FailError)
	}
	s := mb(t.Size)
	if ratio, ok := rw.tracedRatio(); ok {
		s += fmt.Sprintf(" (%.2f×)", ratio)
	}
	return s + fmt.Sprintf(", %.0f s", t.Wall.Seconds()) + when
}

// tracedRunCell is the traced image's run, worded as the untraced one's;
// empty when there is no traced image.
func (rw *row) tracedRunCell() string {
	if !rw.tracedImage() {
		return ""
	}
	if rw.Traced.Run == nil {
		return "not run"
	}
	return runCell(*rw.Traced.Run)
}

// shortTraceNote is the planner's note on why it does not trace, short.
func shortTraceNote(note string) string {
	n := strings.TrimSpace(strings.TrimPrefix(note, traceNotePrefix))
	switch {
	case strings.Contains(n, "Next.js"):
		return "Next.js (next build traces)"
	case strings.Contains(n, "Nitro"):
		return "Nitro (its build traces)"
	case strings.Contains(n, "static site"):
		return "static site"
	}
	if len(n) > 80 {
		n = n[:80] + "…"
	}
	return cell(n)
}

// traceSection sums up the traced images under the table, when any row
// has one: the ratio of each app that built both, the traced builds that
// fail, how the traced images run against the untraced ones, and the apps
// whose plan does not trace.
func (r *run) traceSection() string {
	var (
		measured         bool
		ratios           []float64
		each, failed     []string
		ranBoth, same    int
		differ           []string
		untracedSum, sum int64
		notTraced        = map[string]int{}
	)
	for _, rw := range r.rows {
		name := rw.App.Repo + " `" + rw.App.Dir + "`"
		if rw.TraceNote != "" {
			notTraced[shortTraceNote(rw.TraceNote)]++
		}
		if rw.Traced == nil {
			continue
		}
		measured = true
		if rw.Traced.failed() {
			failed = append(failed, name)
		}
		ratio, ok := rw.tracedRatio()
		if !ok {
			continue
		}
		ratios = append(ratios, ratio)
		untracedSum, sum = untracedSum+rw.Size, sum+rw.Traced.Size
		each = append(each, fmt.Sprintf("%s %.2f× (%s → %s)", name, ratio, mb(rw.Size), mb(rw.Traced.Size)))
		if t := rw.Traced.Run; t != nil && t.ran() && rw.ran() {
			ranBoth++
			switch {
			case !t.Answered && !rw.Answered && missesModule(t.RunError) && !missesModule(rw.RunError):
				differ = append(differ, name+" (both fail, the traced image for want of a module)")
			case t.Answered == rw.Answered:
				same++
			case rw.Answered:
				differ = append(differ, name+" (the untraced image answers, the traced one fails)")
			default:
				differ = append(differ, name+" (the traced image answers, the untraced one fails)")
			}
		}
	}
	if !measured {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nTraced images (`-trace`: each app that built, built again with `--build-arg MONOKIT_PRUNE=trace` right after, on the untraced build's cache): ")
	if len(ratios) == 0 {
		b.WriteString("no app built both.")
	} else {
		fmt.Fprintf(&b, "apps that built both: %d; the traced image is %.2f× the untraced one's compressed size at the median (%s → %s over all, %.2f×): %s.",
			len(ratios), median(ratios), mb(untracedSum), mb(sum), float64(sum)/float64(untracedSum), strings.Join(each, ", "))
	}
	if len(failed) > 0 {
		fmt.Fprintf(&b, " Traced builds that fail: %d (%s).", len(failed), strings.Join(failed, ", "))
	}
	if ranBoth > 0 {
		fmt.Fprintf(&b, " Apps that ran both images: %d; they run the same way (both answer, or both fail and not the traced one alone for want of a module) in %d", ranBoth, same)
		if len(differ) > 0 {
			fmt.Fprintf(&b, "; not: %s", strings.Join(differ, ", "))
		}
		b.WriteString(".")
	}
	if len(notTraced) > 0 {
		var whys []string
		n := 0
		for _, why := range slices.Sorted(maps.Keys(notTraced)) {
			whys = append(whys, fmt.Sprintf("%s: %d", why, notTraced[why]))
			n += notTraced[why]
		}
		fmt.Fprintf(&b, " Apps whose plan does not trace: %d; %s.", n, strings.Join(whys, ", "))
	}
	b.WriteString("\n")
	return b.String()
}

// missesModule reports whether a run's error is node's for a module or
// file it cannot find: what a traced tree that misses a file fails with.
func missesModule(runErr string) bool {
	for _, s := range []string{"Cannot find module", "Cannot find package", "ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND", "ENOENT"} {
		if strings.Contains(runErr, s) {
			return true
		}
	}
	return false
}

// median is the middle of l (the mean of the two middle values when l has
// an even length); l is sorted in place.
func median(l []float64) float64 {
	slices.Sort(l)
	n := len(l)
	if n%2 == 1 {
		return l[n/2]
	}
	return (l[n/2-1] + l[n/2]) / 2
}

// mb is a compressed size in MB, as the table shows it.
func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

func list(l []string) string {
	if len(l) == 0 {
		return "—"
	}
	return cell(strings.Join(l, ", "))
}

// cell makes text safe in a markdown table cell: one line, no pipes.
func cell(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
	return strings.ReplaceAll(s, "`", "'")
}
