package llb

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monokit/monokit/solver"
)

// TestNativeScriptOptionalFailure runs native-build.js with the host's node on a
// small pnpm tree: a failing install script fails the stage, unless only
// optional dependencies reach its package, which pnpm treats as a warning.
func TestNativeScriptOptionalFailure(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "native-build.js")
	if err := os.WriteFile(script, nativeScript, 0o644); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "tree")
	for name, install := range map[string]string{"ok-addon": "echo built > built.txt", "broken-addon": "exit 3"} {
		pkg := filepath.Join(tree, "node_modules", ".pnpm", name+"@1.0.0", "node_modules", name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		pj, _ := json.Marshal(map[string]any{"name": name, "version": "1.0.0", "scripts": map[string]string{"install": install}})
		if err := os.WriteFile(filepath.Join(pkg, "package.json"), pj, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(in solver.NativeInput) (string, error) {
		data, _ := json.Marshal(in)
		input := filepath.Join(dir, "input.json")
		if err := os.WriteFile(input, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, script, tree, input).CombinedOutput()
		return string(out), err
	}
	all := []string{"broken-addon@1.0.0", "ok-addon@1.0.0"}
	if out, err := run(solver.NativeInput{Packages: all}); err == nil || !strings.Contains(out, "the install script of broken-addon@1.0.0 failed") {
		t.Errorf("a required package's failing script: err %v\n%s", err, out)
	}
	out, err := run(solver.NativeInput{Packages: all, Optional: []string{"broken-addon@1.0.0"}})
	if err != nil || !strings.Contains(out, "warning: the install script of broken-addon@1.0.0 failed") || !strings.Contains(out, "ran 1 install script(s)") {
		t.Errorf("an optional package's failing script: err %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(tree, "node_modules", ".pnpm", "ok-addon@1.0.0", "node_modules", "ok-addon", "built.txt")); err != nil {
		t.Errorf("ok-addon's install script did not run: %v", err)
	}
	// No packages named: every package with an install script.
	if out, err := run(solver.NativeInput{Optional: []string{"broken-addon@1.0.0"}}); err != nil || !strings.Contains(out, "ran 1 install script(s)") {
		t.Errorf("every package: err %v\n%s", err, out)
	}
}
