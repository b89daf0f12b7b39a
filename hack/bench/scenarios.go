package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/moby/buildkit/client"
)

// scenario is one situation a CI build meets.
type scenario struct {
	name string
	// cold prunes all build cache (cache mounts included) before the build;
	// otherwise the unmodified example is built first, unmeasured, so every
	// repetition starts from the same warm cache.
	cold bool
	// edit changes the working copy for a target; it returns the undo.
	edit func(b *bench, target string, rep int) (func() error, error)
	// files are, by target, the file the scenario edits (see editFile); a
	// target without one skips it (it belongs to another example).
	files map[string]string
	// export appends an export instead of a comment.
	export    bool
	platforms string
	// registryCache is CI on an ephemeral builder: the unmodified example's
	// cache is exported to the registry (mode=max), the daemon's whole cache
	// is pruned, and the measured build imports the registry cache.
	registryCache bool
	// gc is a daemon under garbage-collection pressure, as on a builder that
	// has built other things: after the warm build, an app edit is built,
	// then the daemon drops every result that build did not use (BuildKit's
	// collector removes the least recently used first), then the measured
	// edit.
	gc bool
	// push: the image the warm-up and each measured build made is pushed
	// to the registry (push.go), to see what the edit costs it: scenarios
	// that edit the warm cache's image, and no-op.
	push bool
}

var scenarios = []scenario{
	{name: "cold", cold: true},
	{name: "no-op", push: true},
	{name: "edit-app", files: appFiles, push: true},
	{name: "edit-shared-types", export: true, push: true, files: map[string]string{"backend": "packages/shared-types/src/index.ts", "frontend": "packages/shared-types/src/index.ts"}},
	{name: "edit-shared-types-gc", export: true, gc: true, files: map[string]string{"backend": "packages/shared-types/src/index.ts", "frontend": "packages/shared-types/src/index.ts"}},
	{name: "edit-ui", export: true, push: true, files: map[string]string{"backend": "packages/ui/src/index.ts", "frontend": "packages/ui/src/index.ts"}},
	// A shared package that wraps native modules (the native-modules
	// corpus fixture: -example integration/testdata/corpus/native-modules
	// -targets api).
	{name: "edit-shared-lib", export: true, push: true, files: map[string]string{"api": "packages/db/src/index.ts"}},
	{name: "edit-shared-lib-gc", export: true, gc: true, files: map[string]string{"api": "packages/db/src/index.ts"}},
	// Its new dependencies repeat from one run to the next: a dependencies
	// layer an earlier run pushed is in the registry already.
	{name: "add-dep-backend", push: true, edit: func(b *bench, _ string, rep int) (func() error, error) {
		return b.addDependency(rep)
	}},
	// Cold, to compare with the one-platform cold build.
	{name: "two-platforms", cold: true, platforms: "linux/amd64,linux/arm64"},
	{name: "ci-registry-cache", registryCache: true, files: appFiles},
}

// appFiles are a source file of each target's app.
var appFiles = map[string]string{"backend": "services/backend/src/health.controller.ts", "frontend": "apps/frontend/app/page.tsx", "api": "apps/api/server.js"}

// editFile appends to the scenario's file for target: a comment, or an
// export so a shared package's build output changes.
func (b *bench) editFile(sc scenario, target string) (func() error, error) {
	text := fmt.Sprintf("\n// bench edit %d\n", time.Now().UnixNano())
	if sc.export {
		text = fmt.Sprintf("\nexport const benchEdit = %d;\n", time.Now().UnixNano())
	}
	return b.appendTo(sc.files[target], text)
}

func scenarioNames() []string {
	var out []string
	for _, s := range scenarios {
		out = append(out, s.name)
	}
	return out
}

func scenarioByName(n string) (scenario, bool) {
	for _, s := range scenarios {
		if s.name == n {
			return s, true
		}
	}
	return scenario{}, false
}

// appendTo appends text to a file of the working copy.
func (b *bench) appendTo(rel, text string) (func() error, error) {
	p := filepath.Join(b.work, rel)
	orig, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(p, append(append([]byte{}, orig...), text...), 0o644); err != nil {
		return nil, err
	}
	return func() error { return os.WriteFile(p, orig, 0o644) }, nil
}

