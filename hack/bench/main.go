// Command bench measures monokit against the hand-written Dockerfiles it replaces
// (examples/nexus/docker, adapted from the seed) on the same buildkitd: cold and
// warm builds, edits at different places of the graph, a lockfile change and a
// two-platform build. It prints a markdown table and writes JSON.
//
//	hack/up && go run ./hack/bench -reps 3 -o _out/bench.json
//
// -example integration/testdata/corpus/native-modules -targets api measures a
// fixture whose production tree holds native modules compiled from source
// (better-sqlite3 through a workspace package, cpu-features, libpq) against
// pnpm's documented Dockerfile (its docker/api.Dockerfile); edit-shared-lib
// edits that workspace package.
//
// Every build goes through BuildKit's dockerfile.v0 frontend, as docker buildx
// build does: the baseline as a Dockerfile, monokit through "# syntax=" in
// monokit.yaml. Builds are solved without exporting (the cache is the result, as
// with buildx's remote driver); image sizes come from one OCI export afterwards.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/monokit/monokit/internal/testkit"
)

func main() {
	var (
		reps      = flag.Int("reps", 3, "repetitions of each scenario (the median is reported)")
		targets   = flag.String("targets", "backend,frontend", "targets to measure")
		scenarios = flag.String("scenarios", strings.Join(scenarioNames(), ","), "scenarios to run")
		out       = flag.String("o", "_out/bench.json", "where to write the JSON results")
		example   = flag.String("example", "examples/nexus", "the example monorepo")
		only      = flag.String("tools", "baseline,monokit", "tools to measure: baseline, monokit, and gateway (the baseline through BuildKit's Dockerfile frontend run as a gateway image; with no-op it shows what any \"# syntax=\" frontend pays). The baseline's two-platform build under QEMU takes many minutes")
	)
	flag.Parse()
	var picked []tool
	for _, name := range split(*only) {
		i := slices.IndexFunc(tools, func(t tool) bool { return t.name == name })
		if i < 0 {
			fmt.Fprintf(os.Stderr, "bench: unknown tool %q (baseline, gateway, monokit)\n", name)
			os.Exit(2)
		}
		picked = append(picked, tools[i])
	}
	tools = picked
	if err := run(*reps, split(*targets), split(*scenarios), *out, *example); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(reps int, targets, scenarios []string, out, example string) error {
	host := os.Getenv("BUILDKIT_HOST")
	if host == "" {
		return fmt.Errorf("BUILDKIT_HOST is unset: run hack/up and export BUILDKIT_HOST as hack/lib.sh sets it")
	}
	ctx := context.Background()
	c, err := client.New(ctx, host)
	if err != nil {
		return err
	}
	defer c.Close()
	work, err := os.MkdirTemp("", "monokit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := testkit.CopyTree(example, work); err != nil {
		return err
	}
	b := &bench{c: c, work: work, reps: reps, registry: os.Getenv("MONOKIT_REGISTRY")}
	report := Report{Cores: numCPU(), Reps: reps, Date: time.Now().UTC().Format(time.RFC3339)}
	for _, target := range targets {
		for _, name := range scenarios {
			sc, ok := scenarioByName(name)
			if !ok {
				return fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(scenarioNames(), ", "))
			}
			for _, t := range tools {
				row, err := b.measure(ctx, t, target, sc)
				if err != nil {
					return fmt.Errorf("%s %s %s: %w", t.name, target, name, err)
				}
				report.Rows = append(report.Rows, row)
				fmt.Fprintf(os.Stderr, "%-8s %-9s %-18s %s\n", t.name, target, name, row.summary())
			}
		}
		for _, t := range tools {
			if t.sameImage {
				continue
			}
			size, err := b.imageSize(ctx, t, target)
			if err != nil {
				return fmt.Errorf("%s %s image: %w", t.name, target, err)
			}
			report.Images = append(report.Images, size)
		}
	}
	report.Checks = checks(report)
	report.WriteMarkdown(os.Stdout)
	if out != "" {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		data, _ := json.MarshalIndent(report, "", "  ")
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return err
		}
	}
	for _, ch := range report.Checks {
		if !ch.Met && !ch.Skipped {
			fmt.Fprintln(os.Stderr, "target missed:", ch.Name)
		}
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianInt(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
