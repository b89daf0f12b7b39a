// Command realworld measures monokit on the training set of real pnpm
// monorepos (../shared/realworld/repos.txt), app by app, against what each
// repository itself deploys (apps.json, read from its own Dockerfiles,
// compose files and deploy configs). Run by hand, not in CI: the
// repositories come from the search tool's fetch, extracted with git archive
// at their pinned commits into -src.
//
//	go run ./hack/realworld -src /work/rw -steps init,plan      # seconds
//	go run ./hack/realworld -steps init,plan,build -apps useSend # minutes per app
//	go run ./hack/realworld -steps plan,build,run -trace -apps inbox-zero/apps/worker,jitsu/services/rotor
//
// Steps:
//   - init: zero-config inference (what monokit init writes), compared with
//     the deployed apps: precision, recall, and the port where the
//     repository states it;
//   - plan: a minimal manifest (the target and its package) planned;
//   - build: docker buildx build with the frontend image, linux/amd64, on
//     the monokit builder (hack/up), to an OCI tarball: wall time, image
//     size, and the first failing step with its first error line;
//   - run (with build): the image under runc, as its user, read-only, with
//     the app's runEnv, probed on its health route, else its port, else
//     alive after 10 s: what answered, or the container's last lines.
//
// With -trace, each app that built (and ran) is built again with
// --build-arg MONOKIT_PRUNE=trace, the same command otherwise, and run the
// same way: the traced image's size against the untraced one's, and
// whether it runs the same. The plan step records whether the app's plan
// traces at all (monokit does not trace Next.js, Nitro or static sites,
// and notes why); such apps are not built again.
//
// It writes docs/realworld.md (-o) and the rows as JSON (-json).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// app is one deployed app of the answer key.
type app struct {
	Repo         string   `json:"repo"`
	Dir          string   `json:"dir"`
	Runtime      string   `json:"runtime"` // node, bun or deno
	Port         int      `json:"port"`
	PortSource   string   `json:"portSource"`
	Health       string   `json:"health"`
	HealthSource string   `json:"healthSource"`
	Env          []string `json:"env"`
	Services     []string `json:"services"`
	// RunEnv is the environment the run step gives the image: what the
	// repository documents (Env), with fake URLs and secrets.
	RunEnv map[string]string `json:"runEnv,omitempty"`
	// RunServices are what the run step starts on loopback first, from
	// Debian's packages: "redis" (redis-server on 6379).
	RunServices []string `json:"runServices,omitempty"`
	// GoogleFonts are the Google Fonts stylesheet URLs the app's Next.js
	// build fetches, which this machine cannot reach: the build step
	// answers them from a stand-in (googleFontMocks), as the issue allows.
	GoogleFonts []string `json:"googleFonts,omitempty"`
	// Note explains a failure that is not monokit's, or what monokit lacks.
	Note string `json:"note,omitempty"`
	// BlockedBy names what this machine lacks that the app needs to build
	// or answer (a package version the registry here does not serve, an
	// unreachable host, a service Debian does not package), when the Note
	// shows that the repository's own install or app fails the same way.
	BlockedBy string `json:"blockedBy,omitempty"`
}

func main() {
	root, err := repoRoot()
	if err != nil {
		fail(err)
	}
	var (
		list     = flag.String("list", filepath.Join(root, "..", "shared", "realworld", "repos.txt"), "the training set: OWNER/NAME COMMIT lines")
		src      = flag.String("src", "/work/rw", "where each repository is extracted, as <src>/<NAME>")
		keyFile  = flag.String("key", filepath.Join(root, "hack", "realworld", "apps.json"), "the answer key")
		only     = flag.String("apps", "", "comma-separated repositories or repo/dir apps to measure (default all)")
		steps    = flag.String("steps", "init,plan", "steps to run: init, plan, build, run")
		out      = flag.String("o", filepath.Join(root, "docs", "realworld.md"), "the scoreboard")
		jsonOut  = flag.String("json", filepath.Join(root, "docs", "realworld.json"), "the rows as JSON; rows of apps this run does not measure are kept from it")
		frontend = flag.String("frontend", "docker.io/monokit/monokit:1", "the frontend image builds use (# syntax=)")
		builder  = flag.String("builder", "monokit", "the buildx builder")
		trace    = flag.Bool("trace", false, "with the build step: build each app that built again with --build-arg MONOKIT_PRUNE=trace (and run it, with the run step) when its plan traces")
	)
	flag.Parse()
	repos, err := readList(*list)
	if err != nil {
		fail(err)
	}
	var key struct {
		Apps []app `json:"apps"`
	}
	data, err := os.ReadFile(*keyFile)
	if err == nil {
		err = json.Unmarshal(data, &key)
	}
	if err != nil {
		fail(fmt.Errorf("%s: %w", *keyFile, err))
	}
	want := map[string]bool{}
	for _, s := range strings.Split(*steps, ",") {
		want[strings.TrimSpace(s)] = true
	}
	if *trace && !want["build"] {
		fmt.Fprintln(os.Stderr, "realworld: -trace builds with the build step, which -steps does not name: no traced build")
	}
	selected := func(repo, dir string) bool {
		if *only == "" {
			return true
		}
		for _, o := range strings.Split(*only, ",") {
			if o == repo || o == repo+"/"+dir {
				return true
			}
		}
		return false
	}
	r := &run{src: *src, frontend: *frontend, builder: *builder, commit: gitHead(root), date: time.Now().UTC(), trace: *trace}
	for _, rp := range repos {
		dir := filepath.Join(*src, rp.name)
		if _, err := os.Stat(filepath.Join(dir, ".extracted")); err != nil {
			r.missing = append(r.missing, rp.name)
			continue
		}
		var apps []app
		for _, a := range key.Apps {
			if a.Repo == rp.name && selected(a.Repo, a.Dir) {
				apps = append(apps, a)
			}
		}
		if len(apps) == 0 {
			continue
		}
		// Both steps read the workspace once; a workspace that does not
		// load fails each.
		ws, fsys, loadErr := load(dir)
		if want["init"] {
			r.infer(rp, ws, fsys, loadErr, apps)
		}
		for _, a := range apps {
			row := &row{App: a, Commit: rp.commit, Date: r.date, Monokit: r.commit}
			if want["plan"] {
				r.plan(row, ws, loadErr)
			}
			if want["build"] && a.Runtime == "node" && row.PlanErr == "" {
				if *trace && !row.tracePlanned() && loadErr == nil {
					r.tracePlan(row, ws) // the traced build needs it; the plan step did not run
				}
				r.build(row, dir, want["run"])
			}
			r.rows = append(r.rows, row)
		}
	}
	if err := r.merge(*jsonOut, want); err != nil {
		fail(err)
	}
	if err := r.write(*out, *jsonOut); err != nil {
		fail(err)
	}
	fmt.Print(r.summary())
}

type repo struct{ owner, name, commit string }

func readList(file string) ([]repo, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []repo
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		owner, name, ok := strings.Cut(f[0], "/")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not OWNER/NAME COMMIT", file, l)
		}
		out = append(out, repo{owner, name, f[1]})
	}
	return out, nil
}

func repoRoot() (string, error) {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	return strings.TrimSpace(string(out)), err
}

func gitHead(root string) string {
	out, _ := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	return strings.TrimSpace(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "realworld:", err)
	os.Exit(1)
}

// firstLine is the first line of s that holds text, clipped.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return ""
}
