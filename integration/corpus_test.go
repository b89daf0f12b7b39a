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
		// expect.json may name, by target, paths an image must hold or lack,
		// text its health route answers, text other paths answer (probes),
		// and, by stage, text that stage's log says (the test builds those
		// stages without the cache).
		var expect map[string]struct {
			MustHave, Absent []string
			Health           string
			Probes           map[string]string
			Logs             map[string][]string
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
				c := start(t, bundle)
				if hc := m.Targets[name].Healthcheck; hc != nil {
					port := hc.Port
					if port == 0 {
						port = m.Targets[name].Ports[0].Number
					}
					body := c.get(t, fmt.Sprintf("http://127.0.0.1:%d%s", port, hc.Path.Value), 60*time.Second)
					if !strings.Contains(body, expect[name].Health) {
						t.Errorf("health answered %s, want %s in it", body, expect[name].Health)
					}
					for _, path := range slices.Sorted(maps.Keys(expect[name].Probes)) {
						body := c.get(t, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), 10*time.Second)
						if !strings.Contains(body, expect[name].Probes[path]) {
							t.Errorf("%s answered %s, want %s in it", path, body, expect[name].Probes[path])
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
			})
		}
	}
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
