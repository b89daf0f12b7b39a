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

// TestSelectScript runs select-platform.js with the host's node on a traced
// tree built for linux/x64: for linux/arm64 it drops what production does not
// install and the x64 binary package, and leaves the rest; a parent the
// lockfile pins no arm64 package for is a warning. (Fetching the
// target's packages needs the registry: TestTwoPlatformImages covers it.)
func TestSelectScript(t *testing.T) {
	node, script, dir := helperScript(t, planner.SelectScript)
	tree := filepath.Join(dir, "tree")
	store := filepath.Join(tree, "node_modules/.pnpm")
	pkg := func(entry, name, pj string) string {
		d := filepath.Join(store, entry, "node_modules", name)
		mustWrite(t, filepath.Join(d, "package.json"), pj)
		return d
	}
	pkg("typescript@5.0.0", "typescript", `{"name":"typescript","version":"5.0.0"}`)
	pkg("sharp@1.0.0", "sharp", `{"name":"sharp","version":"1.0.0"}`)
	x64 := pkg("@img+sharp-linux-x64@1.0.0", "@img/sharp-linux-x64", `{"name":"@img/sharp-linux-x64","version":"1.0.0","os":["linux"],"cpu":["x64"],"libc":["glibc"]}`)
	link := filepath.Join(store, "sharp@1.0.0/node_modules/@img/sharp-linux-x64")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../@img+sharp-linux-x64@1.0.0/node_modules/@img/sharp-linux-x64", link); err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(planner.SelectInput{Libc: "glibc", StoreDir: "/nonexistent", Prod: []string{"sharp@1.0.0", "@img/sharp-linux-x64@1.0.0"}, Parents: []string{"sharp@1.0.0"}})
	input := filepath.Join(dir, "select.json")
	mustWrite(t, input, string(in))
	cmd := exec.Command(node, script, tree, input)
	cmd.Env = append(os.Environ(), planner.TargetOSEnv+"=linux", planner.TargetCPUEnv+"=arm64")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, gone := range []string{filepath.Join(store, "typescript@5.0.0"), x64, link} {
		if _, err := os.Lstat(gone); err == nil {
			t.Errorf("%s is still there\n%s", gone, out)
		}
	}
	if _, err := os.Stat(filepath.Join(store, "sharp@1.0.0/node_modules/sharp/package.json")); err != nil {
		t.Errorf("sharp itself was removed: %v\n%s", err, out)
	}
	// The lockfile here pins no arm64 package for sharp: a warning, no failure.
	if !strings.Contains(string(out), "dropping typescript@5.0.0") || !strings.Contains(string(out), "pins no linux/arm64 (glibc) package among sharp@1.0.0") {
		t.Errorf("output:\n%s", out)
	}
}
