package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moby/buildkit/client"
	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// run holds what the steps found.
type run struct {
	src, frontend, builder, commit string
	trace                          bool // -trace: build (and run) each built app traced too
	date                           time.Time
	repos                          []*repoResult
	rows                           []*row
	missing                        []string
}

// repoResult is zero-config inference on one repository against its
// deployed apps (Node.js ones: monokit builds Node.js images).
type repoResult struct {
	Repo     string         `json:"repo"`
	Date     time.Time      `json:"date"`
	Monokit  string         `json:"monokit"`
	Err      string         `json:"error,omitempty"`
	Inferred map[string]int `json:"inferred"` // package dir → port (0: none)
	Hits     []string       `json:"hits"`
	Extra    []string       `json:"extra"`  // inferred, not deployed
	Missed   []string       `json:"missed"` // deployed, not inferred
	PortsOK  []string       `json:"portsRight"`
	PortsBad []string       `json:"portsWrong"`
}

// row is one deployed app's plan and build, measured on Date with monokit
// Monokit.
type row struct {
	App     app       `json:"app"`
	Commit  string    `json:"commit"`
	Date    time.Time `json:"date"`
	Monokit string    `json:"monokit"`
	PlanErr string    `json:"planError,omitempty"`
	Planned bool      `json:"planned"`
	// Trace plan: the minimal manifest planned again with
	// --build-arg MONOKIT_PRUNE=trace. Traces: the plan has a trace stage;
	// else TraceNote is the planner's note saying why not (it does not
	// trace Next.js, Nitro, static sites, TypeScript sources), or
	// TracePlanErr the plan's error. All empty: not planned so.
	Traces       bool   `json:"traces,omitempty"`
	TraceNote    string `json:"traceNote,omitempty"`
	TracePlanErr string `json:"tracePlanError,omitempty"`
	// Build: wall time, compressed image size, and the first failing
	// step with its first error line.
	buildResult
	// BuildDate and BuildMonokit say when the build was measured, when an
	// earlier run's build is kept.
	BuildDate    time.Time `json:"buildDate,omitzero"`
	BuildMonokit string    `json:"buildMonokit,omitempty"`
	// Run: whether the image answered its probe, what answered, or why
	// not; on RunDate.
	runResult
	// Traced is the app built again with --build-arg MONOKIT_PRUNE=trace
	// (-trace), and run when the run step is on; nil when not measured.
	Traced *tracedResult `json:"traced,omitempty"`
}

// buildResult is one docker buildx build of the app: wall time, compressed
// image size, and the first failing step with its first error line.
type buildResult struct {
	Built     bool          `json:"built"`
	Wall      time.Duration `json:"wallNs,omitempty"`
	Size      int64         `json:"size,omitempty"`
	FailStep  string        `json:"failStep,omitempty"`
	FailError string        `json:"failError,omitempty"`
}

// failed reports whether the build was measured and failed.
func (b buildResult) failed() bool { return !b.Built && (b.FailStep != "" || b.FailError != "") }

// runResult is one run of an image (runImage): whether it answered its
// probe, what answered, or why not; on RunDate.
type runResult struct {
	Answered bool      `json:"answered,omitempty"`
	RunNote  string    `json:"runNote,omitempty"`
	RunError string    `json:"runError,omitempty"`
	RunDate  time.Time `json:"runDate,omitzero"`
}

// ran reports whether the image was run.
func (r runResult) ran() bool { return r.Answered || r.RunError != "" }

// tracedResult is the traced build, measured on Date with monokit Monokit
// (an earlier run's is kept when this run does not trace), and its run.
type tracedResult struct {
	buildResult
	Date    time.Time  `json:"date"`
	Monokit string     `json:"monokit"`
	Run     *runResult `json:"run,omitempty"`
}

func (rw *row) buildDate() time.Time {
	if !rw.BuildDate.IsZero() {
		return rw.BuildDate
	}
	return rw.Date
}

