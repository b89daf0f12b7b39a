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
// does not measure, a row's plan when this run did not plan, and its build
// when this run did not build: the
// scoreboard is filled over several sessions, a row dated when it was
// measured.
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
		}
		if !steps["build"] && (p.Built || p.FailStep != "" || p.FailError != "") {
			rw.Built, rw.Wall, rw.Size, rw.FailStep, rw.FailError, rw.BuildDate, rw.BuildMonokit = p.Built, p.Wall, p.Size, p.FailStep, p.FailError, p.buildDate(), p.buildMonokit()
		}
		if !steps["run"] {
			rw.Answered, rw.RunNote, rw.RunError, rw.RunDate = p.Answered, p.RunNote, p.RunError, p.RunDate
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
	b.WriteString("## Apps\n\nEach deployed app with a minimal manifest (the target and its package): planned, then built with `docker buildx build` and the frontend image for linux/amd64 when the build step ran. Apps that do not run on Node.js (Bun, Deno) are listed and not built: monokit makes Node.js images.\n\n")
	b.WriteString("| repository | app | runtime | port (source) | plan | build | image | failing step: first error | runs | cause |\n|---|---|---|---|---|---|---:|---|---|---|\n")
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
			build, size = fmt.Sprintf("ok, %.0f s (%s, %s)", rw.Wall.Seconds(), rw.buildDate().Format("2006-01-02"), rw.buildMonokit()), fmt.Sprintf("%.1f MB", float64(rw.Size)/1e6)
		case rw.FailStep != "" || rw.FailError != "":
			build, fail = fmt.Sprintf("fails after %.0f s (%s, %s)", rw.Wall.Seconds(), rw.buildDate().Format("2006-01-02"), rw.buildMonokit()), cell(rw.FailStep)+": "+cell(rw.FailError)
		}
		port := "none"
		if a.Port != 0 {
			port = fmt.Sprintf("%d (%s)", a.Port, cell(a.PortSource))
		}
		runs := "not run"
		switch {
		case rw.Answered:
			runs = fmt.Sprintf("answers (%s): %s", rw.RunDate.Format("2006-01-02"), cell(rw.RunNote))
		case rw.RunError != "":
			runs = fmt.Sprintf("fails (%s): %s", rw.RunDate.Format("2006-01-02"), cell(rw.RunError))
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.Repo, a.Dir, a.Runtime, port, plan, build, size, fail, runs, cell(a.Note))
	}
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
	return fmt.Sprintf("%d apps (%d on Node.js): %d planned, %d built, %d answer\n", len(r.rows), node, planned, built, answered)
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
