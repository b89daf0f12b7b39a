package integration

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerui"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/fsutil"

	"github.com/monokit/monokit/frontend"
)

const nexusDir = "../examples/nexus"

var (
	bkClient    *client.Client
	frontendRef = envOr("MONOKIT_FRONTEND_REF", "docker.io/monokit/monokit:1")
	builder     = envOr("MONOKIT_BUILDX_BUILDER", "monokit")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func TestMain(m *testing.M) {
	host := os.Getenv("BUILDKIT_HOST")
	if host == "" {
		fmt.Println("integration: BUILDKIT_HOST is unset; skipping the tests against a real buildkitd (hack/test sets it)")
		os.Exit(m.Run())
	}
	c, err := client.New(context.Background(), host)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		os.Exit(1)
	}
	bkClient = c
	code := m.Run()
	c.Close()
	os.Exit(code)
}

func needDaemon(t *testing.T) {
	t.Helper()
	if bkClient == nil {
		t.Skip("BUILDKIT_HOST is unset")
	}
}

// way is one route from a client to the monokit frontend.
type way string

const (
	inProcess  way = "in-process" // client.Build runs frontend.Build in this process
	gatewayWay way = "gateway"    // gateway.v0 with source=<frontend image>
	dockerfile way = "dockerfile" // dockerfile.v0 forwards to "# syntax="
	buildx     way = "buildx"     // docker buildx build on a remote-driver builder
)

var allWays = []way{inProcess, gatewayWay, dockerfile, buildx}

// build describes one build.
type build struct {
	dir      string // context and manifest directory
	target   string
	attrs    map[string]string // extra frontend options
	platform string
}

// result is what a build produced and what ran.
type result struct {
	ociTar   string
	vertices []*client.Vertex
	logs     string // every step's output, in arrival order
}

// options are the solve options of b: its directory as context and manifest
// directory, and the frontend attributes.
func (b build) options() (client.SolveOpt, error) {
	src, err := fsutil.NewFS(b.dir)
	if err != nil {
		return client.SolveOpt{}, err
	}
	attrs := map[string]string{"filename": "monokit.yaml"}
	if b.target != "" {
		attrs["target"] = b.target
	}
	if b.platform != "" {
		attrs["platform"] = b.platform
	}
	for k, v := range b.attrs {
		attrs[k] = v
	}
	return client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{
			dockerui.DefaultLocalNameContext:    src,
			dockerui.DefaultLocalNameDockerfile: src,
		},
		FrontendAttrs: attrs,
	}, nil
}

// run builds b the given way and exports an OCI tarball.
func (b build) run(ctx context.Context, t *testing.T, w way) (*result, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "image.tar")
	if w == buildx {
		return b.runBuildx(ctx, t, out)
	}
	opt, err := b.options()
	if err != nil {
		return nil, err
	}
	opt.Exports = []client.ExportEntry{{
		Type:   client.ExporterOCI,
		Attrs:  map[string]string{"name": "monokit-test:latest"},
		Output: func(map[string]string) (io.WriteCloser, error) { return os.Create(out) },
	}}
	ch := make(chan *client.SolveStatus)
	res := &result{ociTar: out}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res.vertices, res.logs = collect(ch)
	}()
	switch w {
	case inProcess:
		_, err = bkClient.Build(ctx, opt, "monokit", frontend.Build, ch)
	case gatewayWay:
		opt.Frontend = "gateway.v0"
		opt.FrontendAttrs["source"] = frontendRef
		_, err = bkClient.Solve(ctx, nil, opt, ch)
	case dockerfile:
		opt.Frontend = "dockerfile.v0"
		_, err = bkClient.Solve(ctx, nil, opt, ch)
	default:
		close(ch)
		err = fmt.Errorf("unknown way %q", w)
	}
	wg.Wait()
	return res, err
}

