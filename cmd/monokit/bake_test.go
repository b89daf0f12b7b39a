package main

import (
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/manifest"
)

func TestBakeFile(t *testing.T) {
	m, err := manifest.Parse("monokit.yaml", []byte("version: 1\nplatforms: [linux/amd64, linux/arm64]\ntargets:\n  api.v2: {package: apps/api}\n  web: {package: apps/web}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := bakeFile(m, "deploy/${x}.yaml", "")
	for _, want := range []string{
		`targets = ["api_v2", "web"]`,
		"target \"api_v2\" {\n  context    = \".\"\n  dockerfile = \"deploy/$${x}.yaml\"\n  target     = \"api.v2\"\n  platforms  = [\"linux/amd64\", \"linux/arm64\"]\n}",
		"target \"web\" {",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bake file lacks %q:\n%s", want, got)
		}
	}
}

func TestBakeCommand(t *testing.T) {
	out, err := runCmd(t, "bake", nexus)
	if err != nil || !strings.Contains(out, `targets = ["backend", "frontend"]`) || !strings.Contains(out, `dockerfile = "monokit.yaml"`) {
		t.Errorf("monokit bake: %v\n%s", err, out)
	}
}
