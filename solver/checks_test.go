package solver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputCheckQuotes runs the output check with sh: a package name or an
// output path holding shell syntax is printed, never run.
func TestOutputCheckQuotes(t *testing.T) {
	dir := t.TempDir()
	s := &Stage{Package: "@a/$(touch pwned)`touch pwned2`", Dir: "pkg", Outputs: []string{"pkg/dist", "pkg/o'dd $(touch pwned3)"}}
	if err := os.Mkdir(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", "-c", outputCheck(s))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "the build of @a/$(touch pwned)`touch pwned2` wrote no o'dd $(touch pwned3)") {
		t.Errorf("check: err %v, output %q", err, out)
	}
	for _, f := range []string{"pwned", "pwned2", "pwned3"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("the check ran %s", f)
		}
	}
}
