package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/testkit"
)

// runImage runs the image the build wrote (its OCI layout at ociDir) under
// runc as the image's own user, on a read-only root with a tmpfs /tmp, in the
// host's network namespace, with the app's RunEnv (fake URLs and secrets are
// fine), and probes it: its health route (any answer below 500), else its
// port (a TCP connection), else that it is still running after 10 s (a
// worker). It returns what answered, or the container's last output lines.
// The bundle is unpacked next to ociDir.
func runImage(a app, ociDir string) runResult {
	res := runResult{RunDate: time.Now().UTC()}
	fail := func(format string, args ...any) runResult {
		res.RunError = firstLine(fmt.Sprintf(format, args...))
		return res
	}
	if a.Port != 0 {
		// A port that answers before the image runs (an earlier run's
		// container that lingers) would answer the probe for it.
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", a.Port), time.Second); err == nil {
			c.Close()
			return fail("port %d answers before the image runs", a.Port)
		}
	}
	img, err := testkit.OnlyImage(ociDir)
	if err != nil {
		return fail("image: %v", err)
	}
	// umoci unpacks by tag: point one at the image's manifest.
	d := img.Descriptor
	d.Annotations = map[string]string{ocispecs.AnnotationRefName: "run"}
	if err := layout.Path(ociDir).AppendDescriptor(d); err != nil {
		return fail("layout: %v", err)
	}
	bundle := filepath.Join(filepath.Dir(ociDir), "bundle")
	if out, err := exec.Command("umoci", "unpack", "--image", ociDir+":run", bundle).CombinedOutput(); err != nil {
		return fail("umoci unpack: %v %s", err, out)
	}
	var env []string
	for _, k := range slices.Sorted(maps.Keys(a.RunEnv)) {
		env = append(env, k+"="+a.RunEnv[k])
	}
	if err := testkit.RunBundle(filepath.Join(bundle, "config.json"), env, []string{"/tmp"}, ""); err != nil {
		return fail("bundle: %v", err)
	}
	for _, svc := range a.RunServices {
		stop, err := startService(svc)
		if err != nil {
			return fail("service %s: %v", svc, err)
		}
		defer stop()
	}
	id := fmt.Sprintf("realworld-%d", time.Now().UnixNano())
	var out bytes.Buffer
	cmd := exec.Command("runc", "run", "--bundle", bundle, id)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fail("runc: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		exec.Command("runc", "kill", id, "KILL").Run()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		exec.Command("runc", "delete", "--force", id).Run()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	began := time.Now()
	for {
		if what, ok := probeApp(ctx, a, began); ok {
			res.Answered, res.RunNote = true, what
			return res
		}
		select {
		case err := <-done:
			return fail("exited (%v): %s", err, failLines(out.String()))
		case <-ctx.Done():
			return fail("no answer in 90 s: %s", failLines(out.String()))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// probeApp asks the app once: its health route, else its port, else (a
// worker) whether it still runs 10 s after it began, connected to its
// redis when it has one.
func probeApp(ctx context.Context, a app, began time.Time) (string, bool) {
	switch {
	case a.Port != 0 && a.Health != "":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", a.Port, a.Health), nil)
		if err != nil {
			return "", false
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", false
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		return fmt.Sprintf("GET %s: %d %s", a.Health, resp.StatusCode, strings.Join(strings.Fields(string(body)), " ")), resp.StatusCode < 500
	case a.Port != 0:
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", a.Port), time.Second)
		if err != nil {
			return "", false
		}
		c.Close()
		return fmt.Sprintf("port %d accepts connections", a.Port), true
	}
	if time.Since(began) < 10*time.Second {
		return "", false
	}
	if slices.Contains(a.RunServices, "redis") {
		// A worker that says nothing on a port: it answers when it holds
		// a connection to its redis.
		out, err := exec.Command("redis-cli", "-p", "6379", "CLIENT", "LIST").Output()
		n := 0
		for _, l := range strings.Split(string(out), "\n") {
			if strings.TrimSpace(l) != "" && !strings.Contains(l, "cmd=client|list") {
				n++
			}
		}
		return fmt.Sprintf("still running after 10 s, with %d connection(s) to its redis", n), err == nil && n > 0
	}
	return "still running after 10 s (no port)", true
}

// startService starts a service the app needs on loopback, from Debian's
// packages, and returns what stops it.
func startService(name string) (func(), error) {
	var cmd *exec.Cmd
	switch name {
	case "redis":
		cmd = exec.Command("redis-server", "--port", "6379", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	default:
		return nil, fmt.Errorf("unknown service (hack/realworld starts redis)")
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w (apt-get install %s-server)", err, name)
	}
	for i := 0; i < 50; i++ {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:6379", 200*time.Millisecond); err == nil {
			c.Close()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// ansi matches terminal color sequences, which apps print in their logs.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// failLines are the first line of out that names an error, and its last
// line; else its last three lines (joined by " / ").
func failLines(out string) string {
	out = ansi.ReplaceAllString(out, "")
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		if strings.Contains(l, "Error") || strings.Contains(l, "error:") {
			return l + " / " + lines[len(lines)-1]
		}
	}
	return strings.Join(lines[max(0, len(lines)-3):], " / ")
}
