package integration

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/internal/testkit"
)

// container is an image running under runc as its configured user, with a
// read-only root filesystem, in a network namespace of its own (netns.go):
// the port an app listens on is its own, whatever else runs, and the test
// reaches it on the namespace's loopback.
type container struct {
	id     string
	bundle string
	cmd    *exec.Cmd
	out    bytes.Buffer
	done   chan error
	net    *netns
	client *http.Client
}

// start runs the bundle; tmpfs lists writable directories the app needs.
func start(t *testing.T, bundle string, tmpfs ...string) *container {
	t.Helper()
	c := &container{id: fmt.Sprintf("monokit-%d", time.Now().UnixNano()), bundle: bundle, done: make(chan error, 1)}
	c.net = newNetns(t, c.id)
	c.client = c.net.client()
	if err := testkit.RunBundle(filepath.Join(bundle, "config.json"), nil, tmpfs, c.net.path); err != nil {
		t.Fatal(err)
	}
	c.cmd = exec.Command("runc", "run", "--bundle", bundle, c.id)
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(c.kill)
	return c
}

// kill stops the container with SIGKILL and removes it.
func (c *container) kill() {
	exec.Command("runc", "kill", c.id, "KILL").Run()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
	}
	exec.Command("runc", "delete", "--force", c.id).Run()
}

// get polls url, in the container's network namespace, until it answers or
// the timeout passes, and returns the body.
func (c *container) get(t *testing.T, url string, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := c.client.Do(req)
		if err == nil {
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return b.String()
			}
			err = fmt.Errorf("status %d: %s", resp.StatusCode, b.String())
		}
		select {
		case err := <-c.done:
			t.Fatalf("the container exited (%v) before %s answered:\n%s", err, url, c.out.String())
		case <-ctx.Done():
			t.Fatalf("%s did not answer in %s: %v\n%s", url, timeout, err, c.out.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// exec runs a command in the running container as user.
func (c *container) exec(user string, args ...string) (string, error) {
	out, err := exec.Command("runc", append([]string{"exec", "--user", user, c.id}, args...)...).CombinedOutput()
	return string(out), err
}

// stop sends SIGTERM and returns how long the process took to exit.
func (c *container) stop(t *testing.T, timeout time.Duration) time.Duration {
	t.Helper()
	began := time.Now()
	if out, err := exec.Command("runc", "kill", c.id, "TERM").CombinedOutput(); err != nil {
		t.Fatalf("runc kill: %v %s", err, out)
	}
	select {
	case <-c.done:
		return time.Since(began)
	case <-time.After(timeout):
		t.Fatalf("the container ignored SIGTERM for %s:\n%s", timeout, c.out.String())
		return 0
	}
}

// rootfsFiles walks the bundle's rootfs and calls fn with paths relative to it.
func rootfsFiles(t *testing.T, bundle string, fn func(rel string, fi os.FileInfo)) {
	t.Helper()
	root := filepath.Join(bundle, "rootfs")
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		fn(rel, fi)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
