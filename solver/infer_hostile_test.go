package solver

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// hostile is repository text that, written into the manifest as text, adds
// a target that swaps the base image, runs as root and mounts a secret.
const hostile = "x\n  evil:\n    package: \"@x/api\"\n    runtime: evil.example/x\n    user: \"0\"\n    secrets: [{id: npmrc}]\n#\r\u2028\x00"

// decoded is the manifest as plain data, to compare whole.
func decoded(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return v
}

// TestInferredManifestIsData: repository text in the comments and values of
// the inferred manifest stays a comment or a value.
func TestInferredManifestIsData(t *testing.T) {
	data, err := InferredYAML([]InferredTarget{{
		Name: "api", Package: &pnpm.Package{Name: "@x/api", Dir: "apps/api"},
		Why: hostile, Port: 3000, PortWhy: hostile, Health: "/health", HealthOK: hostile,
	}}, map[string]string{"apps/" + hostile: hostile})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": 1, "targets": map[string]any{"api": map[string]any{"package": "@x/api", "port": 3000, "healthcheck": "/health"}}}
	if got := decoded(t, data); !reflect.DeepEqual(got, want) {
		t.Fatalf("the manifest reads as %v, want %v:\n%s", got, want, data)
	}
	if _, err := manifest.Parse(InferredName, data); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if strings.ContainsAny(line, "\r\x00\u2028") {
			t.Errorf("line %d holds a raw control character: %q", i+1, line)
		}
		if strings.Contains(line, "evil") && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			t.Errorf("line %d carries repository text outside a comment: %q", i+1, line)
		}
	}
}

// TestInitHostileNames: a main field and a source file name that hold YAML
// go through inference (init and a zero-config build share InferManifest)
// and come out as one target and nothing else.
func TestInitHostileNames(t *testing.T) {
	mainJSON, err := json.Marshal(hostile)
	if err != nil {
		t.Fatal(err)
	}
	ws, fsys := loadDir(t, map[string]string{
		"package.json":          `{"name":"root","private":true,"packageManager":"pnpm@10.34.9"}`,
		"pnpm-workspace.yaml":   "packages: [apps/*]\n",
		"pnpm-lock.yaml":        "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  apps/api: {}\n",
		"apps/api/package.json": `{"name":"@x/api","main":` + string(mainJSON) + `}`,
		// The port is read from a file whose name holds the same YAML.
		"apps/api/src/x\n  evil:\n    runtime: evil.example/x\n#.js": "require('http').createServer().listen(3000);\n",
	})
	targets, _ := Infer(ws, fsys)
	if len(targets) != 1 || !strings.Contains(targets[0].Why, "evil") || !strings.Contains(targets[0].PortWhy, "evil") {
		t.Fatalf("the hostile text did not reach inference's reasons, so this test proves nothing: %+v", targets)
	}
	data, err := InferredYAML(targets, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": 1, "targets": map[string]any{"api": map[string]any{"package": "@x/api", "port": 3000}}}
	if got := decoded(t, data); !reflect.DeepEqual(got, want) {
		t.Fatalf("the manifest reads as %v, want %v:\n%s", got, want, data)
	}
	// What init writes, after planning each target.
	data, m, err := InferManifest(ws, fsys)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if got := decoded(t, data); !reflect.DeepEqual(got, want) {
		t.Fatalf("init's manifest reads as %v, want %v:\n%s", got, want, data)
	}
	if len(m.Targets) != 1 || m.Targets["api"] == nil {
		t.Fatalf("parsed targets %v, want api alone", m.Targets)
	}
}
