package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report is the whole benchmark.
type Report struct {
	Date   string  `json:"date"`
	Cores  int     `json:"cores"`
	Reps   int     `json:"reps"`
	Rows   []Row   `json:"rows"`
	Images []Image `json:"images"`
	Checks []Check `json:"checks"`
}

// Check is one of the targets monokit is held to.
type Check struct {
	Name    string `json:"name"`
	Met     bool   `json:"met"`
	Skipped bool   `json:"skipped,omitempty"`
	Detail  string `json:"detail"`
}

func (r Report) row(tool, target, scenario string) (Row, bool) {
	for _, x := range r.Rows {
		if x.Tool == tool && x.Target == target && x.Scenario == scenario && x.Skipped == "" {
			return x, true
		}
	}
	return Row{}, false
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

// checks evaluates the benchmark targets against the measurements.
func checks(r Report) []Check {
	var out []Check
	add := func(name string, ok bool, detail string, args ...any) {
		out = append(out, Check{Name: name, Met: ok, Detail: fmt.Sprintf(detail, args...)})
	}
	skip := func(name, why string) { out = append(out, Check{Name: name, Skipped: true, Detail: why}) }
	if m, ok := r.row("monokit", "backend", "edit-ui"); ok {
		add("edit ui: backend runs no exec step", m.ExecRan == 0, "%d ran: %s", m.ExecRan, strings.Join(m.RanSteps, "; "))
	} else if slices.Contains(r.targets(), "backend") {
		skip("edit ui: backend runs no exec step", "not measured")
	}
	if m, ok := r.row("monokit", "backend", "edit-shared-types"); ok {
		var others []string
		for _, s := range m.RanSteps {
			if strings.Contains(s, "[deps]") || strings.Contains(s, "[toolchain]") {
				others = append(others, s)
			}
		}
		add("edit shared-types: only it and its dependents re-run", len(others) == 0 && m.ExecRan > 0, "ran: %s", strings.Join(m.RanSteps, "; "))
	}
	// Issue 12: a shared package's edit reaches neither the deploy nor the
	// native stage, and costs a fraction of the baseline's rebuild.
	for _, target := range r.targets() {
		for _, sc := range []string{"edit-shared-lib", "edit-shared-types"} {
			m, ok := r.row("monokit", target, sc)
			if !ok {
				continue
			}
			var bad []string
			for _, s := range m.RanSteps {
				if strings.Contains(s, "deploy --prod") || strings.Contains(s, "[native") {
					bad = append(bad, s)
				}
			}
			add(fmt.Sprintf("%s (%s): no deploy and no native exec", sc, target), len(bad) == 0, "ran: %s", strings.Join(m.RanSteps, "; "))
		}
	}
	ratio := func(target, scenario string, limit float64) {
		m, ok1 := r.row("monokit", target, scenario)
		b, ok2 := r.row("baseline", target, scenario)
		if !ok1 || !ok2 {
			return
		}
		x := m.Wall.Seconds() / b.Wall.Seconds()
		add(fmt.Sprintf("%s (%s) ≤ %.2g× baseline", scenario, target, limit), x <= limit, "%.1fs vs %.1fs (%.2f×)", m.Wall.Seconds(), b.Wall.Seconds(), x)
	}
	for _, target := range r.targets() {
		ratio(target, "edit-shared-lib", 0.35)
		ratio(target, "edit-shared-types", map[bool]float64{true: 1.0, false: 0.5}[target == "frontend"])
		ratio(target, "edit-app", 1.0)
		ratio(target, "cold", 0.8)
	}
	for _, target := range r.targets() {
		if m, ok := r.row("monokit", target, "edit-app"); ok {
			var bad []string
			for _, s := range m.RanSteps {
				if strings.Contains(s, "[deps]") || strings.Contains(s, "[build:") || strings.Contains(s, "[toolchain]") {
					bad = append(bad, s)
				}
			}
			add(fmt.Sprintf("edit app (%s): install and shared builds stay cached", target), len(bad) == 0, "ran: %s", strings.Join(m.RanSteps, "; "))
		}
		if m, ok := r.row("monokit", target, "ci-registry-cache"); ok && m.Skipped == "" {
			var bad []string
			for _, s := range m.RanSteps {
				for _, stage := range []string{"[deps]", "[toolchain]", "[build:", "[native", "deploy --prod"} {
					if strings.Contains(s, stage) {
						bad = append(bad, s)
						break
					}
				}
			}
			add(fmt.Sprintf("registry cache, empty daemon, app edit (%s): install, builds, deploy and native come from the cache", target), len(bad) == 0 && len(m.RanSteps) > 0, "ran: %s", strings.Join(m.RanSteps, "; "))
		}
		m, ok1 := r.row("monokit", target, "no-op")
		b, ok2 := r.row("baseline", target, "no-op")
		if ok1 && ok2 {
			detail := fmt.Sprintf("%.2fs vs %.2fs (%.2f×)", m.Wall.Seconds(), b.Wall.Seconds(), m.Wall.Seconds()/b.Wall.Seconds())
			if g, ok := r.row("gateway", target, "no-op"); ok {
				detail += fmt.Sprintf("; the baseline through a gateway frontend takes %.2fs, monokit is %.2f× that", g.Wall.Seconds(), m.Wall.Seconds()/g.Wall.Seconds())
			}
			add(fmt.Sprintf("no-op rebuild (%s) ≤ 1.2× baseline", target), m.Wall <= b.Wall*12/10, "%s", detail)
		}
		mi, ok1 := r.image("monokit", target)
		bi, ok2 := r.image("baseline", target)
		if ok1 && ok2 {
			add(fmt.Sprintf("image size (%s) ≤ 0.6× baseline", target), mi.Compressed*10 <= bi.Compressed*6 && mi.Uncompressed*10 <= bi.Uncompressed*6,
				"compressed %s vs %s (%.2f×), uncompressed %s vs %s (%.2f×)", human(mi.Compressed), human(bi.Compressed), float64(mi.Compressed)/float64(bi.Compressed),
				human(mi.Uncompressed), human(bi.Uncompressed), float64(mi.Uncompressed)/float64(bi.Uncompressed))
			if mi.BaseCompressed > 0 {
				out[len(out)-1].Detail += fmt.Sprintf("; monokit's runtime base image alone is %s compressed (%.2f× the baseline's whole image)",
					human(mi.BaseCompressed), float64(mi.BaseCompressed)/float64(bi.Compressed))
			}
		}
	}
	for _, target := range r.targets() {
		two, ok1 := r.row("monokit", target, "two-platforms")
		one, ok2 := r.row("monokit", target, "cold")
		if ok1 && ok2 {
			// Only per-target steps repeat: the deploy (backend) or the trace fit
			// (frontend), and install scripts on the target platform (native).
			var arm []string
			for _, st := range two.RanSteps {
				if strings.Contains(st, "linux/arm64]") {
					arm = append(arm, st)
				}
			}
			add(fmt.Sprintf("two platforms (%s): only per-target steps repeat", target), two.ExecRan == one.ExecRan+int64(len(arm)),
				"%d exec steps for two platforms, %d for one; for arm64: %s", two.ExecRan, one.ExecRan, strings.Join(arm, "; "))
			add(fmt.Sprintf("two platforms (%s) ≤ 1.3× one platform, cold", target), two.Wall*10 <= one.Wall*13, "%.1fs vs %.1fs (%.2f×)", two.Wall.Seconds(), one.Wall.Seconds(), two.Wall.Seconds()/one.Wall.Seconds())
		}
	}
	return out
}

// WriteMarkdown prints the tables.
func (r Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "monokit vs the seed's Dockerfiles: %d cores, median of %d, %s\n\n", r.Cores, r.Reps, r.Date)
	fmt.Fprintln(w, "| target | scenario | tool | wall | exec ran | exec cached | context sent |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|")
	for _, x := range r.Rows {
		if x.Skipped != "" {
			fmt.Fprintf(w, "| %s | %s | %s | skipped: %s | | | |\n", x.Target, x.Scenario, x.Tool, x.Skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.2fs | %d | %d | %s |\n", x.Target, x.Scenario, x.Tool, x.Wall.Seconds(), x.ExecRan, x.ExecCached, human(x.ContextBytes))
	}
	fmt.Fprintln(w, "\n| target | tool | compressed | uncompressed | layers | base image (compressed / uncompressed) |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	for _, x := range r.Images {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d | %s / %s |\n", x.Target, x.Tool, human(x.Compressed), human(x.Uncompressed), x.Layers, human(x.BaseCompressed), human(x.BaseUncompressed))
	}
	fmt.Fprintln(w, "\n| target | met | detail |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, c := range r.Checks {
		met := map[bool]string{true: "yes", false: "**no**"}[c.Met]
		if c.Skipped {
			met = "n/a"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", c.Name, met, c.Detail)
	}
}

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
