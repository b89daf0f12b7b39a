package main

import (
	"strings"
	"testing"
)

func TestSplice(t *testing.T) {
	sec := func(name, body string) string {
		return beginMarker + name + markerEnd + "\n" + body + "\n" + endMarker + name + markerEnd + "\n"
	}
	const intro = "# Benchmark results\n\nNewest first.\n"
	const history = "## Hand-written, 2026-12-06\n\n| a | b |\n"
	for _, tc := range []struct {
		name, doc, section, want string
	}{
		{
			name: "inserted above the history",
			doc:  intro + "\n" + history, section: "nexus",
			want: intro + "\n" + sec("nexus", "new") + "\n" + history,
		},
		{
			name: "replaced, the history kept",
			doc:  intro + "\n" + sec("nexus", "old\nlines") + "\n" + history, section: "nexus",
			want: intro + "\n" + sec("nexus", "new") + "\n" + history,
		},
		{
			name: "a second section after the first",
			doc:  intro + "\n" + sec("nexus", "old") + "\n" + history, section: "native-modules",
			want: intro + "\n" + sec("nexus", "old") + "\n" + sec("native-modules", "new") + "\n" + history,
		},
		{
			name: "the other of two replaced",
			doc:  intro + "\n" + sec("nexus", "old") + "\n" + sec("native-modules", "old") + "\n" + history, section: "nexus",
			want: intro + "\n" + sec("nexus", "new") + "\n" + sec("native-modules", "old") + "\n" + history,
		},
		{
			name: "no history: at the end",
			doc:  intro, section: "nexus",
			want: intro + "\n" + sec("nexus", "new"),
		},
		{
			name: "an end marker without its newline",
			doc:  intro + "\n" + strings.TrimSuffix(sec("nexus", "old"), "\n"), section: "nexus",
			want: intro + "\n" + sec("nexus", "new"),
		},
	} {
		got, err := splice(tc.doc, tc.section, sec(tc.section, "new"))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
	for _, doc := range []string{
		intro + beginMarker + "nexus" + markerEnd + "\nold\n" + history,
		intro + "old\n" + endMarker + "nexus" + markerEnd + "\n" + history,
	} {
		if _, err := splice(doc, "nexus", sec("nexus", "new")); err == nil {
			t.Errorf("no error for a lone marker in:\n%s", doc)
		}
	}
}

// TestSection: the generated section holds the environment and the goals,
// and replacing it again gives the same file.
func TestSection(t *testing.T) {
	r := Report{Env: Env{Date: "2026-12-07T10:00:00Z", CPUs: 2, Example: "examples/nexus"}, Reps: 3, Rows: []Row{
		row("baseline", "backend", "edit-app", 1.73), row("monokit", "backend", "edit-app", 2.0, "[app:@nexus/backend] RUN pnpm run build"),
	}}
	r.Checks = evaluate(r, goals)
	s := section(sectionName(r.Env.Example), r)
	for _, want := range []string{
		"<!-- hack/bench: begin nexus -->\n",
		"## Latest run: nexus (generated)\n",
		"- CPU: unknown model, 2 CPUs\n",
		"| **MISS** | edit-app (backend) ≤ 1.0× baseline | 1.16× | ≤ 1.00× | 2.0s vs 1.7s |",
		"| pass | edit-app (backend): no [deps], [build:, [toolchain], deploy --prod, [native step | 1 exec ran |",
		"Goals: 1 met, 1 missed, 0 not evaluated",
		"<!-- hack/bench: end nexus -->\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("section lacks %q:\n%s", want, s)
		}
	}
	doc := "# Benchmark results\n\n## History\n"
	once, err := splice(doc, "nexus", s)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := splice(once, "nexus", s)
	if err != nil {
		t.Fatal(err)
	}
	if once != twice {
		t.Errorf("replacing the section changed the file:\n%s\nthen:\n%s", once, twice)
	}
}
