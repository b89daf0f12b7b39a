package main

import (
	"strings"
	"testing"
	"time"
)

// TestMarkdownRows: each wall time with its spread over the repetitions,
// what the pushes sent and which layers, and why they were not measured.
func TestMarkdownRows(t *testing.T) {
	s := func(x ...float64) []time.Duration {
		var out []time.Duration
		for _, v := range x {
			out = append(out, time.Duration(v*float64(time.Second)))
		}
		return out
	}
	app := row("monokit", "backend", "edit-app", 5.04, "[app:@nexus/backend] RUN pnpm run build")
	app.Walls = s(5.3, 4.9, 5.04)
	app.Pushed, app.PushedBytes, app.PushedLayers = true, 13<<10, []string{"COPY app layer: /out/app /app (12.0 KiB)"}
	noop := row("baseline", "backend", "no-op", 0.09)
	noop.Walls = s(0.09, 0.09, 0.11)
	noop.Pushed = true
	cold := row("monokit", "backend", "cold", 23.7)
	cold.Walls = s(23.7, 24.1, 22.9)
	unpushed := row("baseline", "backend", "edit-app", 4.21)
	unpushed.PushSkipped = "no registry: set MONOKIT_REGISTRY (hack/benchmark does)"
	r := Report{Reps: 3, Rows: []Row{app, noop, cold, unpushed, {Tool: "monokit", Target: "backend", Scenario: "two-platforms", Skipped: "no emulation"}}}
	var b strings.Builder
	r.WriteMarkdown(&b)
	for _, want := range []string{
		"| target | scenario | tool | wall: median (min–max) | exec ran | exec cached | context sent | pushed |\n",
		"| backend | edit-app | monokit | 5.04s (4.90–5.30) | 1 | 0 | 0 B | 13.0 KiB |\n",
		"| backend | no-op | baseline | 0.09s (0.09–0.11) | 0 | 0 | 0 B | 0 B |\n",
		"| backend | cold | monokit | 23.70s (22.90–24.10) | 0 | 0 | 0 B |  |\n",
		"| backend | edit-app | baseline | 4.21s | 0 | 0 | 0 B | n/a |\n",
		"| backend | two-platforms | monokit | skipped: no emulation | | | | |\n",
		"- backend, edit-app, monokit: COPY app layer: /out/app /app (12.0 KiB)\n- backend, no-op, baseline: none\n",
		"\nPushes not measured: no registry: set MONOKIT_REGISTRY (hack/benchmark does).\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
	// One repetition: no spread to show.
	r.Reps = 1
	b.Reset()
	r.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "| target | scenario | tool | wall | exec ran |") {
		t.Errorf("one repetition:\n%s", b.String())
	}
}
