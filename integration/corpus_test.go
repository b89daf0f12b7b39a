package integration

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/solver/errdefs"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// corpusDir holds small monorepos, each with a lockfile written by real pnpm,
// each showing patterns real repositories use (its monokit.yaml says which).
const corpusDir = "testdata/corpus"

// TestCorpus builds every target of every corpus fixture through the real
// frontend and runs each image under runc as its non-root user on a read-only
// root, in a network namespace of its own (so fixtures may share a port): its
// health route answers (when it has one), its HEALTHCHECK passes, and it stops
// on SIGTERM. Fixtures build in parallel.
func TestCorpus(t *testing.T) {
	needDaemon(t)
	manifests, err := filepath.Glob(filepath.Join(corpusDir, "*", "monokit.yaml"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no corpus fixtures in %s: %v", corpusDir, err)
	}
	for _, mf := range manifests {
		dir := filepath.Dir(mf)
		m, ws, err := testkit.Open(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		// expect.json may name, by target, paths an image must hold or lack
		// (and paths its traced image lacks),
		// text its health route answers, text other paths answer (probes),
		// and, by stage, text that stage's log says (the test builds those
		// stages without the cache).
		var expect map[string]struct {
			MustHave, Absent []string
			// TracedAbsent are paths the traced image leaves out.
			TracedAbsent []string
			Health       string
			Probes       map[string]string
			Logs         map[string][]string
		}
		if _, err := os.Stat(filepath.Join(dir, "expect.json")); err == nil {
			readJSON(t, filepath.Join(dir, "expect.json"), &expect)
		}
		for _, name := range slices.Sorted(maps.Keys(m.Targets)) {
			t.Run(filepath.Base(dir)+"/"+name, func(t *testing.T) {
				t.Parallel()
				p, err := solver.SolveTarget(m, ws, name)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := deadline(t, 20*time.Minute)
				defer cancel()
				// The stages whose log is checked run whatever the daemon
				// holds (--no-cache-filter), so their checks always run.
				logged := slices.Sorted(maps.Keys(expect[name].Logs))
				b := build{dir: dir, target: name}
				if len(logged) > 0 {
					b.attrs = map[string]string{"no-cache": strings.Join(logged, ",")}
				}
				res, err := b.run(ctx, t, inProcess)
				if err != nil {
					t.Fatal(err)
				}
				if u := p.Image.User; u == "" || strings.HasPrefix(u, "0:") || u == "0" {
					t.Errorf("the plan runs %s as %q", name, u)
				}
				bundle := unpack(t, res.ociTar, "linux/amd64")
				checkReadOnlyApp(t, bundle, 3)
				checkContents(t, bundle, imageCase{mustHave: expect[name].MustHave, absent: expect[name].Absent})
				ran := res.progress.RanStages()
				for _, stage := range logged {
					if !slices.Contains(ran, stage) {
						t.Errorf("the %s stage did not run under no-cache; steps that ran: %q", stage, ran)
					}
					for _, want := range expect[name].Logs[stage] {
						if !strings.Contains(res.progress.Logs, want) {
							t.Errorf("the build log does not say %q; steps that ran: %q", want, ran)
						}
					}
				}
				var cfg struct {
					Process struct{ User struct{ UID, GID int } }
				}
				readJSON(t, filepath.Join(bundle, "config.json"), &cfg)
				if cfg.Process.User.UID == 0 {
					t.Errorf("the image runs as uid 0")
				}
				exp := corpusExpect{health: expect[name].Health, probes: expect[name].Probes}
				exp.check(t, bundle, p, m.Targets[name])
				// The same target with the production tree traced
				// (prune: trace): it answers the same, with no more files.
				tp, err := solver.SolveTarget(m, ws, name, solver.Options{BuildArgs: map[string]string{solver.PruneArg: "trace"}})
				if err != nil || tp.Trace == nil {
					return // Next.js, Nitro and static sites are not monokit's to trace
				}
				t.Run("traced", func(t *testing.T) {
					tres, err := build{dir: dir, target: name, attrs: map[string]string{"build-arg:" + solver.PruneArg: "trace"}}.run(ctx, t, inProcess)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.ContainsFunc(append(tres.progress.Ran(), tres.progress.Cached()...), func(v string) bool {
						stage, _, ok := testkit.RunStep(v)
						return ok && stage == "trace"
					}) {
						t.Errorf("the build has no trace step; steps that ran: %q", tres.progress.RanStages())
					}
					tbundle := unpack(t, tres.ociTar, "linux/amd64")
					checkReadOnlyApp(t, tbundle, 3)
					checkContents(t, tbundle, imageCase{absent: expect[name].TracedAbsent})
					if traced, full := countFiles(t, filepath.Join(tbundle, "rootfs/app")), countFiles(t, filepath.Join(bundle, "rootfs/app")); traced > full {
						t.Errorf("the traced image holds %d files under /app, the untraced one %d", traced, full)
					} else {
						t.Logf("files under /app: %d traced, %d untraced", traced, full)
					}
					exp.check(t, tbundle, tp, m.Targets[name])
				})
			})
		}
	}
}

// corpusExpect is what a corpus image must answer when it runs: text in
// its health route's answer, and in other paths'.
type corpusExpect struct {
	health string
	probes map[string]string
}

// check runs the image: its health route answers (or, for a worker, it
// keeps running), its HEALTHCHECK passes, and it stops on SIGTERM.
func (e corpusExpect) check(t *testing.T, bundle string, p *plan.Plan, tg *manifest.Target) {
	t.Helper()
	c := start(t, bundle)
	if hc := tg.Healthcheck; hc != nil {
		port := hc.Port
		if port == 0 {
			port = tg.Ports[0].Number
		}
		body := c.get(t, fmt.Sprintf("http://127.0.0.1:%d%s", port, hc.Path.Value), 60*time.Second)
		if !strings.Contains(body, e.health) {
			t.Errorf("health answered %s, want %s in it", body, e.health)
		}
		for _, path := range slices.Sorted(maps.Keys(e.probes)) {
			body := c.get(t, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), 10*time.Second)
			if !strings.Contains(body, e.probes[path]) {
				t.Errorf("%s answered %s, want %s in it", path, body, e.probes[path])
			}
		}
		test := p.Image.Healthcheck.Test[1:]
		if out, err := c.exec(p.Image.User, test...); err != nil {
			t.Errorf("HEALTHCHECK %q failed: %v %s", test, err, out)
		}
	} else {
		// A worker without a port: it must still be running.
		select {
		case err := <-c.done:
			t.Fatalf("the worker exited (%v):\n%s", err, c.out.String())
		case <-time.After(3 * time.Second):
		}
	}
	if took := c.stop(t, 10*time.Second); took > 5*time.Second {
		t.Errorf("SIGTERM took %s to stop the app", took)
	}
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBuildArg: a --build-arg reaches the package build that reads it (its
// default is in TestCorpus).
func TestBuildArg(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 10*time.Minute)
	defer cancel()
	res, err := build{dir: filepath.Join(corpusDir, "rewrite-manifest"), target: "web", attrs: map[string]string{"build-arg:RELEASE": "9.9.9"}}.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	c := start(t, unpack(t, res.ociTar, "linux/amd64"))
	if body := c.get(t, "http://127.0.0.1:4103/health", 60*time.Second); !strings.Contains(body, `"release":"9.9.9"`) {
		t.Errorf("health answered %s, want release 9.9.9", body)
	}
}

// TestLockfileRefusalPointsAtLine: when pnpm refuses the lockfile as out of
// date, the build error names the package.json line to change, with the file's
// text as BuildKit source info, and buildx prints that line.
func TestLockfileRefusalPointsAtLine(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 10*time.Minute)
	defer cancel()
	dir := copyTree(t, filepath.Join(corpusDir, "lockfile-overrides"))
	pj := filepath.Join(dir, "apps/api/package.json")
	data, err := os.ReadFile(pj)
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.Replace(string(data), `"is-number": "^7.0.0"`, `"is-number": "^7.0.0",`+"\n"+`    "ms": "^2.1.3"`, 1)
	if err := os.WriteFile(pj, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(stale[:strings.Index(stale, `"ms"`)], "\n")
	const want = `refused pnpm-lock.yaml: dependencies "ms" is not in pnpm-lock.yaml`
	_, err = build{dir: dir, target: "api"}.run(ctx, t, inProcess)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	var found bool
	for _, s := range errdefs.Sources(err) {
		found = found || s.Info.Filename == "apps/api/package.json" && string(s.Info.Data) == stale && len(s.Ranges) > 0 && int(s.Ranges[0].Start.Line) == line
	}
	if !found {
		t.Errorf("no source info for apps/api/package.json line %d in %+v", line, errdefs.Sources(err))
	}
	_, err = build{dir: dir, target: "api"}.run(ctx, t, buildx)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("apps/api/package.json:%d", line)) || !strings.Contains(err.Error(), `>>>     "ms": "^2.1.3"`) {
		t.Errorf("buildx did not print the package.json line: %v", err)
	}
}
