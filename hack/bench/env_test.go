package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
)

func TestCPUModel(t *testing.T) {
	for _, tc := range []struct{ cpuinfo, want string }{
		{"processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n", "AMD EPYC 7B13"},
		{"processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n", "CPU implementer 0x41 part 0xd0c"},
		{"processor\t: 0\nHardware\t: BCM2835\nCPU part\t: 0xd08\n", "BCM2835"},
		{"", ""},
	} {
		if got := cpuModel(strings.NewReader(tc.cpuinfo)); got != tc.want {
			t.Errorf("cpuModel(%q) = %q, want %q", tc.cpuinfo, got, tc.want)
		}
	}
}

func TestEnvLines(t *testing.T) {
	e := Env{
		Date: "2026-12-07T10:00:00Z", Commit: "0a398d8c1234567890abcdef", Dirty: true,
		CPUModel: "AMD EPYC", CPUs: 2,
		BuildKit:       client.BuildkitVersion{Package: "github.com/moby/buildkit", Version: "v0.34.2", Revision: "abcdef0123456789"},
		BuildKitClient: "v0.34.2", Worker: "oci, overlayfs snapshotter, linux/amd64 linux/arm64",
		Go: "go1.26.8 linux/amd64", Example: "examples/nexus", Args: []string{"-reps", "3", "-md", "docs/benchmark.md"},
	}
	got := strings.Join(e.lines(3), "\n")
	want := strings.Join([]string{
		"date: 2026-12-07T10:00:00Z",
		"commit: `0a398d8c1234`, with uncommitted changes",
		"CPU: AMD EPYC, 2 CPUs",
		"BuildKit: daemon v0.34.2 (abcdef012345), client v0.34.2; worker: oci, overlayfs snapshotter, linux/amd64 linux/arm64",
		"Go: go1.26.8 linux/amd64",
		"command: `hack/benchmark -reps 3 -md docs/benchmark.md`",
		"median of 3 repetitions",
	}, "\n")
	if got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
}

// TestEnvironment reads this checkout and machine, without a daemon.
func TestEnvironment(t *testing.T) {
	e := environment(t.Context(), nil, "examples/nexus", []string{"-reps", "1"})
	if e.Date == "" || e.CPUs < 1 || !strings.HasPrefix(e.Go, "go") || e.Example != "examples/nexus" {
		t.Errorf("%+v", e)
	}
	if _, err := exec.LookPath("git"); err == nil && len(e.Commit) != 40 {
		t.Errorf("commit %q", e.Commit)
	}
}
