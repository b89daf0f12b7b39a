package solver

import (
	"testing"

	"github.com/monokit/monokit/internal/diag"
)

func TestGlibcBuildImage(t *testing.T) {
	for v, want := range map[string]string{
		"24":      "node:24-trixie-slim",
		"24.4.0":  "node:24.4.0-bookworm-slim",
		"24.4.1":  "node:24.4.1-bookworm-slim",
		"24.5.0":  "node:24.5.0-trixie-slim",
		"24.21.0": "node:24.21.0-trixie-slim",
		"22.17.1": "node:22.17.1-bookworm-slim",
		"22.18.0": "node:22.18.0-trixie-slim",
		"22":      "node:22-trixie-slim",
		"20.19.3": "node:20.19.3-bookworm-slim",
		"20.19.4": "node:20.19.4-trixie-slim",
		"20.20.0": "node:20.20.0-trixie-slim",
		"18":      "node:18-bookworm-slim",
		"18.20.8": "node:18.20.8-bookworm-slim",
		"23.11.1": "node:23.11.1-bookworm-slim",
		"25.0.0":  "node:25.0.0-trixie-slim",
		"26.10.0": "node:26.10.0-trixie-slim",
	} {
		ver, err := exactOrMajor(v, "test", diag.Pos{})
		if err != nil {
			t.Fatal(err)
		}
		if got := glibcBuildImage(ver); got != want {
			t.Errorf("%s: got %s, want %s", v, got, want)
		}
	}
}
