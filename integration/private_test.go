package integration

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const privateFixture = "testdata/private-registry"

// TestPrivateRegistry builds through a registry that refuses requests without
// its token, with the token passed by --secret, with provenance in max mode
// and an SBOM (hack/sbom-scanner). Every request carried the token (pnpm's
// toolchain, the install), and the token is nowhere in what came out: not in
// any blob of the exported OCI layout (layers decompressed, configs with
// their history, the provenance, the SBOM), nor in buildx's whole progress
// stream. The SBOM lists the production tree's npm packages, not the
// development ones.
func TestPrivateRegistry(t *testing.T) {
	needDaemon(t)
	registry := needRegistry(t)
	ctx, cancel := deadline(t, 15*time.Minute)
	defer cancel()
	token := "npm_monokit" + randomHex(t)
	reg := startNPMRegistry(t, token)
	dir := copyTree(t, privateFixture)
	appendFile(t, filepath.Join(dir, ".npmrc"), fmt.Sprintf("registry=%s/\n", reg.url))
	// The credential goes in a user-level .npmrc, passed as a secret, as
	// pnpm asks: it expands no variable in a credential of the project's.
	npmrc := filepath.Join(t.TempDir(), "npmrc")
	if err := os.WriteFile(npmrc, []byte(fmt.Sprintf("//%s/:_authToken=%s\n", strings.TrimPrefix(reg.url, "http://"), token)), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := build{dir: dir, target: "api",
		buildxArgs: []string{"--secret", "id=npmrc,src=" + npmrc, "--attest", "type=provenance,mode=max",
			"--attest", "type=sbom,generator=" + registry + "/monokit-test/sbom-scanner:1",
			"--build-arg", "BUILDKIT_CACHE_MOUNT_NS=" + fmt.Sprintf("private-%d", time.Now().UnixNano())},
	}.run(ctx, t, buildx)
	if err != nil {
		t.Fatalf("%v\n%s", err, logTail(res))
	}
	served, refused := reg.counts()
	for _, want := range []string{"/pnpm", "/pnpm/-/pnpm-10.34.9.tgz", "/ms/-/ms-2.1.3.tgz", "/is-number/-/is-number-7.0.0.tgz"} {
		if !slices.Contains(served, want) {
			t.Errorf("the registry did not serve %s; it served %q", want, served)
		}
	}
	if len(refused) > 0 {
		t.Errorf("requests without the token: %q", refused)
	}
	blobs := ociBlobs(t, res.ociTar)
	if !slices.ContainsFunc(blobs, func(b blob) bool {
		return bytes.Contains(b.data, []byte(`"predicateType":"https://slsa.dev/provenance/`))
	}) {
		t.Error("the OCI layout holds no provenance attestation")
	}
	var sbom []byte
	for _, b := range blobs {
		if bytes.Contains(b.data, []byte(`"predicateType":"https://spdx.dev/Document"`)) {
			sbom = b.data
		}
	}
	switch {
	case sbom == nil:
		t.Error("the OCI layout holds no SPDX SBOM")
	case !bytes.Contains(sbom, []byte("pkg:npm/ms@2.1.3")):
		t.Errorf("the SBOM does not list ms 2.1.3:\n%.2000s", sbom)
	case bytes.Contains(sbom, []byte("pkg:npm/is-number")):
		t.Error("the SBOM lists is-number, a development dependency")
	}
	// The scan reads inside the layers: it finds the app's source there.
	if !slices.ContainsFunc(blobs, func(b blob) bool { return bytes.Contains(b.data, []byte(`const ms = require("ms");`)) }) {
		t.Error("the scan found no layer with apps/api/server.js")
	}
	for _, b := range blobs {
		if bytes.Contains(b.data, []byte(token)) {
			t.Errorf("the token is in %s", b.name)
		}
	}
	if len(res.stream) == 0 || bytes.Contains(res.stream, []byte(token)) {
		t.Errorf("the progress stream (%d bytes) holds the token", len(res.stream))
	}
	c := start(t, unpack(t, res.ociTar, "linux/amd64"))
	if body := c.get(t, "http://127.0.0.1:4120/health", 60*time.Second); body != "ok 172800000" {
		t.Errorf("health answered %q", body)
	}
}

// TestProxyAndCA builds on a build image that trusts only Node.js's own CAs,
// as the official one does, with HTTPS_PROXY naming a TLS-intercepting proxy
// on loopback whose CA the test generates (mitm_test.go). Without the CA
// secret npm refuses the proxy's certificate; with the CA passed as a secret
// (ca: true) the build works. The proxy argument reaches npm and pnpm, stays
// out of the image (config, history, layers), and out of the cache key: a
// build with another proxy address installs nothing again.
func TestProxyAndCA(t *testing.T) {
	needDaemon(t)
	registry := needRegistry(t)
	ctx, cancel := deadline(t, 15*time.Minute)
	defer cancel()
	dir := copyTree(t, privateFixture)
	ns := fmt.Sprintf("proxy-ca-%d", time.Now().UnixNano())
	// Cache mounts leave cache keys alone: a line only this run writes
	// into .npmrc, which the toolchain and the install read, makes them run.
	appendFile(t, filepath.Join(dir, ".npmrc"), "# "+ns+"\n")
	proxy1, proxy2 := startMITMProxy(t), startMITMProxy(t)
	b := func(proxy string, secret ...string) build {
		return build{dir: dir, target: "api", buildxArgs: append([]string{
			"--build-context", "node:24-trixie-slim=docker-image://" + registry + "/monokit-test/node-noca:24-trixie-slim",
			"--build-arg", "BUILDKIT_CACHE_MOUNT_NS=" + ns,
			"--build-arg", "HTTPS_PROXY=" + proxy,
		}, secret...)}
	}

	res, err := b(proxy1.url).run(ctx, t, buildx)
	if err == nil || res == nil || res.progress == nil || !strings.Contains(res.progress.Logs, "CERT") {
		t.Fatalf("without the CA the build should fail on the proxy's certificate; err = %v\n%s", err, logTail(res))
	}
	if hosts := proxy1.hosts(); !slices.Contains(hosts, "registry.npmjs.org:443") {
		t.Fatalf("HTTPS_PROXY did not reach npm: the proxy saw %q", hosts)
	}

	res, err = b(proxy1.url, "--secret", "id=ca,src="+proxy1.caFile).run(ctx, t, buildx)
	if err != nil {
		t.Fatalf("%v\n%s", err, logTail(res))
	}
	for _, step := range []string{"toolchain", "deps"} {
		if !slices.Contains(res.progress.RanStages(), step) {
			t.Errorf("the %s step did not run: %q", step, res.progress.RanStages())
		}
	}
	for _, bl := range ociBlobs(t, res.ociTar) {
		if bytes.Contains(bl.data, []byte(proxy1.addr)) {
			t.Errorf("the proxy's address is in %s", bl.name)
		}
	}
	c := start(t, unpack(t, res.ociTar, "linux/amd64"))
	if body := c.get(t, "http://127.0.0.1:4120/health", 60*time.Second); body != "ok 172800000" {
		t.Errorf("health answered %q", body)
	}
	c.kill()

	res, err = b(proxy2.url, "--secret", "id=ca,src="+proxy2.caFile).run(ctx, t, buildx)
	if err != nil {
		t.Fatalf("%v\n%s", err, logTail(res))
	}
	if ran := res.progress.RanStages(); slices.Contains(ran, "toolchain") || slices.Contains(ran, "deps") {
		t.Errorf("another HTTPS_PROXY re-ran the install: %q", ran)
	}
	if hosts := proxy2.hosts(); len(hosts) > 0 {
		t.Errorf("the second build went through its proxy to %q", hosts)
	}
}

// logTail is the end of what a build's steps printed.
func logTail(res *result) string {
	if res == nil || res.progress == nil {
		return ""
	}
	logs := res.progress.Logs
	return logs[max(0, len(logs)-3000):]
}

func randomHex(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// npmRegistry is a private registry on loopback (buildkitd's steps share the
// host's network): it serves the npm registry's packages, with tarball
// addresses rewritten to its own, to requests that carry its token.
type npmRegistry struct {
	url   string
	token string

	mu              sync.Mutex
	served, refused []string
}

func startNPMRegistry(t *testing.T, token string) *npmRegistry {
	r := &npmRegistry{token: token}
	srv := serve(t, r)
	r.url = srv
	return r
}

func (r *npmRegistry) counts() (served, refused []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.served), slices.Clone(r.refused)
}

func (r *npmRegistry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path := req.URL.EscapedPath()
	r.mu.Lock()
	ok := req.Header.Get("Authorization") == "Bearer "+r.token
	if ok {
		r.served = append(r.served, path)
	} else {
		r.refused = append(r.refused, req.Method+" "+path)
	}
	r.mu.Unlock()
	if !ok {
		http.Error(w, "this registry wants a token", http.StatusUnauthorized)
		return
	}
	up, err := http.NewRequestWithContext(req.Context(), req.Method, "https://registry.npmjs.org"+path, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	up.Header.Set("Accept", req.Header.Get("Accept"))
	resp, err := http.DefaultClient.Do(up)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		body = bytes.ReplaceAll(body, []byte("https://registry.npmjs.org/"), []byte(r.url+"/"))
	}
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}

// serve serves h on a loopback port until the test ends and returns its URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// blob is one file of an OCI tarball, decompressed when it is gzip.
type blob struct {
	name string
	data []byte
}

// ociBlobs reads every file of an OCI tarball: index, manifests, configs,
// attestations, and the layers both as stored and decompressed.
func ociBlobs(t *testing.T, tarPath string) []blob {
	t.Helper()
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []blob
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, blob{h.Name, data})
		if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s: %v", h.Name, err)
			}
			out = append(out, blob{h.Name + " (decompressed)", plain})
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no files", tarPath)
	}
	return out
}

