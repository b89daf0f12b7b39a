package solver

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// solveAll plans every target of dir, with closures shared or not.
func solveAll(t *testing.T, dir string, share bool) []*plan.Plan {
	t.Helper()
	defer func(v bool) { shareClosures = v }(shareClosures)
	shareClosures = share
	m, ws, err := testkit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plans, err := Solve(m, ws)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return plans
}

// TestSharedClosuresExpand: every stage, its closure listed by
// plan.Expander, is the stage the solver made before it shared closures
// (what plan2llb translates is unchanged), for the example, the corpus, a
// cycle and both synthetic shapes.
func TestSharedClosuresExpand(t *testing.T) {
	dirs := append([]string{testkit.Example()}, testkit.Corpus()...)
	for _, shape := range []testkit.Shape{testkit.Tree, testkit.Chain} {
		dir := t.TempDir()
		if err := testkit.Synthetic(dir, 60, 0, shape); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	for _, dir := range dirs {
		listed, shared := solveAll(t, dir, false), solveAll(t, dir, true)
		for i, p := range shared {
			full := p.Expander()
			for j, s := range p.Stages {
				if d := cmp.Diff(listed[i].Stages[j], full(s)); d != "" {
					t.Errorf("%s %s: stage %s expands to another stage:\n%s", dir, p.Target, s.ID, d)
				}
			}
			if d := cmp.Diff(listed[i].ContextPaths, p.ContextPaths); d != "" {
				t.Errorf("%s %s: context paths differ:\n%s", dir, p.Target, d)
			}
		}
	}
	// A cycle: a and b are built side by side, each sees the other's
	// sources but needs only c's build.
	fsys := testkit.Workspace("packages: ['apps/*', 'libs/*']\n",
		testkit.Pkg{Dir: "apps/api", Name: "api", Deps: []string{"libs/a"}},
		testkit.Pkg{Dir: "libs/a", Name: "a", Deps: []string{"libs/b", "libs/c"}, Build: true},
		testkit.Pkg{Dir: "libs/b", Name: "b", Deps: []string{"libs/a"}, Build: true},
		testkit.Pkg{Dir: "libs/c", Name: "c", Build: true},
	)
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	shareClosures = false
	listed, err := SolveTarget(parse(t, apiManifest), ws, "api")
	shareClosures = true
	if err != nil {
		t.Fatal(err)
	}
	shared := mustPlan(t, fsys, apiManifest, "api")
	full := shared.Expander()
	for j, s := range shared.Stages {
		if d := cmp.Diff(listed.Stages[j], full(s)); d != "" {
			t.Errorf("cycle: stage %s expands to another stage:\n%s", s.ID, d)
		}
	}
}

// TestPlanLinearInChain: a chain's closures add up to n²/2 packages, but
// the plan names each once: the text and the JSON of a chain twice as long
// are at most about twice as large.
func TestPlanLinearInChain(t *testing.T) {
	size := func(n int) (text, js int) {
		dir := t.TempDir()
		if err := testkit.Synthetic(dir, n, 0, testkit.Chain); err != nil {
			t.Fatal(err)
		}
		p := solveAll(t, dir, true)[0]
		var tb, jb bytes.Buffer
		p.WriteText(&tb)
		if err := p.WriteJSON(&jb); err != nil {
			t.Fatal(err)
		}
		return tb.Len(), jb.Len()
	}
	t1, j1 := size(200)
	t2, j2 := size(400)
	for _, c := range []struct {
		what   string
		n, n2n int
	}{{"text", t1, t2}, {"JSON", j1, j2}} {
		if r := float64(c.n2n) / float64(c.n); r > 2.2 {
			t.Errorf("plan %s: %d bytes for 200 packages, %d for 400: %.2f times, want at most 2.2", c.what, c.n, c.n2n, r)
		} else {
			t.Logf("plan %s: %d bytes for 200 packages, %d for 400 (%.2f times)", c.what, c.n, c.n2n, r)
		}
	}
}
