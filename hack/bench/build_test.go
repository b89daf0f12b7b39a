package main

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/monokit/monokit/internal/testkit"
	digest "github.com/opencontainers/go-digest"
)

// TestTools: -tools knows each tool once; traced is monokit with its tree
// traced, and measures its own image.
func TestTools(t *testing.T) {
	want := []string{"baseline", "gateway", "monokit", "traced", "turbo"}
	got := toolNames()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("tools %q, want %q", got, want)
	}
	i := slices.IndexFunc(tools, func(t tool) bool { return t.name == "traced" })
	tr := tools[i]
	if tr.filename("api") != "monokit.yaml" || tr.target("api") != "api" || tr.sameImage || !tr.crossBuilds ||
		!maps.Equal(tr.attrs, map[string]string{"build-arg:MONOKIT_PRUNE": "trace"}) {
		t.Errorf("traced: %+v", tr)
	}
}

// TestPushScenarios: only scenarios that edit the warm cache's image (and
// no-op) push; the others prune or import a cache first.
func TestPushScenarios(t *testing.T) {
	var pushing []string
	for _, sc := range scenarios {
		if !sc.push {
			continue
		}
		pushing = append(pushing, sc.name)
		if sc.cold || sc.gc || sc.registryCache || sc.platforms != "" {
			t.Errorf("%s pushes", sc.name)
		}
	}
	if want := []string{"no-op", "edit-app", "edit-shared-types", "edit-ui", "edit-shared-lib", "add-dep-backend"}; !slices.Equal(pushing, want) {
		t.Errorf("pushing %q, want %q", pushing, want)
	}
}

// TestStepTimes: the RUN steps that ran, timed and summed by stage; cached,
// pulled, unfinished and non-RUN vertices are not.
func TestStepTimes(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	at := func(s float64) *time.Time { x := t0.Add(time.Duration(s * float64(time.Second))); return &x }
	v := func(name string, from, to float64, cached bool) *client.Vertex {
		x := &client.Vertex{Digest: digest.FromString(name), Name: name, Started: at(from), Completed: at(to), Cached: cached}
		if to < 0 {
			x.Completed = nil
		}
		return x
	}
	p := &testkit.Progress{
		Vertices: []*client.Vertex{
			v("[trace linux/amd64] RUN node trace.js", 10, 14.5, false),
			v("[trace linux/arm64] RUN node trace.js", 10, 16, false),
			v("[app:api] RUN pnpm run build", 2, 9, false),
			v("[deps] RUN pnpm install", 0, 0, true),
			v("[native linux/amd64] RUN node-gyp rebuild", 0, 3, false),
			v("[prune linux/amd64] RUN pnpm deploy", 9, -1, false),
			v("[app:api] COPY . /app", 0, 1, false),
		},
		Pulled: map[string]bool{digest.FromString("[native linux/amd64] RUN node-gyp rebuild").String(): true},
	}
	got := stepTimes(p)
	want := map[string]time.Duration{"trace": 10500 * time.Millisecond, "app:api": 7 * time.Second}
	if !maps.Equal(got, want) {
		t.Errorf("stepTimes %v, want %v", got, want)
	}
	// The median of each stage over the repetitions it ran in.
	med := medianSeconds(map[string][]time.Duration{"trace": {4 * time.Second, 9 * time.Second, 5 * time.Second}, "app:api": {time.Second}})
	if !maps.Equal(med, map[string]float64{"trace": 5, "app:api": 1}) {
		t.Errorf("medianSeconds %v", med)
	}
	if medianSeconds(nil) != nil {
		t.Error("no steps, a map")
	}
}
