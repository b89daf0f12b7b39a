package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/plan"
)

func TestTracePlan(t *testing.T) {
	ws, _, err := load("../../examples/nexus")
	if err != nil {
		t.Fatal(err)
	}
	r := &run{}
	next := &row{App: app{Dir: "apps/frontend"}}
	r.plan(next, ws, nil)
	if !next.Planned || next.Traces || !strings.HasPrefix(next.TraceNote, "prune: trace: Next.js") || next.TracePlanErr != "" || !next.tracePlanned() {
		t.Errorf("Next.js app: %+v", next)
	}
	backend := &row{App: app{Dir: "services/backend"}}
	r.plan(backend, ws, nil)
	if !backend.Planned || !backend.Traces || backend.TraceNote != "" || backend.TracePlanErr != "" {
		t.Errorf("server: %+v", backend)
	}
	if (&row{}).tracePlanned() {
		t.Error("a row never planned traced is tracePlanned")
	}
}

func TestTraceOutcome(t *testing.T) {
	if ok, note := traceOutcome(&plan.Plan{Trace: &plan.Trace{}}); !ok || note != "" {
		t.Errorf("traced plan: %v %q", ok, note)
	}
	static := "prune: trace: a static site has no production tree to trace"
	if ok, note := traceOutcome(&plan.Plan{Notes: []string{"pnpm 10 from packageManager", static}}); ok || note != static {
		t.Errorf("static plan: %v %q", ok, note)
	}
	if ok, note := traceOutcome(&plan.Plan{}); ok || !strings.HasPrefix(note, traceNotePrefix) {
		t.Errorf("plan without trace or note: %v %q", ok, note)
	}
}

func TestBuildxArgs(t *testing.T) {
	untraced := buildxArgs("monokit", "/tmp/x/monokit.yaml", "/tmp/x/untraced/image.tar", "/work/rw/jitsu")
	want := []string{"buildx", "build", "--builder", "monokit", "--progress=rawjson", "-f", "/tmp/x/monokit.yaml", "--target", "app", "--platform", "linux/amd64", "--output", "type=oci,dest=/tmp/x/untraced/image.tar", "/work/rw/jitsu"}
	if !slices.Equal(untraced, want) {
		t.Errorf("untraced:\n%q\nwant\n%q", untraced, want)
	}
	traced := buildxArgs("monokit", "/tmp/x/monokit.yaml", "/tmp/x/untraced/image.tar", "/work/rw/jitsu", "--build-arg", "MONOKIT_PRUNE=trace")
	i := slices.Index(traced, "--build-arg")
	if i < 0 || traced[i+1] != "MONOKIT_PRUNE=trace" || !slices.Equal(slices.Delete(slices.Clone(traced), i, i+2), untraced) {
		t.Errorf("traced is not the untraced command with the build argument: %q", traced)
	}
}
