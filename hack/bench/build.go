package main

import (
	"context"
	"path/filepath"
	"slices"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/tonistiigi/fsutil"
)

// tool is one way of building the example's images.
type tool struct {
	name string
	// filename and dockerfileDir locate the build definition in the example.
	filename      func(target string) string
	dockerfileDir string
	// target is the frontend's target option for an image.
	target func(target string) string
	// attrs are further frontend options.
	attrs map[string]string
	// sameImage: the tool builds another tool's image, so its size is not measured.
	sameImage bool
	// crossBuilds: the tool builds JavaScript once, on the builder's platform
	// (monokit), so a second platform needs no emulation.
	crossBuilds bool
}

var tools = []tool{
	{
		name:          "baseline",
		filename:      func(t string) string { return t + ".Dockerfile" },
		dockerfileDir: "docker",
		target:        func(string) string { return "runner" },
	},
	{
		// The baseline's Dockerfiles run by BuildKit's Dockerfile frontend as a
		// gateway image (hack/dockerfile-image), the way "# syntax=" runs monokit:
		// what any external frontend pays before its own work.
		name:          "gateway",
		filename:      func(t string) string { return t + ".Dockerfile" },
		dockerfileDir: "docker",
		target:        func(string) string { return "runner" },
		attrs:         map[string]string{"build-arg:BUILDKIT_SYNTAX": dockerfileFrontendRef},
		sameImage:     true,
	},
	{
		name:          "monokit",
		filename:      func(string) string { return "monokit.yaml" },
		dockerfileDir: ".",
		target:        func(t string) string { return t },
		crossBuilds:   true,
	},
	{
		// monokit with its production tree traced (prune: trace for every
		// target, issue 28): what tracing saves, in the image and the pushes,
		// and what its trace step costs.
		name:          "traced",
		filename:      func(string) string { return "monokit.yaml" },
		dockerfileDir: ".",
		target:        func(t string) string { return t },
		attrs:         map[string]string{"build-arg:MONOKIT_PRUNE": "trace"},
		crossBuilds:   true,
	},
	{
		// Turborepo's documented recipe (turbo prune --docker, install from
		// out/json, build out/full with turbo), adapted as the baseline is.
		name:          "turbo",
		filename:      func(t string) string { return t + ".turbo.Dockerfile" },
		dockerfileDir: "docker",
		target:        func(string) string { return "runner" },
	},
}

// dockerfileFrontendRef is the image hack/dockerfile-image builds.
const dockerfileFrontendRef = "docker.io/monokit/dockerfile-frontend:bench"

type bench struct {
	c    *client.Client
	work string
	reps int
	// registry is the loopback registry the ci-registry-cache scenario
	// exports its cache to and images are pushed to (MONOKIT_REGISTRY).
	registry string
	// registryDir is the registry's --disk directory (push.go), and
	// noPush why pushes cannot be measured ("" when they can).
	registryDir, noPush string
}

// buildResult is what one build did.
type buildResult struct {
	wall         time.Duration
	execRan      []string
	execCached   int
	contextBytes int64
	// steps are how long the RUN steps that ran took, by stage.
	steps map[string]time.Duration
}

// build solves target with t, without exporting, and watches the status stream.
func (b *bench) build(ctx context.Context, t tool, target, platforms string, exports []client.ExportEntry, opts ...func(*client.SolveOpt)) (*buildResult, error) {
	ctxFS, err := fsutil.NewFS(b.work)
	if err != nil {
		return nil, err
	}
	dfFS, err := fsutil.NewFS(filepath.Join(b.work, t.dockerfileDir))
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{"filename": t.filename(target), "target": t.target(target)}
	if platforms != "" {
		attrs["platform"] = platforms
	}
	for k, v := range t.attrs {
		attrs[k] = v
	}
	opt := client.SolveOpt{
		Frontend:      "dockerfile.v0",
		FrontendAttrs: attrs,
		LocalMounts:   map[string]fsutil.FS{dockerui.DefaultLocalNameContext: ctxFS, dockerui.DefaultLocalNameDockerfile: dfFS},
		Exports:       exports,
		// buildx keys incremental context transfers by the context directory.
		SharedKey: "monokit-bench",
	}
	for _, o := range opts {
		o(&opt)
	}
	ch := make(chan *client.SolveStatus)
	recorded := make(chan *testkit.Progress)
	go func() { recorded <- testkit.Record(ch) }()
	began := time.Now()
	_, err = b.c.Solve(ctx, nil, opt, ch)
	wall := time.Since(began)
	res := result(<-recorded)
	res.wall = wall
	return res, err
}

// result reads the status stream: the exec steps that ran and those that came
// from a cache (testkit's one definition of both), how long those that ran
// took, and the bytes the build-context transfers sent.
func result(p *testkit.Progress) *buildResult {
	return &buildResult{contextBytes: p.ContextBytes(), execRan: p.Ran(), execCached: len(p.Cached()), steps: stepTimes(p)}
}

// stepTimes sums the durations (started to completed) of the RUN steps that
// ran by stage, as testkit.RunStep reads it: "trace" for "[trace linux/amd64]
// RUN ...". A stage that runs once per platform sums its platforms.
func stepTimes(p *testkit.Progress) map[string]time.Duration {
	ran := p.Ran()
	out := map[string]time.Duration{}
	for _, v := range p.Vertices {
		stage, _, ok := testkit.RunStep(v.Name)
		if !ok || v.Cached || p.Pulled[v.Digest.String()] || v.Started == nil || v.Completed == nil {
			continue
		}
		if _, found := slices.BinarySearch(ran, v.Name); found {
			out[stage] += v.Completed.Sub(*v.Started)
		}
	}
	return out
}
