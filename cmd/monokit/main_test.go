package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"

	"github.com/monokit/monokit/internal/testkit"
)

var nexus = testkit.Example()

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), err
}

// TestPlanBackend is the acceptance check: shared-types first, then
// shared-utils and shared-database in one parallel level, and no ui.
func TestPlanBackend(t *testing.T) {
	out, err := runCmd(t, "plan", "--target", "backend", nexus)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"level 0: build:@nexus/shared-types\n",
		"level 1: build:@nexus/shared-database, build:@nexus/shared-utils\n",
		"[deps] on build platform",
		"[runtime] on target platform",
		"run:     pnpm run db:generate",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "@nexus/ui") || strings.Contains(out, "packages/ui") {
		t.Errorf("backend's plan mentions the ui package:\n%s", out)
	}
	if strings.Index(out, "build:@nexus/shared-types]") > strings.Index(out, "build:@nexus/shared-utils]") {
		t.Error("shared-types is not built first")
	}
}

// TestPlanJSON: --json prints one plan per line (JSON Lines), so every
// target's plan decodes on its own.
func TestPlanJSON(t *testing.T) {
	out, err := runCmd(t, "plan", "--json", nexus)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for line := range strings.Lines(out) {
		var p struct {
			Target, Preset string
			Stages         []struct{ ID string }
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("a line is not one plan: %v\n%.200s", err, line)
		}
		targets = append(targets, p.Target+"/"+p.Preset)
		if p.Target == "frontend" && !slices.ContainsFunc(p.Stages, func(s struct{ ID string }) bool { return s.ID == "build:@nexus/ui" }) {
			t.Errorf("the frontend's plan has no build:@nexus/ui stage")
		}
	}
	if want := []string{"backend/node", "frontend/next"}; !slices.Equal(targets, want) {
		t.Errorf("plans for %v, want %v", targets, want)
	}
}

func TestLLBIsReadable(t *testing.T) {
	out, err := runCmd(t, "llb", "--target", "backend", "--platform", "linux/arm64", nexus)
	if err != nil {
		t.Fatal(err)
	}
	def, err := llb.ReadFrom(strings.NewReader(out))
	if err != nil {
		t.Fatalf("buildctl debug dump-llb could not read it: %v", err)
	}
	var execs int
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			t.Fatal(err)
		}
		if op.GetExec() != nil {
			execs++
		}
	}
	// toolchain, install, three package builds, the app's generate and its
	// build, deploy, esbuild's install script on arm64, the workspace
	// packages laid onto the tree.
	if execs != 10 {
		t.Errorf("%d exec ops, want 10", execs)
	}
	// The ops are deterministic; only the metadata map's wire order may vary.
	again, _ := runCmd(t, "llb", "--target", "backend", "--platform", "linux/arm64", nexus)
	def2, err := llb.ReadFrom(strings.NewReader(again))
	if err != nil {
		t.Fatal(err)
	}
	if len(def2.Def) != len(def.Def) {
		t.Fatal("llb ops differ between runs")
	}
	for i := range def.Def {
		if !bytes.Equal(def.Def[i], def2.Def[i]) {
			t.Fatal("llb ops differ between runs")
		}
	}
}