func (rw *row) buildMonokit() string {
	if rw.BuildMonokit != "" {
		return rw.BuildMonokit
	}
	return rw.Monokit
}

func load(dir string) (*pnpm.Workspace, fs.FS, error) {
	fsys, err := ctxfs.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	ws, err := pnpm.Load(fsys)
	return ws, fsys, err
}

// infer runs zero-config inference as monokit init does on the loaded
// workspace (or its load error) and compares its targets with the
// repository's deployed Node.js apps.
func (r *run) infer(rp repo, ws *pnpm.Workspace, fsys fs.FS, loadErr error, apps []app) {
	res := &repoResult{Repo: rp.name, Inferred: map[string]int{}, Date: r.date, Monokit: r.commit}
	r.repos = append(r.repos, res)
	if loadErr != nil {
		res.Err = firstLine(loadErr.Error())
		return
	}
	_, m, err := solver.InferManifest(ws, fsys)
	if err != nil && m == nil {
		res.Err = firstLine(err.Error())
		return
	}
	if m != nil {
		for _, t := range m.Targets {
			p := ws.Find(t.Package.Value)
			if p == nil {
				continue
			}
			port := 0
			if len(t.Ports) > 0 {
				port = t.Ports[0].Number
			}
			res.Inferred[p.Dir] = port
		}
	}
	deployed := map[string]app{}
	for _, a := range apps {
		if a.Runtime == "node" {
			deployed[a.Dir] = a
		}
	}
	for d, port := range res.Inferred {
		a, ok := deployed[d]
		if !ok {
			res.Extra = append(res.Extra, d)
			continue
		}
		res.Hits = append(res.Hits, d)
		switch {
		case a.Port == 0:
		case a.Port == port:
			res.PortsOK = append(res.PortsOK, d)
		default:
			res.PortsBad = append(res.PortsBad, fmt.Sprintf("%s: %d, deployed on %d", d, port, a.Port))
		}
	}
	for d := range deployed {
		if _, ok := res.Inferred[d]; !ok {
			res.Missed = append(res.Missed, d)
		}
	}
	for _, l := range [][]string{res.Hits, res.Extra, res.Missed, res.PortsOK, res.PortsBad} {
		slices.Sort(l)
	}
}

// minimalManifest is the manifest a user writes for one app: the target and
// its package, encoded as YAML (the directory is data, never text).
func minimalManifest(dir string) ([]byte, error) {
	return yaml.Marshal(map[string]any{"version": 1, "targets": map[string]any{"app": map[string]any{"package": dir}}})
}

// standInManifest is minimalManifest with the build environment the
// harness's stand-ins for unreachable hosts need (buildEnv), which a user
// whose builder reaches them would not write.
func standInManifest(dir string, buildEnv map[string]string) ([]byte, error) {
	if len(buildEnv) == 0 {
		return minimalManifest(dir)
	}
	return yaml.Marshal(map[string]any{"version": 1, "build-env": buildEnv, "targets": map[string]any{"app": map[string]any{"package": dir}}})
}

// plan plans the app's minimal manifest on the loaded workspace (or records
// its load error), then plans it traced (tracePlan).
func (r *run) plan(rw *row, ws *pnpm.Workspace, loadErr error) {
	if loadErr != nil {
		rw.PlanErr = firstLine(loadErr.Error())
		return
	}
	if _, err := solveMinimal(rw.App.Dir, ws, solver.Options{}); err != nil {
		rw.PlanErr = firstLine(err.Error())
		return
	}
	rw.Planned = true
	r.tracePlan(rw, ws)
}

// solveMinimal plans the app's minimal manifest with opts.
func solveMinimal(dir string, ws *pnpm.Workspace, opts solver.Options) (*plan.Plan, error) {
	data, err := minimalManifest(dir)
	if err != nil {
		return nil, err
	}
	m, err := manifest.Parse("monokit.yaml", data)
	if err != nil {
		return nil, err
	}
	return solver.SolveTarget(m, ws, "app", opts)
}

