package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/worker/label"
)

// Env is what a run measured and on what: the tree, the machine, the daemon.
type Env struct {
	Date string `json:"date"`
	// Commit is the checkout's HEAD; Dirty, that it had uncommitted changes
	// (the frontend image hack/up builds is the working tree's).
	Commit string `json:"commit,omitempty"`
	Dirty  bool   `json:"dirty,omitempty"`
	// CPUModel is /proc/cpuinfo's model name; CPUs, the CPUs this process may
	// run on (the daemon runs on the same machine under hack/start).
	CPUModel string `json:"cpuModel,omitempty"`
	CPUs     int    `json:"cpus"`
	// BuildKit is the daemon's version (its Info API), BuildKitClient the
	// client module's (go.mod); Worker, the daemon's worker.
	BuildKit       client.BuildkitVersion `json:"buildkit"`
	BuildKitClient string                 `json:"buildkitClient,omitempty"`
	Worker         string                 `json:"worker,omitempty"`
	Go             string                 `json:"go,omitempty"`
	Example        string                 `json:"example,omitempty"`
	// Args are hack/bench's flags.
	Args []string `json:"args,omitempty"`
}

// environment reads the environment of a run; what it cannot read it leaves
// empty, and says so on stderr.
func environment(ctx context.Context, c *client.Client, example string, args []string) Env {
	e := Env{
		Date:           time.Now().UTC().Format(time.RFC3339),
		CPUs:           runtime.NumCPU(),
		BuildKitClient: moduleVersion("github.com/moby/buildkit"),
		Go:             runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Example:        example,
		Args:           args,
	}
	warn := func(what string, err error) { fmt.Fprintf(os.Stderr, "bench: %s: %v\n", what, err) }
	var err error
	if e.Commit, e.Dirty, err = gitState(); err != nil {
		warn("the commit", err)
	}
	if f, err := os.Open("/proc/cpuinfo"); err != nil {
		warn("the CPU model", err)
	} else {
		e.CPUModel = cpuModel(f)
		f.Close()
	}
	if c == nil {
		return e
	}
	if info, err := c.Info(ctx); err != nil {
		warn("the BuildKit version", err)
	} else {
		e.BuildKit = info.BuildkitVersion
	}
	if ws, err := c.ListWorkers(ctx); err != nil {
		warn("the workers", err)
	} else {
		e.Worker = workers(ws)
	}
	return e
}

// gitState is the checkout's HEAD and whether anything tracked or untracked
// (and not ignored) differs from it.
func gitState() (commit string, dirty bool, err error) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false, fmt.Errorf("git rev-parse HEAD: %w", err)
	}
	commit = strings.TrimSpace(string(out))
	status, err := exec.Command("git", "status", "--porcelain").Output()
	if err != nil {
		return commit, false, fmt.Errorf("git status: %w", err)
	}
	return commit, len(strings.TrimSpace(string(status))) > 0, nil
}

// cpuModel reads /proc/cpuinfo's first "model name" (x86), or its "Hardware"
// or "CPU implementer/part" (arm64, which has no model name).
func cpuModel(r io.Reader) string {
	fields := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if ok && v != "" && fields[k] == "" {
			fields[k] = v
		}
	}
	switch {
	case fields["model name"] != "":
		return fields["model name"]
	case fields["Hardware"] != "":
		return fields["Hardware"]
	case fields["CPU part"] != "":
		return fmt.Sprintf("CPU implementer %s part %s", fields["CPU implementer"], fields["CPU part"])
	}
	return ""
}

// moduleVersion is the version of a module this binary was built with.
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return ""
}

// workers describes the daemon's workers: executor, snapshotter, platforms.
func workers(ws []*client.WorkerInfo) string {
	var out []string
	for _, w := range ws {
		var ps []string
		for _, p := range w.Platforms {
			s := p.OS + "/" + p.Architecture
			if p.Variant != "" {
				s += "/" + p.Variant
			}
			ps = append(ps, s)
		}
		sort.Strings(ps)
		out = append(out, fmt.Sprintf("%s, %s snapshotter, %s", w.Labels[label.Executor], w.Labels[label.Snapshotter], strings.Join(ps, " ")))
	}
	return strings.Join(out, "; ")
}

// lines are the environment in the markdown report, one item a line.
func (e Env) lines(reps int) []string {
	commit := "unknown"
	if e.Commit != "" {
		commit = "`" + short(e.Commit) + "`"
		if e.Dirty {
			commit += ", with uncommitted changes"
		}
	}
	cpu := e.CPUModel
	if cpu == "" {
		cpu = "unknown model"
	}
	bk := "daemon " + orUnknown(e.BuildKit.Version)
	if e.BuildKit.Revision != "" {
		bk += " (" + short(e.BuildKit.Revision) + ")"
	}
	if e.BuildKitClient != "" {
		bk += ", client " + e.BuildKitClient
	}
	if e.Worker != "" {
		bk += "; worker: " + e.Worker
	}
	out := []string{
		"date: " + orUnknown(e.Date),
		"commit: " + commit,
		fmt.Sprintf("CPU: %s, %d CPUs", cpu, e.CPUs),
		"BuildKit: " + bk,
		"Go: " + orUnknown(e.Go),
	}
	if e.Args != nil || e.Example != "" {
		out = append(out, "command: `"+strings.TrimSpace("hack/benchmark "+strings.Join(e.Args, " "))+"`")
	}
	return append(out, fmt.Sprintf("median of %d repetitions", reps))
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
