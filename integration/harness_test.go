package integration

import (
	"bytes"
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

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerui"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/tonistiigi/fsutil"

	"github.com/monokit/monokit/frontend"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/internal/testskip"
)

var nexusDir = testkit.Example()

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
		testskip.Skip(t, "BUILDKIT_HOST is unset")
	}
}

// needRegistry is the loopback registry's address (host:port), which serves
// the test images; the test skips without it.
func needRegistry(t *testing.T) string {
	t.Helper()
	reg := os.Getenv("MONOKIT_REGISTRY")
	if reg == "" {
		testskip.Skip(t, "MONOKIT_REGISTRY is unset (hack/test sets it)")
	}
	return reg
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
	builder  string // buildx: the builder; default the suite's
	file     string // the manifest's name in dir; default monokit.yaml
	target   string
	attrs    map[string]string // extra frontend options
	platform string
	// cacheTo and cacheFrom are buildx's --cache-to and --cache-from.
	cacheTo, cacheFrom string
	// exportAttrs are added to the OCI exporter's (rewrite-timestamp=true).
	exportAttrs map[string]string
	// output replaces buildx's --output (the OCI tarball): a builder with
	// several nodes exports only to a registry.
	output string
	// buildxArgs are more flags for buildx (--secret, --attest, --build-arg),
	// and buildxEnv its environment's additions.
	buildxArgs, buildxEnv []string
}

// result is what a build produced and what ran.
type result struct {
	ociTar   string
	progress *testkit.Progress // every vertex and every step's output
	stream   []byte            // buildx: its whole progress stream, as printed
}

func (b build) manifest() string {
	if b.file != "" {
		return b.file
	}
	return "monokit.yaml"
}

// options are the solve options of b: its directory as context and manifest
// directory, and the frontend attributes.
func (b build) options() (client.SolveOpt, error) {
	src, err := fsutil.NewFS(b.dir)
	if err != nil {
		return client.SolveOpt{}, err
	}
	attrs := map[string]string{"filename": b.manifest()}
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
	exportAttrs := map[string]string{"name": "monokit-test:latest"}
	maps.Copy(exportAttrs, b.exportAttrs)
	opt.Exports = []client.ExportEntry{{
		Type:   client.ExporterOCI,
		Attrs:  exportAttrs,
		Output: func(map[string]string) (io.WriteCloser, error) { return os.Create(out) },
	}}
	ch := make(chan *client.SolveStatus)
	res := &result{ociTar: out}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		res.progress = testkit.Record(ch)
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
	output := "type=oci,dest=" + out
	for _, k := range slices.Sorted(maps.Keys(b.exportAttrs)) {
		output += "," + k + "=" + b.exportAttrs[k]
	}
	if b.output != "" {
		output = b.output
	}
	bx := builder
	if b.builder != "" {
		bx = b.builder
	}
	args := []string{"buildx", "build", "--builder", bx, "--progress=rawjson",
		"-f", filepath.Join(b.dir, b.manifest()), "--output", output}
	if b.target != "" {
		args = append(args, "--target", b.target)
	}
	if b.platform != "" {
		args = append(args, "--platform", b.platform)
	}
	if b.cacheTo != "" {
		args = append(args, "--cache-to", b.cacheTo)
	}
	if b.cacheFrom != "" {
		args = append(args, "--cache-from", b.cacheFrom)
	}
	args = append(append(args, b.buildxArgs...), b.dir)
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), b.buildxEnv...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	var stream bytes.Buffer
	stderr := io.TeeReader(pipe, &stream)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// rawjson progress is one SolveStatus per line.
	res := &result{ociTar: out}
	ch := make(chan *client.SolveStatus)
	recorded := make(chan *testkit.Progress)
	go func() { recorded <- testkit.Record(ch) }()
	dec := json.NewDecoder(stderr)
	var text strings.Builder
	for {
		var st client.SolveStatus
		if err := dec.Decode(&st); err != nil {
			rest, _ := io.ReadAll(io.MultiReader(dec.Buffered(), stderr))
			text.Write(rest)
			break
		}
		ch <- &st
	}
	close(ch)
	res.progress = <-recorded
	err = cmd.Wait()
	res.stream = stream.Bytes()
	if err != nil {
		return res, fmt.Errorf("docker buildx build: %w\n%s", err, text.String())
	}
	return res, nil
}

// images extracts an OCI tarball and returns the layout's directory and its
// images by platform.
func images(t *testing.T, tarPath string) (string, map[string]testkit.Image) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "oci")
	if err := testkit.ExtractOCI(tarPath, dir); err != nil {
		t.Fatal(err)
	}
	imgs, err := testkit.Images(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, imgs
}

// imageConfig is the config of the platform's image in an OCI tarball, as
// JSON decodes it.
func imageConfig(t *testing.T, tarPath, platform string) map[string]any {
	t.Helper()
	_, imgs := images(t, tarPath)
	img, ok := imgs[platform]
	if !ok {
		t.Fatalf("no %s image in %v", platform, slices.Collect(maps.Keys(imgs)))
	}
	data, err := img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
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

// unpack unpacks the image for platform into an OCI runtime bundle with umoci.
func unpack(t *testing.T, tarPath, platform string) string {
	t.Helper()
	dir, imgs := images(t, tarPath)
	img, ok := imgs[platform]
	if !ok {
		t.Fatalf("no %s image in %v", platform, slices.Collect(maps.Keys(imgs)))
	}
	// umoci unpacks by tag: point one at the platform's manifest.
	d := img.Descriptor
	d.Annotations = map[string]string{ocispecs.AnnotationRefName: "run"}
	if err := layout.Path(dir).AppendDescriptor(d); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	if out, err := exec.Command("umoci", "unpack", "--image", dir+":run", bundle).CombinedOutput(); err != nil {
		t.Fatalf("umoci unpack: %v\n%s", err, out)
	}
	return bundle
}

// deadline is a context that ends d from now, and never later than
// graceBeforeTimeout before go test's -timeout: a test that hangs fails with
// its own message, and its cleanups (containers, daemons, builders) run,
// before the package's budget (hack/test gives it 60 minutes) runs out and
// go test kills it with a panic.
func deadline(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	end := time.Now().Add(d)
	if pkg, ok := t.Deadline(); ok && pkg.Add(-graceBeforeTimeout).Before(end) {
		end = pkg.Add(-graceBeforeTimeout)
	}
	return context.WithDeadline(context.Background(), end)
}

const graceBeforeTimeout = 2 * time.Minute

// runStatus builds in-process without exporting and returns what the status
// stream said.
func (b build) runStatus(ctx context.Context, t *testing.T) (*testkit.Progress, error) {
	t.Helper()
	opt, err := b.options()
	if err != nil {
		return nil, err
	}
	ch := make(chan *client.SolveStatus)
	recorded := make(chan *testkit.Progress)
	go func() { recorded <- testkit.Record(ch) }()
	_, err = bkClient.Build(ctx, opt, "monokit", frontend.Build, ch)
	return <-recorded, err
}