func TestGraphDot(t *testing.T) {
	out, err := runCmd(t, "graph", "--dot", nexus)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"@nexus/backend" -> "@nexus/shared-utils";`, `"@nexus/ui" -> "@nexus/shared-types";`, "digraph workspace {"} {
		if !strings.Contains(out, want) {
			t.Errorf("graph lacks %q:\n%s", want, out)
		}
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(nexus)); err != nil {
		t.Fatal(err)
	}
	bad := "version: 1\ntargets:\n  backend:\n    package: services/backend\n    prot: 3001\n"
	if err := os.WriteFile(filepath.Join(dir, "monokit.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runCmd(t, "plan", dir)
	if err == nil || !strings.Contains(err.Error(), `monokit.yaml:5:5: unknown key "prot" in target (did you mean "port"?)`) {
		t.Errorf("err = %v", err)
	}
	_, err = runCmd(t, "plan", "--target", "web", nexus)
	if err == nil || !strings.Contains(err.Error(), "the targets are backend, frontend") {
		t.Errorf("unknown target: err = %v", err)
	}
	_, err = runCmd(t, "plan", "--bogus", nexus)
	if err == nil || !strings.Contains(err.Error(), "flag provided but not defined") {
		t.Errorf("bad flag: err = %v", err)
	}
	if _, err := runCmd(t, "nope"); err == nil || !strings.Contains(err.Error(), `unknown command "nope"`) {
		t.Errorf("unknown command: err = %v", err)
	}
}

// TestSchemaCommand: monokit schema prints the schema editors validate
// monokit.yaml with (manifest's tests hold it to the decoder).
func TestSchemaCommand(t *testing.T) {
	out, err := runCmd(t, "schema")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["title"] != "monokit.yaml" || doc["$schema"] == nil {
		t.Errorf("not monokit.yaml's schema: %v", doc["title"])
	}
	if _, err := runCmd(t, "schema", "extra"); err == nil {
		t.Error("monokit schema took an argument")
	}
}

// TestInitCommand writes the inferred manifest of every corpus fixture whose
// own was removed, and plans every target it names.
func TestInitCommand(t *testing.T) {
	for _, fixture := range append(testkit.Corpus(), nexus) {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(dir, "monokit.yaml")); err != nil {
			t.Fatal(err)
		}
		if _, err := runCmd(t, "init", dir); err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		out, err := runCmd(t, "targets", dir)
		if err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		names := strings.Fields(out)
		if len(names) == 0 {
			t.Fatalf("%s: no targets", fixture)
		}
		// Every package the fixture's own manifest deploys is a target
		// init wrote, as `targets` prints it (name, package, preset).
		m, ws, err := testkit.Open(fixture)
		if err != nil {
			t.Fatal(err)
		}
		inferred := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				t.Fatalf("%s: targets printed %q", fixture, line)
			}
			if p := ws.Find(f[1]); p != nil {
				inferred[p.Dir] = true
			}
			if _, err := runCmd(t, "plan", "--target", f[0], dir); err != nil {
				t.Errorf("%s: plan --target %s: %v", fixture, f[0], err)
			}
		}
		for name, tg := range m.Targets {
			if p := ws.Find(tg.Package.Value); p == nil || !inferred[p.Dir] {
				t.Errorf("%s: init wrote no target for %s's package %s:\n%s", fixture, name, tg.Package.Value, out)
			}
		}
		if _, err := runCmd(t, "init", dir); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Errorf("%s: init over an existing manifest gave %v", fixture, err)
		}
	}
}

// TestZeroConfigCommands: without monokit.yaml (and without -f), plan,
// targets, llb and bake infer the manifest that init writes, say so,
// and bake's file hands the workspace's package.json to the frontend as a
// zero-config build does.
func TestZeroConfigCommands(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testkit.CorpusDir("express-tsc-refs"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "monokit.yaml")); err != nil {
		t.Fatal(err)
	}
	run2 := func(args ...string) (string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); err != nil {
			t.Fatalf("monokit %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String(), errOut.String()
	}
	want, _ := run2("init", "-o", "-", dir)
	if !strings.Contains(want, "\n  api:\n") {
		t.Fatalf("init infers no api target:\n%s", want)
	}
	for _, cmd := range []string{"targets", "plan", "llb", "bake"} {
		out, notice := run2(cmd, dir)
		if !strings.Contains(notice, "has no monokit.yaml: inferred target(s) api") || !strings.Contains(notice, "monokit init -o -") {
			t.Errorf("monokit %s says %q, want that it inferred api and where the reasons are", cmd, notice)
		}
		if out == "" {
			t.Errorf("monokit %s printed nothing", cmd)
		}
	}
	if out, _ := run2("targets", dir); strings.Fields(out)[0] != "api" {
		t.Errorf("targets: %q", out)
	}
	if out, _ := run2("bake", dir); !strings.Contains(out, `dockerfile = "package.json"`) || !strings.Contains(out, `args       = { BUILDKIT_SYNTAX = "docker.io/monokit/monokit:1" }`) {
		t.Errorf("bake file:\n%s", out)
	}
	// With a manifest, nothing is inferred and nothing is said.
	if err := os.WriteFile(filepath.Join(dir, "monokit.yaml"), []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, notice := run2("bake", dir); notice != "" || !strings.Contains(out, `dockerfile = "monokit.yaml"`) || strings.Contains(out, "BUILDKIT_SYNTAX") {
		t.Errorf("with monokit.yaml, bake says %q and writes:\n%s", notice, out)
	}
}
