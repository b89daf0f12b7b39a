package plan2llb

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monokit/monokit/planner"
)

// TestNativeScriptOptionalFailure runs native-build.js with the host's node on a
// small pnpm tree: a failing install script fails the stage, unless only
// optional dependencies reach its package, which pnpm treats as a warning.
func TestNativeScriptOptionalFailure(t *testing.T) {
	node, script, dir := helperScript(t, planner.NativeScript)
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
	run := func(in planner.NativeInput) (string, error) {
		data, _ := json.Marshal(in)
		input := filepath.Join(dir, "input.json")
		if err := os.WriteFile(input, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, script, tree, input).CombinedOutput()
		return string(out), err
	}
	all := []string{"broken-addon@1.0.0", "ok-addon@1.0.0"}
	if out, err := run(planner.NativeInput{Packages: all}); err == nil || !strings.Contains(out, "the install script of broken-addon@1.0.0 failed") {
		t.Errorf("a required package's failing script: err %v\n%s", err, out)
	}
	out, err := run(planner.NativeInput{Packages: all, Optional: []string{"broken-addon@1.0.0"}})
	if err != nil || !strings.Contains(out, "warning: the install script of broken-addon@1.0.0 failed") || !strings.Contains(out, "ran 1 install script(s)") {
		t.Errorf("an optional package's failing script: err %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(tree, "node_modules", ".pnpm", "ok-addon@1.0.0", "node_modules", "ok-addon", "built.txt")); err != nil {
		t.Errorf("ok-addon's install script did not run: %v", err)
	}
	// No packages named: every package with an install script.
	if out, err := run(planner.NativeInput{Optional: []string{"broken-addon@1.0.0"}}); err != nil || !strings.Contains(out, "ran 1 install script(s)") {
		t.Errorf("every package: err %v\n%s", err, out)
	}
}

// TestNativeScriptLibs runs native-build.js's library step with the host's node
// and ldd: an addon's libraries that the runtime root lacks are copied under
// /usr/lib, those it has are not, and a library nothing provides fails the
// stage for an addon an install script wrote but only warns for one the
// package shipped.
func TestNativeScriptLibs(t *testing.T) {
	if _, err := exec.LookPath("ldd"); err != nil {
		t.Skip("no ldd on PATH")
	}
	ssl, _ := filepath.Glob("/usr/lib/*/libssl.so.3")
	if len(ssl) == 0 {
		t.Skip("no libssl.so.3 on the host to stand in for an addon")
	}
	node, script, dir := helperScript(t, planner.NativeScript)
	triplet := filepath.Base(filepath.Dir(ssl[0]))
	// The runtime has libc only, on a merged /usr.
	runtime := filepath.Join(dir, "runtime")
	mustWrite(t, filepath.Join(runtime, "usr/lib", triplet, "libc.so.6"), "")
	if err := os.Symlink("usr/lib", filepath.Join(runtime, "lib")); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "tree")
	pkg := filepath.Join(tree, "node_modules/.pnpm/tls-addon@1.0.0/node_modules/tls-addon")
	data, err := os.ReadFile(ssl[0])
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(pkg, "build/Release/tls.node"), string(data))
	mustWrite(t, filepath.Join(pkg, "package.json"), `{"name":"tls-addon","version":"1.0.0"}`)
	libs := filepath.Join(dir, "out/libs")
	run := func() (string, error) {
		in, _ := json.Marshal(planner.NativeInput{Packages: []string{"tls-addon@1.0.0"}, Libs: libs, Runtime: runtime})
		input := filepath.Join(dir, "input.json")
		mustWrite(t, input, string(in))
		out, err := exec.Command(node, script, tree, input).CombinedOutput()
		return string(out), err
	}
	out, err := run()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(libs, "usr/lib", triplet, "libcrypto.so.3")); err != nil {
		t.Errorf("libcrypto.so.3 not added: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(libs, "usr/lib", triplet, "libc.so.6")); err == nil {
		t.Errorf("libc.so.6 added although the runtime has it\n%s", out)
	}
	if !strings.Contains(out, "tls-addon/build/Release/tls.node links libcrypto.so.3") {
		t.Errorf("output does not say which addon needs libcrypto.so.3:\n%s", out)
	}

	// An addon linking a library that exists nowhere.
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc to link an addon against a library that then disappears")
	}
	build := t.TempDir()
	mustWrite(t, filepath.Join(build, "gone.c"), "int gone(void) { return 1; }\n")
	mustWrite(t, filepath.Join(build, "addon.c"), "int gone(void);\nint addon(void) { return gone(); }\n")
	for _, args := range [][]string{
		{"-shared", "-fPIC", "-o", filepath.Join(build, "libgone.so.1"), "-Wl,-soname,libgone.so.1", filepath.Join(build, "gone.c")},
		{"-shared", "-fPIC", "-o", filepath.Join(pkg, "build/Release/gone.node"), filepath.Join(build, "addon.c"), filepath.Join(build, "libgone.so.1")},
	} {
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %v: %v\n%s", args, err, out)
		}
	}
	// Prebuilt (no script ran for it): a warning.
	if out, err := run(); err != nil || !strings.Contains(out, "warning: tls-addon/build/Release/gone.node links libgone.so.1") {
		t.Errorf("prebuilt addon with a missing library: err %v\n%s", err, out)
	}
	// Written by an install script here: the stage fails and names the library.
	if err := os.Rename(filepath.Join(pkg, "build/Release/gone.node"), filepath.Join(pkg, "gone.bin")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(pkg, "package.json"), `{"name":"tls-addon","version":"1.0.0","scripts":{"install":"cp gone.bin build/Release/gone.node"}}`)
	if out, err := run(); err == nil || !strings.Contains(out, "libgone.so.1") || !strings.Contains(out, "system-packages") {
		t.Errorf("compiled addon with a missing library: err %v\n%s", err, out)
	}
}

// helperScript writes one of monokit's helper scripts into a temporary
// directory, for the host's node to run (skipping the test without one).
func helperScript(t *testing.T, name string) (node, script, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	dir = t.TempDir()
	script = filepath.Join(dir, filepath.Base(name))
	mustWrite(t, script, string(helpers[name]))
	return node, script, dir
}

func mustWrite(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