// tracePlan plans the app's minimal manifest as the traced build does
// (--build-arg MONOKIT_PRUNE=trace) and records whether it traces, else the
// planner's note saying why not, else its error.
func (r *run) tracePlan(rw *row, ws *pnpm.Workspace) {
	rw.Traces, rw.TraceNote, rw.TracePlanErr = false, "", ""
	p, err := solveMinimal(rw.App.Dir, ws, solver.Options{BuildArgs: map[string]string{solver.PruneArg: manifest.PruneTrace}})
	if err != nil {
		rw.TracePlanErr = firstLine(err.Error())
		return
	}
	rw.Traces, rw.TraceNote = traceOutcome(p)
}

// traceNotePrefix starts the planner's note on a target it does not trace.
const traceNotePrefix = "prune: trace:"

// traceOutcome reads a plan made with MONOKIT_PRUNE=trace: whether it
// traces, else the note saying why not.
func traceOutcome(p *plan.Plan) (bool, string) {
	if p.Trace != nil {
		return true, ""
	}
	for _, n := range p.Notes {
		if strings.HasPrefix(n, traceNotePrefix) {
			return false, n
		}
	}
	return false, traceNotePrefix + " not traced, and the plan says not why"
}

// tracePlanned reports whether the row's trace plan was measured.
func (rw *row) tracePlanned() bool { return rw.Traces || rw.TraceNote != "" || rw.TracePlanErr != "" }

// build runs docker buildx build with the frontend image on the app's
// minimal manifest, written outside the repository; then, with run, runs
// the image (runImage). With -trace, when the image built and its plan
// traces, it builds it again with --build-arg MONOKIT_PRUNE=trace (and runs
// that image too, with run) into rw.Traced.
func (r *run) build(rw *row, dir string, run bool) {
	tmp, err := os.MkdirTemp("", "realworld-")
	if err != nil {
		rw.FailError = err.Error()
		return
	}
	defer os.RemoveAll(tmp)
	buildEnv, cleanup, err := googleFontMocks(dir, rw.App)
	if err != nil {
		rw.FailError = err.Error()
		return
	}
	defer cleanup()
	data, err := standInManifest(rw.App.Dir, buildEnv)
	if err != nil {
		rw.FailError = err.Error()
		return
	}
	mf := filepath.Join(tmp, "monokit.yaml")
	if err := os.WriteFile(mf, append([]byte("# syntax="+r.frontend+"\n"), data...), 0o644); err != nil {
		rw.FailError = err.Error()
		return
	}
	work := filepath.Join(tmp, "untraced")
	if oci, ok := r.buildImage(&rw.buildResult, mf, dir, work); ok && run {
		rw.runResult = runImage(rw.App, oci)
	}
	if !r.trace || !rw.Built || !rw.Traces {
		return
	}
	// The untraced image, its layout and bundle are done with: the
	// traced build gets the disk.
	os.RemoveAll(work)
	t := &tracedResult{Date: r.date, Monokit: r.commit}
	rw.Traced = t
	if oci, ok := r.buildImage(&t.buildResult, mf, dir, filepath.Join(tmp, "traced"), "--build-arg", solver.PruneArg+"="+manifest.PruneTrace); ok && run {
		res := runImage(rw.App, oci)
		t.Run = &res
	}
}