// newDeps are small registry packages the backend gains, a different one per
// repetition so no repetition finds the previous one's install in the cache.
var newDeps = []string{"ms@2.1.3", "is-number@7.0.0", "left-pad@1.3.0", "kleur@4.1.5", "picocolors@1.1.1", "escape-html@1.0.3", "bytes@3.1.2"}

// addDependency adds a dependency to the backend with the pinned pnpm, updating
// package.json and pnpm-lock.yaml as a developer would.
func (b *bench) addDependency(rep int) (func() error, error) {
	files := []string{"services/backend/package.json", "pnpm-lock.yaml"}
	saved := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(b.work, f))
		if err != nil {
			return nil, err
		}
		saved[f] = data
	}
	undo := func() error {
		for f, data := range saved {
			if err := os.WriteFile(filepath.Join(b.work, f), data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	dep := newDeps[rep%len(newDeps)]
	cmd := exec.Command("npx", "--yes", "pnpm@10.34.9", "--filter", "@nexus/backend", "add", dep, "--lockfile-only", "--ignore-scripts")
	cmd.Dir = b.work
	if out, err := cmd.CombinedOutput(); err != nil {
		undo()
		return nil, fmt.Errorf("pnpm add %s: %v\n%s", dep, err, out)
	}
	return undo, nil
}

// noFileToEdit is a row's Skipped for a scenario that edits a file the
// target does not have (the scenario belongs to another example).
const noFileToEdit = "no file to edit for this target"

// Row is the result of one tool, target and scenario.
type Row struct {
	Tool         string          `json:"tool"`
	Target       string          `json:"target"`
	Scenario     string          `json:"scenario"`
	Skipped      string          `json:"skipped,omitempty"`
	Wall         time.Duration   `json:"wallNs"`
	Walls        []time.Duration `json:"wallsNs"`
	ExecRan      int64           `json:"execRan"`
	ExecCached   int64           `json:"execCached"`
	ContextBytes int64           `json:"contextBytes"`
	// RanSteps are the exec steps that ran in the last repetition.
	RanSteps []string `json:"ranSteps"`
	// StepSeconds are how long the RUN steps that ran took, summed by stage
	// (build.go's stepTimes): the median over the repetitions it ran in.
	StepSeconds map[string]float64 `json:"stepSeconds,omitempty"`
	// Pushed: the scenario's pushes were measured (push.go). PushedBytes
	// is the median of what each repetition's push sent (layers and config);
	// PushedLayers, the created_by of each layer blob the last one sent.
	// PushSkipped says why a scenario that pushes was not measured.
	Pushed       bool     `json:"pushed,omitempty"`
	PushedBytes  int64    `json:"pushedBytes,omitempty"`
	PushedLayers []string `json:"pushedLayers,omitempty"`
	PushSkipped  string   `json:"pushSkipped,omitempty"`
}

func (r Row) summary() string {
	if r.Skipped != "" {
		return "skipped: " + r.Skipped
	}
	s := fmt.Sprintf("%7.1fs  exec ran %d cached %d  context %s", r.Wall.Seconds(), r.ExecRan, r.ExecCached, human(r.ContextBytes))
	if r.Pushed {
		s += "  pushed " + human(r.PushedBytes)
	}
	return s
}

func (b *bench) measure(ctx context.Context, t tool, target string, sc scenario) (Row, error) {
	row := Row{Tool: t.name, Target: target, Scenario: sc.name}
	if sc.platforms != "" && !t.crossBuilds && !emulates("aarch64") {
		row.Skipped = "the Dockerfiles run every step on the target platform and this machine has no arm64 emulation (binfmt)"
		return row, nil
	}
	if _, ok := sc.files[target]; sc.files != nil && !ok {
		row.Skipped = noFileToEdit
		return row, nil
	}
	var ran, cached, bytes, pushed []int64
	steps := map[string][]time.Duration{}
	pushes := sc.push && b.noPush == ""
	if sc.push {
		row.PushSkipped = b.noPush
	}
	for rep := range b.reps {
		var cacheFrom []func(*client.SolveOpt)
		switch {
		case sc.registryCache:
			if b.registry == "" {
				row.Skipped = "no registry: set MONOKIT_REGISTRY (hack/benchmark does)"
				return row, nil
			}
			ref := fmt.Sprintf("%s/monokit-bench/cache-%s-%s:%d", b.registry, t.name, target, time.Now().UnixNano())
			entry := func(attrs map[string]string) []client.CacheOptionsEntry {
				return []client.CacheOptionsEntry{{Type: "registry", Attrs: attrs}}
			}
			export := func(o *client.SolveOpt) { o.CacheExports = entry(map[string]string{"ref": ref, "mode": "max"}) }
			if _, err := b.build(ctx, t, target, "", nil, export); err != nil {
				return row, fmt.Errorf("exporting the registry cache: %w", err)
			}
			if err := b.c.Prune(ctx, nil, client.PruneAll); err != nil {
				return row, err
			}
			cacheFrom = append(cacheFrom, func(o *client.SolveOpt) { o.CacheImports = entry(map[string]string{"ref": ref}) })
		case sc.cold:
			if err := b.c.Prune(ctx, nil, client.PruneAll); err != nil {
				return row, err
			}
		default:
			if _, err := b.build(ctx, t, target, "", nil); err != nil {
				return row, fmt.Errorf("warming up: %w", err)
			}
			// The registry holds the image before the edit.
			if pushes {
				if _, err := b.push(ctx, t, target); err != nil {
					return row, fmt.Errorf("warming up: %w", err)
				}
			}
		}
		undo := func() error { return nil }
		if sc.gc {
			u, err := b.underPressure(ctx, t, target)
			if err != nil {
				return row, err
			}
			undo = u
		}
		var edit func() (func() error, error)
		switch {
		case sc.files != nil:
			edit = func() (func() error, error) { return b.editFile(sc, target) }
		case sc.edit != nil:
			edit = func() (func() error, error) { return sc.edit(b, target, rep) }
		}
		if edit != nil {
			u, err := edit()
			if err != nil {
				return row, errors.Join(err, undo())
			}
			prev := undo
			undo = func() error { return errors.Join(u(), prev()) }
		}
		res, err := b.build(ctx, t, target, sc.platforms, nil, cacheFrom...)
		var p pushResult
		if err == nil && pushes {
			p, err = b.push(ctx, t, target) // before the undo: the edited image
		}
		if uerr := undo(); uerr != nil && err == nil {
			err = uerr
		}
		if err != nil {
			return row, err
		}
		row.Walls = append(row.Walls, res.wall)
		ran = append(ran, int64(len(res.execRan)))
		cached = append(cached, int64(res.execCached))
		bytes = append(bytes, res.contextBytes)
		row.RanSteps = res.execRan
		for stage, d := range res.steps {
			steps[stage] = append(steps[stage], d)
		}
		pushed = append(pushed, p.bytes)
		row.PushedLayers = p.layers
	}
	row.Wall = median(row.Walls)
	row.ExecRan, row.ExecCached, row.ContextBytes = medianInt(ran), medianInt(cached), medianInt(bytes)
	row.StepSeconds = medianSeconds(steps)
	if pushes {
		row.Pushed, row.PushedBytes = true, medianInt(pushed)
	}
	return row, nil
}

// medianSeconds is each stage's median duration, in seconds.
func medianSeconds(steps map[string][]time.Duration) map[string]float64 {
	if len(steps) == 0 {
		return nil
	}
	out := map[string]float64{}
	for stage, ds := range steps {
		out[stage] = median(ds).Seconds()
	}
	return out
}

// underPressure builds an app edit, then drops every result that build did
// not use: the state in which a collector under pressure leaves a daemon.
// It returns the edit's undo.
func (b *bench) underPressure(ctx context.Context, t tool, target string) (func() error, error) {
	undo, err := b.editFile(scenario{files: appFiles}, target)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := b.build(ctx, t, target, "", nil); err != nil {
		return nil, errors.Join(fmt.Errorf("the app edit before the collection: %w", err), undo())
	}
	if err := b.c.Prune(ctx, nil, client.WithKeepOpt(time.Since(start), 0, 0, 0)); err != nil {
		return nil, errors.Join(err, undo())
	}
	return undo, nil
}

// emulates reports whether binfmt can run binaries of arch (qemu-user).
func emulates(arch string) bool {
	_, err := os.Stat("/proc/sys/fs/binfmt_misc/qemu-" + arch)
	return err == nil
}