// TestCLIBuild runs `monokit build`, the frontend in the CLI's process, against
// BUILDKIT_HOST with buildx's flags: a named context replaces the build image
// (the one without the proxy's CA), --secret passes the CA, --build-arg gives
// fresh cache mounts (the install runs, and needs both), and the image
// goes both to an OCI tarball and, with -t --push, to the registry. The
// progress display is BuildKit's.
func TestCLIBuild(t *testing.T) {
	needDaemon(t)
	registry := needRegistry(t)
	ctx, cancel := deadline(t, 15*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "monokit")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "../cmd/monokit").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tarPath := filepath.Join(t.TempDir(), "image.tar")
	run := randomHex(t)[:8]
	ref := registry + "/monokit-test/cli-build:" + run
	dir := copyTree(t, privateFixture)
	appendFile(t, filepath.Join(dir, ".npmrc"), "# "+run+"\n") // new cache keys, as in TestProxyAndCA
	cmd := exec.CommandContext(ctx, bin, "build", "--target", "api", "--platform", "linux/amd64", "--progress", "plain",
		"--build-context", "node:24-trixie-slim=docker-image://"+registry+"/monokit-test/node-noca:24-trixie-slim",
		"--secret", "id=ca,src=/etc/ssl/certs/ca-certificates.crt",
		"--build-arg", "BUILDKIT_CACHE_MOUNT_NS=cli-"+run,
		"--output", "type=oci,dest="+tarPath, "-t", ref, "--push", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("monokit build: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"[toolchain] RUN npm install", "[deps] RUN pnpm install", "added 14 packages", "downloaded 2, added 2", "exporting to oci image format", "pushing layers"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the progress output does not show %q:\n%s", want, stderr.String())
		}
	}
	c := start(t, unpack(t, tarPath, "linux/amd64"))
	if body := c.get(t, "http://127.0.0.1:4120/health", 60*time.Second); body != "ok 172800000" {
		t.Errorf("health answered %q", body)
	}
	repo, tag, _ := strings.Cut(strings.TrimPrefix(ref, registry+"/"), ":")
	req, _ := http.NewRequestWithContext(ctx, http.MethodHead, "http://"+registry+"/v2/"+repo+"/manifests/"+tag, nil)
	req.Header.Set("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s was not pushed: %s", ref, resp.Status)
	}
}
