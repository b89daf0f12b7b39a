package integration

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// netns is a network namespace of the test's own, made with ip netns, with
// its loopback up: each container runs in one, so fixtures may listen on the
// same port, and a port taken on the host cannot answer in the app's place.
type netns struct {
	path string
}

func newNetns(t *testing.T, name string) *netns {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "delete", name).Run() })
	if out, err := exec.Command("ip", "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v\n%s", err, out)
	}
	return &netns{path: filepath.Join("/run/netns", name)}
}

// dial connects from inside the namespace. A socket belongs to the namespace
// of the thread that made it: a goroutine locked to its thread enters the
// namespace, makes the socket and ends still locked, so that Go ends the
// thread rather than hand it, in the wrong namespace, to other goroutines.
func (n *netns) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	type dialed struct {
		conn net.Conn
		err  error
	}
	ch := make(chan dialed, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		f, err := os.Open(n.path)
		if err != nil {
			ch <- dialed{nil, err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- dialed{nil, fmt.Errorf("setns %s: %w", n.path, err)}
			return
		}
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		ch <- dialed{conn, err}
	}()
	d := <-ch
	return d.conn, d.err
}

// client is an HTTP client whose connections start in the namespace.
func (n *netns) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: n.dial, DisableKeepAlives: true}}
}
