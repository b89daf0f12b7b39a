package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Report is the whole benchmark.
type Report struct {
	Env    Env     `json:"env"`
	Reps   int     `json:"reps"`
	Rows   []Row   `json:"rows"`
	Images []Image `json:"images"`
	// Checks are the goals evaluated when the report was written; -from
	// evaluates them again.
	Checks []Check `json:"checks"`
}

// readReport reads a report hack/bench wrote, including one from before
// the environment was recorded (its date and cores at the top level).
func readReport(path string) (Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Report{}, err
	}
	var r struct {
		Report
		Date  string `json:"date"`
		Cores int    `json:"cores"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return Report{}, fmt.Errorf("%s: %w", path, err)
	}
	if r.Env.Date == "" {
		r.Env.Date = r.Date
	}
	if r.Env.CPUs == 0 {
		r.Env.CPUs = r.Cores
	}
	return r.Report, nil
}

// rowState is what a report holds for a tool, target and scenario.
type rowState int

const (
	absent       rowState = iota // the scenario was not run
	inapplicable                 // it was, but this target has nothing to edit for it
	skipped                      // it was, but could not be measured here
	measured
)

func (r Report) lookup(tool, target, scenario string) (Row, rowState) {
	for _, x := range r.Rows {
		if x.Tool == tool && x.Target == target && x.Scenario == scenario {
			switch x.Skipped {
			case "":
				return x, measured
			case noFileToEdit:
				return x, inapplicable
			}
			return x, skipped
		}
	}
	return Row{}, absent
}

// measured reports whether the report holds a row or an image of tool for target.
func (r Report) measured(tool, target string) bool {
	_, img := r.image(tool, target)
	return img || slices.ContainsFunc(r.Rows, func(x Row) bool { return x.Tool == tool && x.Target == target })
}

// targets are the targets measured, in the order first measured.
func (r Report) targets() []string {
	var out []string
	for _, x := range r.Rows {
		if !slices.Contains(out, x.Target) {
			out = append(out, x.Target)
		}
	}
	return out
}

func (r Report) image(tool, target string) (Image, bool) {
	for _, x := range r.Images {
		if x.Tool == tool && x.Target == target {
			return x, true
		}
	}
	return Image{}, false
}

// WriteMarkdown prints the environment and the tables: the rows, the
// layers pushed, the images, and a pass or miss line for each goal evaluated.
func (r Report) WriteMarkdown(w io.Writer) {
	for _, l := range r.Env.lines(r.Reps) {
		fmt.Fprintf(w, "- %s\n", l)
	}
	wall := "wall"
	if r.Reps > 1 {
		wall = "wall: median (min–max)"
	}
	fmt.Fprintf(w, "\n| target | scenario | tool | %s | exec ran | exec cached | context sent | pushed |\n", wall)
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|")
	for _, x := range r.Rows {
		if x.Skipped != "" {
			fmt.Fprintf(w, "| %s | %s | %s | skipped: %s | | | | |\n", x.Target, x.Scenario, x.Tool, x.Skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %d | %s | %s |\n", x.Target, x.Scenario, x.Tool, x.wallCell(), x.ExecRan, x.ExecCached, human(x.ContextBytes), x.pushedCell())
	}
	r.writePushes(w)
	if len(r.Images) > 0 {
		fmt.Fprintln(w, "\n| target | tool | compressed | uncompressed | layers | base image (compressed / uncompressed) |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
		for _, x := range r.Images {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %s / %s |\n", x.Target, x.Tool, human(x.Compressed), human(x.Uncompressed), x.Layers, human(x.BaseCompressed), human(x.BaseUncompressed))
		}
	}
	if len(r.Checks) == 0 {
		fmt.Fprintln(w, "\nNo goal applies to the scenarios measured.")
		return
	}
	var met, miss int
	for _, c := range r.Checks {
		switch {
		case c.Met:
			met++
		case c.Missed():
			miss++
		}
	}
	fmt.Fprintf(w, "\nGoals: %d met, %d missed, %d not evaluated (hack/bench/goals.go).\n\n", met, miss, len(r.Checks)-met-miss)
	fmt.Fprintln(w, "| | goal | measured | target | detail | source |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, c := range r.Checks {
		res := "pass"
		switch {
		case c.Skipped:
			res = "n/a"
		case !c.Met:
			res = "**MISS**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", res, cell(c.Name), cell(c.Measured), cell(c.Want), cell(c.Detail), cell(c.Source))
	}
}

// wallCell is the median wall time and, over more than one repetition, the
// run-to-run spread: a difference within it is noise.
func (x Row) wallCell() string {
	s := fmt.Sprintf("%.2fs", x.Wall.Seconds())
	if len(x.Walls) > 1 {
		s += fmt.Sprintf(" (%.2f–%.2f)", slices.Min(x.Walls).Seconds(), slices.Max(x.Walls).Seconds())
	}
	return s
}

// pushedCell is what the row's pushes sent: blank for a scenario that does
// not push, n/a when they could not be measured.
func (x Row) pushedCell() string {
	switch {
	case x.Pushed:
		return human(x.PushedBytes)
	case x.PushSkipped != "":
		return "n/a"
	}
	return ""
}

// writePushes lists the layers each row's last push sent, and why pushes
// were not measured.
func (r Report) writePushes(w io.Writer) {
	var rows, why []string
	for _, x := range r.Rows {
		switch {
		case x.Pushed:
			rows = append(rows, fmt.Sprintf("- %s, %s, %s: %s", x.Target, x.Scenario, x.Tool, orNone(x.PushedLayers)))
		case x.PushSkipped != "" && !slices.Contains(why, x.PushSkipped):
			why = append(why, x.PushSkipped)
		}
	}
	if len(rows) > 0 {
		fmt.Fprintln(w, "\nLayers pushed, the last repetition's (pushed: the median bytes of the blobs the registry lacked, config included):")
		fmt.Fprintln(w)
		for _, l := range rows {
			fmt.Fprintln(w, l)
		}
	}
	for _, s := range why {
		fmt.Fprintf(w, "\nPushes not measured: %s.\n", s)
	}
}

// cell escapes what would end a markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
