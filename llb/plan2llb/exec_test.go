package plan2llb

import (
	"context"
	"os/exec"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
)

// TestShellIsolatesCommands runs shell's arguments with the host's /bin/sh: a
// user command cannot swallow, skip or rewrite the commands after it, and the
// first failure still stops the rest with its status.
func TestShellIsolatesCommands(t *testing.T) {
	for _, tc := range []struct {
		name   string
		user   string
		status int
		out    string
	}{
		{"heredoc", "cat <<EOF", 0, "after\n"},
		{"exit", "exit 0", 0, "after\n"},
		{"trailing backslash", `echo user \`, 0, "user \\\nafter\n"},
		{"unclosed quote", `echo 'user`, 2, ""},
		{"failure", "echo user; false; echo not", 1, "user\n"},
		{"status", "exit 78", 78, ""},
		{"substitution", "echo $(printf '%s' user)", 0, "user\nafter\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := shellArgs(t, []string{tc.user, "echo after"})
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Dir = t.TempDir()
			out, err := cmd.Output()
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tc.status || string(out) != tc.out {
				t.Errorf("status %d, output %q; want %d, %q", status, out, tc.status, tc.out)
			}
		})
	}
}

// shellArgs returns the exec's arguments that shell gives for cmds.
func shellArgs(t *testing.T, cmds []string) []string {
	t.Helper()
	def, err := llb.Image("scratch").Run(shell(cmds)).Root().Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			t.Fatal(err)
		}
		if e := op.GetExec(); e != nil {
			return e.Meta.Args
		}
	}
	t.Fatal("no exec")
	return nil
}
