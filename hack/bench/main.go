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
// monokit.yaml, and (-tools turbo) Turborepo's documented recipe, turbo prune
// --docker, adapted as the baseline is (docker/<target>.turbo.Dockerfile).
// -tools traced is monokit with --build-arg MONOKIT_PRUNE=trace: its
// production tree traced (prune: trace, issue 28).
// Builds are solved without exporting (the cache is the result, as with
// buildx's remote driver); image sizes come from one OCI export afterwards.
// With MONOKIT_REGISTRY set (hack/benchmark sets it), no-op and the edits
// also push each build's image, untimed, to that registry and record the
// bytes and the layers it lacked (push.go); the bench reads the registry's
// blobs from its directory, MONOKIT_REGISTRY_DIR (default hack/lib.sh's
// $STATE/registry, where hack/start serves it).
//
// The report records what was measured on what (env.go: the commit and whether
// the tree was dirty, the CPU, the daemon's BuildKit version, Go, the flags) and
// evaluates the targets monokit claims (goals.go), a pass or miss line each.
// -check exits non-zero when a goal is missed; -md docs/benchmark.md
// rewrites that file's generated section (docmd.go); -from results.json renders
// saved results again, without a daemon:
//
//	hack/benchmark -reps 3 -tools baseline,gateway,monokit -md docs/benchmark.md -check
//	go run ./hack/bench -from _out/bench.json -md docs/benchmark.md -check
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
		out       = flag.String("o", "_out/bench.json", "where to write the JSON results (with -from, only when given)")
		example   = flag.String("example", "examples/nexus", "the example monorepo")
		only      = flag.String("tools", "baseline,monokit", "tools to measure: baseline, monokit, gateway (the baseline through BuildKit's Dockerfile frontend run as a gateway image; with no-op it shows what any \"# syntax=\" frontend pays), turbo (Turborepo's documented recipe, docker/<target>.turbo.Dockerfile) and traced (monokit with --build-arg MONOKIT_PRUNE=trace: its production tree traced, issue 28). The Dockerfiles' two-platform builds under QEMU take many minutes")
		from      = flag.String("from", "", "render saved JSON results (-o of an earlier run) instead of building: the goals are evaluated again, -md and -check apply")
		md        = flag.String("md", "", "markdown file (docs/benchmark.md) whose generated section to replace with this report, or insert above its hand-written history")
		name      = flag.String("section", "", "the generated section's name in -md's file (default: the example's directory name)")
		check     = flag.Bool("check", false, "exit non-zero (status 3; go run reports 1) when a goal (goals.go) is missed, naming each with its measurement and target")
	)
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	var report Report
	if *from != "" {
		r, err := readReport(*from)
		if err != nil {
			fail(err)
		}
		report = r
		if !flagSet("o") {
			*out = ""
		}
	} else {
		var picked []tool
		for _, name := range split(*only) {
			i := slices.IndexFunc(tools, func(t tool) bool { return t.name == name })
			if i < 0 {
				fmt.Fprintf(os.Stderr, "bench: unknown tool %q (%s)\n", name, strings.Join(toolNames(), ", "))
				os.Exit(2)
			}
			picked = append(picked, tools[i])
		}
		tools = picked
		r, err := run(*reps, split(*targets), split(*scenarios), *example, os.Args[1:])
		if err != nil {
			// Keep what was measured before the failure: -from renders it.
			if len(r.Rows) > 0 && *out != "" {
				r.Checks = evaluate(r, goals)
				if werr := writeJSON(*out, r); werr == nil {
					fmt.Fprintf(os.Stderr, "bench: the rows measured before the failure are in %s\n", *out)
				}
			}
			fail(err)
		}
		report = r
	}
	report.Checks = evaluate(report, goals)
	report.WriteMarkdown(os.Stdout)
	if *out != "" {
		if err := writeJSON(*out, report); err != nil {
			fail(err)
		}
	}
	if *md != "" {
		sec := *name
		if sec == "" {
			sec = sectionName(report.Env.Example)
		}
		if err := writeSection(*md, sec, report); err != nil {
			fail(err)
		}
		fmt.Fprintf(os.Stderr, "bench: wrote section %q of %s\n", sec, *md)
	}
	misses := missed(report.Checks)
	for _, m := range misses {
		fmt.Fprintln(os.Stderr, "target missed:", m)
	}
	if *check && len(misses) > 0 {
		fmt.Fprintf(os.Stderr, "bench: %d of %d goals missed\n", len(misses), len(report.Checks))
		os.Exit(3)
	}
}

// flagSet reports whether the command line set the flag.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// sectionName names a report's section by its example's directory.
func sectionName(example string) string {
	if example == "" {
		return "results"
	}
	return filepath.Base(filepath.Clean(example))
}

func writeJSON(path string, r Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// toolNames are the tools -tools knows.
func toolNames() []string {
	var out []string
	for _, t := range tools {
		out = append(out, t.name)
	}
	return out
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

func run(reps int, targets, scenarios []string, example string, args []string) (Report, error) {
	for _, name := range scenarios {
		if _, ok := scenarioByName(name); !ok {
			return Report{}, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(scenarioNames(), ", "))
		}
	}
	host := os.Getenv("BUILDKIT_HOST")
	if host == "" {
		return Report{}, fmt.Errorf("BUILDKIT_HOST is unset: run hack/up and export BUILDKIT_HOST as hack/lib.sh sets it")
	}
	ctx := context.Background()
	c, err := client.New(ctx, host)
	if err != nil {
		return Report{}, err
	}
	defer c.Close()
	work, err := os.MkdirTemp("", "monokit-bench-")
	if err != nil {
		return Report{}, err
	}
	defer os.RemoveAll(work)
	if err := testkit.CopyTree(example, work); err != nil {
		return Report{}, err
	}
	b := &bench{c: c, work: work, reps: reps, registry: os.Getenv("MONOKIT_REGISTRY"), registryDir: registryDir(os.Getenv)}
	if b.noPush = pushCheck(b.registry, b.registryDir); b.noPush != "" {
		fmt.Fprintln(os.Stderr, "bench: pushes are not measured:", b.noPush)
	}
	report := Report{Env: environment(ctx, c, example, args), Reps: reps}
	for _, target := range targets {
		for _, name := range scenarios {
			sc, _ := scenarioByName(name)
			for _, t := range tools {
				row, err := b.measure(ctx, t, target, sc)
				if err != nil {
					return report, fmt.Errorf("%s %s %s: %w", t.name, target, name, err)
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
				return report, fmt.Errorf("%s %s image: %w", t.name, target, err)
			}
			report.Images = append(report.Images, size)
		}
	}
	return report, nil
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
