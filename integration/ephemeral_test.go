package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/client"

	"github.com/monokit/monokit/internal/testskip"
)

// ephemeralBuilder starts a buildkitd of the test's own, with an empty state
// directory, as a CI runner that starts from nothing has, and points a docker
// buildx builder at it. Its image names resolve as the suite daemon's do
// (docker.io and gcr.io through the loopback registry). The builder, the
// daemon and its state go when the test ends. Tests that need an empty cache
// use one instead of pruning the shared daemon, which other tests' results
// live in.
func ephemeralBuilder(ctx context.Context, t *testing.T, registry string) string {
	t.Helper()
	name := "monokit-ephemeral-" + randomHex(t)[:8]
	t.Cleanup(func() { exec.Command("docker", "buildx", "rm", name).Run() })
	if out, err := exec.CommandContext(ctx, "docker", "buildx", "create", "--name", name, "--driver", "remote", ephemeralDaemon(ctx, t, registry)).CombinedOutput(); err != nil {
		t.Fatalf("docker buildx create: %v\n%s", err, out)
	}
	return name
}

// ephemeralNodes is a buildx builder with a node per platform, each an
// ephemeralDaemon of its own: the first node is created for platforms[0],
// each next one appended for its platform (--append --platform), as users
// who outgrow one machine set up a node per architecture. Node i is named
// <builder>-<i>; addrs are the daemons' addresses, in the nodes' order.
func ephemeralNodes(ctx context.Context, t *testing.T, registry string, platforms ...string) (builder string, addrs []string) {
	t.Helper()
	name := "monokit-nodes-" + randomHex(t)[:8]
	t.Cleanup(func() { exec.Command("docker", "buildx", "rm", name).Run() })
	for i, p := range platforms {
		args := []string{"buildx", "create", "--name", name, "--node", fmt.Sprintf("%s-%d", name, i), "--platform", p}
		if i == 0 {
			args = append(args, "--driver", "remote")
		} else {
			args = append(args, "--append")
		}
		addr := ephemeralDaemon(ctx, t, registry)
		addrs = append(addrs, addr)
		if out, err := exec.CommandContext(ctx, "docker", append(args, addr)...).CombinedOutput(); err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return name, addrs
}

// ephemeralDaemon starts a buildkitd with an empty state directory of its
// own and returns its address; it and its state go when the test ends.
func ephemeralDaemon(ctx context.Context, t *testing.T, registry string) string {
	t.Helper()
	bin, err := exec.LookPath("buildkitd")
	if err != nil {
		testskip.Skip(t, "no buildkitd on PATH for a builder of the test's own (hack/install puts it in the state directory's bin)")
	}
	root, err := os.MkdirTemp("", "monokit-ephemeral-")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(root, "buildkitd.toml")
	sock := filepath.Join(root, "buildkitd.sock")
	toml := fmt.Sprintf(`root = %q
[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  gc = false
[worker.containerd]
  enabled = false
[registry.%q]
  http = true
[registry."docker.io"]
  mirrors = [%q]
[registry."gcr.io"]
  mirrors = [%q]
`, filepath.Join(root, "state"), registry, registry, registry)
	if err := os.WriteFile(cfg, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(root, "buildkitd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config", cfg, "--addr", "unix://"+sock, "--oci-worker-net=host")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logf.Close()
		if err := os.RemoveAll(root); err != nil {
			t.Logf("the ephemeral daemon's state stays in %s: %v", root, err)
		}
	})
	if err := waitDaemon(ctx, "unix://"+sock, exited); err != nil {
		log, _ := os.ReadFile(logf.Name())
		t.Fatalf("the test's buildkitd did not come up: %v\n%s", err, log)
	}
	return "unix://" + sock
}

// waitDaemon waits until the buildkitd at addr lists its workers, or it exits.
func waitDaemon(ctx context.Context, addr string, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		c, err := client.New(ctx, addr)
		if err == nil {
			_, err = c.ListWorkers(ctx)
			c.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("buildkitd exited: %w", errors.Join(err, errors.New("see its log below")))
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
