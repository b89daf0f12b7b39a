package solver

import (
	"slices"
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

func loadNexus(t *testing.T) (*manifest.Manifest, *pnpm.Workspace) {
	t.Helper()
	m, ws, err := testkit.Open(testkit.Example())
	if err != nil {
		t.Fatal(err)
	}
	return m, ws
}

// The exact plans of the example are golden files (TestGoldenPlans); these
// are the rules every plan keeps, checked on both example targets.

// TestPlanRules: a plan reads only its target's closure, builds of one level
// are independent, the production tree never waits for the app's sources,
// the runtime stage only copies, only the native stage executes on the
// target platform, every exec says where it runs, and only the mounts a
// stage keeps are written.
func TestPlanRules(t *testing.T) {
	m, ws := loadNexus(t)
	for target, outside := range map[string][]string{"backend": {"packages/ui", "apps/frontend"}, "frontend": {"services/backend", "packages/shared-database"}} {
		p, err := SolveTarget(m, ws, target)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range p.ContextPaths {
			for _, o := range outside {
				if strings.HasPrefix(path, o) {
					t.Errorf("%s: context path %q is outside the target's closure", target, path)
				}
			}
		}
		level := map[string]int{}
		for i, ids := range p.Levels {
			for _, id := range ids {
				level[id] = i
			}
		}
		for _, s := range p.Stages {
			for _, n := range s.Needs {
				if l, ok := level[n]; ok && s.Kind == plan.KindBuild && l >= s.Level {
					t.Errorf("%s: %s (level %d) needs %s of level %d", target, s.ID, s.Level, n, l)
				}
			}
			if len(s.Run) > 0 && s.Workdir == "" && s.Kind != plan.KindToolchain {
				t.Errorf("%s: %s runs commands with no workdir", target, s.ID)
			}
			if s.Platform == plan.OnTarget && len(s.Run) > 0 && s.Kind != plan.KindNative {
				t.Errorf("%s: %s executes on the target platform", target, s.ID)
			}
			for _, mt := range s.Mounts {
				if mt.Keep != "" && (mt.Image != "" || mt.Extra) {
					t.Errorf("%s: %s writes a mount it cannot keep: %+v", target, s.ID, mt)
				}
			}
		}
		if prune := p.Stage("prune"); len(prune.Inputs) != 0 || slices.Contains(prune.Inputs, p.Dir) {
			t.Errorf("%s: prune reads the app's sources: %v", target, prune.Inputs)
		}
		// A Node.js app's deploy, and the native stage on it, see the
		// install alone: no source edit reaches them.
		if prune := p.Stage("prune"); p.Preset != manifest.PresetNext && !slices.Equal(prune.Needs, []string{"deps"}) {
			t.Errorf("%s: the deploy needs %v, want the install alone", target, prune.Needs)
		}
		if rt := p.Stage("runtime"); len(rt.Run) != 0 || rt.Platform != plan.OnTarget {
			t.Errorf("%s: the runtime stage %+v runs commands or is not the target's", target, rt)
		}
		// Needs are the only way one stage reaches another.
		for _, s := range p.Stages {
			for _, c := range s.Copies {
				if !slices.Contains(s.Needs, c.From) {
					t.Errorf("%s: %s copies from %s, which it does not need", target, s.ID, c.From)
				}
			}
			for _, m := range s.Mounts {
				if m.Stage != "" && !slices.Contains(s.Needs, m.Stage) {
					t.Errorf("%s: %s mounts %s, which it does not need", target, s.ID, m.Stage)
				}
			}
		}
		if p.Image.User == "" || strings.HasPrefix(p.Image.User, "0:") {
			t.Errorf("%s: image user %q", target, p.Image.User)
		}
	}
}
