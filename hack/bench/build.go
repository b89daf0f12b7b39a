package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerui"
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
	},
}

// dockerfileFrontendRef is the image hack/dockerfile-image builds.
const dockerfileFrontendRef = "docker.io/monokit/dockerfile-frontend:bench"

type bench struct {
	c    *client.Client
	work string
	reps int
}

// buildResult is what one build did.
type buildResult struct {
	wall         time.Duration
	execRan      []string
	execCached   int
	contextBytes int64
}

// build solves target with t, without exporting, and watches the status stream.
func (b *bench) build(ctx context.Context, t tool, target, platforms string, exports []client.ExportEntry) (*buildResult, error) {
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
	ch := make(chan *client.SolveStatus)
	res := &buildResult{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res.absorb(ch)
	}()
	began := time.Now()
	_, err = b.c.Solve(ctx, nil, opt, ch)
	res.wall = time.Since(began)
	wg.Wait()
	return res, err
}

// absorb reads the status stream: exec vertices that ran or came from the cache,
// and the bytes every build-context transfer sent.
func (r *buildResult) absorb(ch chan *client.SolveStatus) {
	vertices := map[string]*client.Vertex{}
	transferred := map[string]int64{}
	for st := range ch {
		for _, v := range st.Vertexes {
			vertices[v.Digest.String()] = v
		}
		for _, s := range st.Statuses {
			if strings.HasPrefix(s.ID, "transferring context") {
				key := s.Vertex.String() + s.ID
				transferred[key] = max(transferred[key], s.Current)
			}
		}
	}
	for _, v := range vertices {
		if !isExec(v.Name) {
			continue
		}
		switch {
		case v.Cached:
			r.execCached++
		case v.Completed != nil:
			r.execRan = append(r.execRan, v.Name)
		}
	}
	slices.Sort(r.execRan)
	for _, n := range transferred {
		r.contextBytes += n
	}
}

// isExec recognises RUN steps: "[stage 2/4] RUN ..." from the Dockerfile frontend,
// "[build:@nexus/ui] RUN ..." from monokit.
func isExec(name string) bool { return strings.Contains(name, "] RUN ") }

func numCPU() int { return runtime.NumCPU() }

// copyExample copies the example without dependency trees or build outputs.
func copyExample(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		switch fi.Name() {
		case "node_modules", "dist", ".next", "generated":
			if fi.IsDir() {
				return filepath.SkipDir
			}
		}
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		defer out.Close()
		_, err = io.Copy(out, in)
		return err
	})
}
