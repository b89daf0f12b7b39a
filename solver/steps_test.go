package solver

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/solver/plan"

	"github.com/monokit/monokit/internal/testskip"
)

// TestOutputCheckQuotes runs the output check with sh: a package name or an
// output path holding shell syntax is printed, never run.
func TestOutputCheckQuotes(t *testing.T) {
	dir := t.TempDir()
	s := &plan.Stage{Package: "@a/$(touch pwned)`touch pwned2`", Dir: "pkg", Outputs: []string{"pkg/dist", "pkg/o'dd $(touch pwned3)"}}
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

// TestHealthScriptQuotes runs the HEALTHCHECK's script with the host's node:
// a path with quotes, code or a trailing backslash stays part of the URL.
func TestHealthScriptQuotes(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testskip.Skip(t, "no node on PATH")
	}
	dir := t.TempDir()
	for _, p := range []string{
		`/h'+require('fs').writeFileSync('pwned','')+'`,
		`/h"+require("fs").writeFileSync("pwned2","")+"`,
		`/h\`,
	} {
		cmd := exec.Command(node, "-e", healthScript(1, p, time.Second))
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		// Nothing listens on port 1: the check fails cleanly (exit 1), not
		// with a syntax error (exit 1 too, but with output).
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || len(out) != 0 {
			t.Errorf("%q: err %v, output %s", p, err, out)
		}
	}
	for _, f := range []string{"pwned", "pwned2"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("the health check ran code from the path (%s)", f)
		}
	}
}