// buildImage builds the app (buildxArgs, with extra arguments) to an OCI
// tarball in work and records the outcome in res; it returns the image's
// OCI layout, and whether the image built and its size was read.
func (r *run) buildImage(res *buildResult, mf, dir, work string, extra ...string) (string, bool) {
	if err := os.MkdirAll(work, 0o755); err != nil {
		res.FailError = err.Error()
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	tarPath, ociDir := filepath.Join(work, "image.tar"), filepath.Join(work, "oci")
	cmd := exec.CommandContext(ctx, "docker", buildxArgs(r.builder, mf, tarPath, dir, extra...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	began := time.Now()
	err := cmd.Run()
	res.Wall = time.Since(began)
	if err != nil {
		res.FailStep, res.FailError = failure(stderr.Bytes())
		if res.FailError == "" {
			res.FailError = firstLine(err.Error())
		}
		return "", false
	}
	res.Built = true
	res.Size, err = imageSize(tarPath, ociDir)
	if err != nil {
		res.FailError = "image: " + err.Error()
		return "", false
	}
	return ociDir, true
}

// buildxArgs is the docker command line that builds target app of the
// manifest mf on the context dir for linux/amd64 to an OCI tarball; extra
// (the traced build's --build-arg) go before the output.
func buildxArgs(builder, mf, tarPath, dir string, extra ...string) []string {
	args := []string{"buildx", "build", "--builder", builder, "--progress=rawjson",
		"-f", mf, "--target", "app", "--platform", "linux/amd64"}
	args = append(args, extra...)
	return append(args, "--output", "type=oci,dest="+tarPath, dir)
}

// failure reads a rawjson progress stream: the first vertex that failed, and
// the first line of its log that reads as an error (else its error).
func failure(stream []byte) (step, msg string) {
	dec := json.NewDecoder(bytes.NewReader(stream))
	logs := map[string]*strings.Builder{}
	var failed *client.Vertex
	for {
		var st client.SolveStatus
		if err := dec.Decode(&st); err != nil {
			break
		}
		for _, l := range st.Logs {
			b := logs[l.Vertex.String()]
			if b == nil {
				b = &strings.Builder{}
				logs[l.Vertex.String()] = b
			}
			b.Write(l.Data)
		}
		for _, v := range st.Vertexes {
			if v.Error != "" && failed == nil && !strings.Contains(v.Error, "context canceled") {
				failed = v
			}
		}
	}
	if failed == nil {
		rest := stream
		if i := bytes.LastIndexByte(bytes.TrimSpace(stream), '\n'); i >= 0 {
			rest = stream[i:]
		}
		return "", firstLine(string(rest))
	}
	if b := logs[failed.Digest.String()]; b != nil {
		if dir, err := os.MkdirTemp("", "realworld-failed-"); err == nil {
			f := filepath.Join(dir, "step.log")
			if os.WriteFile(f, []byte(b.String()), 0o644) == nil {
				fmt.Fprintf(os.Stderr, "%s: the failing step's whole log is in %s\n", failed.Name, f)
			}
		}
		// A warning block (webpack's "WARNING in …" up to a blank line)
		// reads like an error and is none.
		warning := false
		for _, l := range strings.Split(b.String(), "\n") {
			t := strings.TrimSpace(l)
			lower := strings.ToLower(t)
			switch {
			case t == "":
				warning = false
				continue
			case strings.HasPrefix(lower, "warning") || strings.HasPrefix(lower, "warn "):
				warning = true
				continue
			case warning:
				continue
			}
			if strings.Contains(l, "ERR") || strings.Contains(lower, "error") || strings.Contains(lower, "failed") || strings.Contains(lower, "cannot") || strings.Contains(lower, "not found") {
				return failed.Name, firstLine(l)
			}
		}
	}
	return failed.Name, firstLine(failed.Error)
}

// imageSize is the compressed size of the one image in an OCI tarball: its
// layers and config.
func imageSize(tarPath, dir string) (int64, error) {
	if err := testkit.ExtractOCI(tarPath, dir); err != nil {
		return 0, err
	}
	img, err := testkit.OnlyImage(dir)
	if err != nil {
		return 0, err
	}
	m, err := img.Manifest()
	if err != nil {
		return 0, err
	}
	size := m.Config.Size
	for _, l := range m.Layers {
		size += l.Size
	}
	if size == 0 {
		return 0, errors.New("no layers")
	}
	return size, nil
}
