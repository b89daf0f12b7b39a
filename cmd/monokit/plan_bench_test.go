package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/monokit/monokit/internal/testkit"
)

// runAsCLI makes this test binary run as monokit itself (TestMain), so a
// benchmark can measure the CLI's own peak memory.
const runAsCLI = "MONOKIT_TEST_RUN_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCLI) != "" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// BenchmarkPlanLargeWorkspace is `monokit plan --json` on a synthetic
// workspace of 1,000 packages with a 5 MB lockfile, in process, for each
// shape of workspace (testkit.Tree, testkit.Chain); it also reports the peak
// RSS of one run of the CLI (this test binary, re-executed as monokit) as
// maxRSS-MB.
func BenchmarkPlanLargeWorkspace(b *testing.B) {
	for _, shape := range []struct {
		name  string
		shape testkit.Shape
	}{{"tree", testkit.Tree}, {"chain", testkit.Chain}} {
		b.Run(shape.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := testkit.Synthetic(dir, 1000, 5<<20, shape.shape); err != nil {
				b.Fatal(err)
			}
			args := []string{"plan", "--json", "--target", "app", dir}
			b.ResetTimer()
			for b.Loop() {
				if err := run(context.Background(), args, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var stderr bytes.Buffer
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), runAsCLI+"=1")
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				b.Fatalf("%v\n%s", err, stderr.String())
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				b.ReportMetric(float64(ru.Maxrss)/1024, "maxRSS-MB")
			}
		})
	}
}