func (b build) runBuildx(ctx context.Context, t *testing.T, out string) (*result, error) {
	args := []string{"buildx", "build", "--builder", builder, "--progress=rawjson",
		"-f", filepath.Join(b.dir, "monokit.yaml"), "--output", "type=oci,dest=" + out}
	if b.target != "" {
		args = append(args, "--target", b.target)
	}
	if b.platform != "" {
		args = append(args, "--platform", b.platform)
	}
	args = append(args, b.dir)
	cmd := exec.CommandContext(ctx, "docker", args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// rawjson progress is one SolveStatus per line.
	res := &result{ociTar: out}
	byDigest := map[string]*client.Vertex{}
	dec := json.NewDecoder(stderr)
	var text strings.Builder
	for {
		var st client.SolveStatus
		if err := dec.Decode(&st); err != nil {
			rest, _ := io.ReadAll(io.MultiReader(dec.Buffered(), stderr))
			text.Write(rest)
			break
		}
		for _, v := range st.Vertexes {
			byDigest[v.Digest.String()] = v
		}
	}
	for _, v := range byDigest {
		res.vertices = append(res.vertices, v)
	}
	if err := cmd.Wait(); err != nil {
		return res, fmt.Errorf("docker buildx build: %w\n%s", err, text.String())
	}
	return res, nil
}

// collect keeps the last state of every vertex.
func collect(ch chan *client.SolveStatus) ([]*client.Vertex, string) {
	byDigest := map[string]*client.Vertex{}
	var order []string
	var logs strings.Builder
	for st := range ch {
		for _, v := range st.Vertexes {
			if _, ok := byDigest[v.Digest.String()]; !ok {
				order = append(order, v.Digest.String())
			}
			byDigest[v.Digest.String()] = v
		}
		for _, l := range st.Logs {
			logs.Write(l.Data)
		}
	}
	out := make([]*client.Vertex, 0, len(order))
	for _, d := range order {
		out = append(out, byDigest[d])
	}
	return out, logs.String()
}

// ociLayout extracts an OCI tarball and returns the directory.
func ociLayout(t *testing.T, tarPath string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "oci")
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Clean("/"+h.Name))
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		w, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tr); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	return dir
}

// manifests returns the image manifests of an OCI layout by platform, skipping
// attestation manifests, following one level of index.
func manifests(t *testing.T, layout string) map[string]ocispecs.Descriptor {
	t.Helper()
	var idx ocispecs.Index
	readJSON(t, filepath.Join(layout, "index.json"), &idx)
	out := map[string]ocispecs.Descriptor{}
	var walk func([]ocispecs.Descriptor)
	walk = func(ds []ocispecs.Descriptor) {
		for _, d := range ds {
			switch d.MediaType {
			case ocispecs.MediaTypeImageIndex:
				var sub ocispecs.Index
				readJSON(t, blob(layout, d), &sub)
				walk(sub.Manifests)
			case ocispecs.MediaTypeImageManifest:
				if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || d.Platform == nil || d.Platform.OS == "unknown" {
					continue
				}
				out[d.Platform.OS+"/"+d.Platform.Architecture] = d
			}
		}
	}
	walk(idx.Manifests)
	return out
}

func blob(layout string, d ocispecs.Descriptor) string {
	return filepath.Join(layout, "blobs", d.Digest.Algorithm().String(), d.Digest.Encoded())
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// imageConfig reads the config of the manifest d.
func imageConfig(t *testing.T, layout string, d ocispecs.Descriptor) (ocispecs.Manifest, map[string]any) {
	t.Helper()
	var m ocispecs.Manifest
	readJSON(t, blob(layout, d), &m)
	var cfg map[string]any
	readJSON(t, blob(layout, m.Config), &cfg)
	return m, cfg
}

// unpack unpacks the image for platform into an OCI runtime bundle with umoci.
func unpack(t *testing.T, tarPath, platform string) string {
	t.Helper()
	layout := ociLayout(t, tarPath)
	ms := manifests(t, layout)
	d, ok := ms[platform]
	if !ok {
		t.Fatalf("no %s image in %v", platform, slices.Collect(maps.Keys(ms)))
	}
	// umoci unpacks by tag: point one at the platform's manifest.
	var idx ocispecs.Index
	readJSON(t, filepath.Join(layout, "index.json"), &idx)
	d.Annotations = map[string]string{ocispecs.AnnotationRefName: "run"}
	idx.Manifests = append(idx.Manifests, d)
	data, _ := json.Marshal(idx)
	if err := os.WriteFile(filepath.Join(layout, "index.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	if out, err := exec.Command("umoci", "unpack", "--image", layout+":run", bundle).CombinedOutput(); err != nil {
		t.Fatalf("umoci unpack: %v\n%s", err, out)
	}
	return bundle
}

func deadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// runStatus builds in-process without exporting and returns the bytes each
// build-context transfer sent, keyed by vertex and transfer.
func (b build) runStatus(ctx context.Context, t *testing.T) (map[string]int64, error) {
	t.Helper()
	opt, err := b.options()
	if err != nil {
		return nil, err
	}
	ch := make(chan *client.SolveStatus)
	sent := map[string]int64{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for st := range ch {
			for _, s := range st.Statuses {
				if strings.HasPrefix(s.ID, "transferring context") {
					k := s.Vertex.String() + s.ID
					sent[k] = max(sent[k], s.Current)
				}
			}
		}
	}()
	_, err = bkClient.Build(ctx, opt, "monokit", frontend.Build, ch)
	<-done
	return sent, err
}
