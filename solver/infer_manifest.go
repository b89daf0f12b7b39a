package solver

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strconv.Quote(x)
	}
	return out
}

// InferredYAML is the manifest for the inferred targets, with a comment on
// every value saying why; skipped lists targets left out, with the reason.
func InferredYAML(targets []InferredTarget, skipped map[string]string) []byte {
	var b strings.Builder
	b.WriteString("# syntax=docker.io/monokit/monokit:1\n")
	b.WriteString("# Inferred from the workspace by monokit: each value says why it was chosen.\n")
	b.WriteString("# What this file sets is used as is; edit it freely.\n")
	b.WriteString("version: 1\n")
	if len(targets) == 0 {
		b.WriteString("targets: {}\n")
	} else {
		b.WriteString("targets:\n")
	}
	for _, t := range targets {
		fmt.Fprintf(&b, "  # %s\n", t.Why)
		fmt.Fprintf(&b, "  %s:\n", t.Name)
		fmt.Fprintf(&b, "    package: %s\n", strconv.Quote(t.Package.Selector()))
		if t.Preset == manifest.PresetNext {
			b.WriteString("    preset: next\n")
		}
		if t.Port > 0 {
			fmt.Fprintf(&b, "    # %s\n    port: %d\n", t.PortWhy, t.Port)
		}
		if t.Health != "" && t.Port > 0 {
			fmt.Fprintf(&b, "    # %s\n    healthcheck: %s\n", t.HealthOK, t.Health)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(skipped)) {
		fmt.Fprintf(&b, "# not a target: %s: %s\n", name, oneLine(skipped[name]))
	}
	return []byte(b.String())
}

// oneLine keeps a comment on one line, clipped on a rune boundary (the
// manifest refuses invalid UTF-8).
func oneLine(s string) string { return diag.Clip(strings.Join(strings.Fields(s), " ")) }

// InferManifest infers the targets, keeps those that plan, and returns the
// manifest's YAML and the manifest parsed from it.
func InferManifest(ws *pnpm.Workspace, sources fs.FS) ([]byte, *manifest.Manifest, error) {
	targets := Infer(ws, sources)
	skipped := map[string]string{}
	for {
		if len(targets) == 0 {
			return InferredYAML(targets, skipped), nil, fmt.Errorf("no target could be inferred from the workspace: no package that nothing depends on is a Next.js app or has a start script, a bin or a main%s; write a monokit.yaml (monokit schema documents it)", skippedSummary(skipped))
		}
		data := InferredYAML(targets, skipped)
		m, err := manifest.Parse(InferredName, data)
		if err != nil {
			return data, nil, fmt.Errorf("monokit bug: the inferred manifest does not parse: %w", err)
		}
		var keep []InferredTarget
		for _, t := range targets {
			if _, err := SolveTarget(m, ws, t.Name); err != nil {
				skipped[t.Package.Dir] = err.Error()
				continue
			}
			keep = append(keep, t)
		}
		if len(keep) == len(targets) {
			return data, m, nil
		}
		targets = keep
	}
}

func skippedSummary(skipped map[string]string) string {
	if len(skipped) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(skipped)) {
		parts = append(parts, k+": "+oneLine(skipped[k]))
	}
	return " that plans (" + strings.Join(parts, "; ") + ")"
}
