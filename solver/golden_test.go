package solver

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp" // a readable line diff; already in BuildKit's module graph

	"github.com/monokit/monokit/internal/testkit"
)

// lineDiff is a diff of two texts by line (- the golden file, + the plan).
func lineDiff(want, got string) string {
	return cmp.Diff(strings.Split(want, "\n"), strings.Split(got, "\n"))
}

var update = flag.Bool("update", false, "rewrite the golden plans in testdata/plans")

// TestGoldenPlans compares `monokit plan --json` of every target of the
// example and of every corpus fixture with its golden file, so an intended
// change to a plan shows as a diff (go test ./solver -run TestGoldenPlans
// -update rewrites them).
func TestGoldenPlans(t *testing.T) {
	dirs := append([]string{testkit.Example()}, testkit.Corpus()...)
	seen := map[string]bool{}
	for _, dir := range dirs {
		for _, p := range solveAll(t, dir, true) {
			name := filepath.Base(dir) + "-" + p.Target + ".json"
			seen[name] = true
			var line, got bytes.Buffer
			if err := p.WriteJSON(&line); err != nil {
				t.Fatal(err)
			}
			if err := json.Indent(&got, line.Bytes(), "", "  "); err != nil { // for reviewable diffs
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "plans", name)
			want, err := os.ReadFile(golden)
			if *update {
				if !bytes.Equal(got.Bytes(), want) {
					// What -update writes, so the run shows it.
					t.Logf("rewriting %s:\n%s", golden, lineDiff(string(want), got.String()))
				}
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v (run go test ./solver -run TestGoldenPlans -update)", name, err)
				continue
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("the plan of %s %s differs from %s; if the change is intended, rewrite it with -update and review the diff:\n%s", dir, p.Target, golden, lineDiff(string(want), got.String()))
			}
		}
	}
	// No golden file outlives its target.
	files, _ := filepath.Glob(filepath.Join("testdata", "plans", "*.json"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no target any more", f)
		}
	}
}
