package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/frontend/dockerui"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/frontend/subrequests/targets"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/tonistiigi/fsutil"
)

// TestFrontendWays builds the backend through every route to the frontend; all
// must produce the same image, byte for byte.
func TestFrontendWays(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	digests := map[way]string{}
	for _, w := range allWays {
		t.Run(string(w), func(t *testing.T) {
			res, err := build{dir: nexusDir, target: "backend"}.run(ctx, t, w)
			if err != nil {
				t.Fatal(err)
			}
			_, ms := images(t, res.ociTar)
			d, ok := ms["linux/amd64"]
			if !ok || len(ms) != 1 {
				t.Fatalf("images %v, want one linux/amd64", ms)
			}
			digests[w] = d.Descriptor.Digest.String()
			var sawBuild bool
			for _, v := range res.progress.Vertices {
				sawBuild = sawBuild || strings.HasPrefix(v.Name, "[build:@nexus/shared-types]")
			}
			if !sawBuild {
				t.Errorf("no [build:@nexus/shared-types] vertex among %d", len(res.progress.Vertices))
			}
		})
	}
	for _, w := range allWays[1:] {
		if digests[w] != digests[inProcess] {
			t.Errorf("%s built %s, in-process built %s", w, digests[w], digests[inProcess])
		}
	}
}

// TestCallTargets is `docker buildx build --call targets`: the gateway answers the
// frontend.targets subrequest with every target and its manifest line.
func TestCallTargets(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	src, err := fsutil.NewFS(nexusDir)
	if err != nil {
		t.Fatal(err)
	}
	opt := client.SolveOpt{LocalMounts: map[string]fsutil.FS{dockerui.DefaultLocalNameContext: src, dockerui.DefaultLocalNameDockerfile: src}}
	var list targets.List
	_, err = bkClient.Build(ctx, opt, "", func(ctx context.Context, c gateway.Client) (*gateway.Result, error) {
		res, err := c.Solve(ctx, gateway.SolveRequest{
			Frontend: "dockerfile.v0",
			FrontendOpt: map[string]string{
				"filename":      "monokit.yaml",
				"requestid":     targets.RequestTargets,
				"frontend.caps": "moby.buildkit.frontend.subrequests",
			},
		})
		if err != nil {
			return nil, err
		}
		return res, json.Unmarshal(res.Metadata["result.json"], &list)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Targets) != 2 || list.Targets[0].Name != "backend" || list.Targets[1].Name != "frontend" {
		t.Fatalf("targets = %+v", list.Targets)
	}
	if l := list.Targets[0].Location; l == nil || l.Ranges[0].Start.Line != 8 {
		t.Errorf("backend location = %+v, want line 8", l)
	}

	out, err := exec.CommandContext(ctx, "docker", "buildx", "build", "--builder", builder, "--call", "targets", "-f", filepath.Join(nexusDir, "monokit.yaml"), nexusDir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "backend  package services/backend") {
		t.Errorf("docker buildx build --call targets: %v\n%s", err, out)
	}
}

// TestCallOutline is `docker buildx build --call outline`: buildx prints the
// target's build arguments (value and comment) and secrets in its own tables.
func TestCallOutline(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	manifest := "# syntax=" + frontendRef + `
version: 1
args:
  # The API the browser calls.
  API_URL: https://api.example.com
targets:
  backend:
    package: services/backend
    args:
      SENTRY_RELEASE: ~  # the release to tag errors with
    secrets:
      - {id: npm_token, env: NPM_TOKEN, required: true}
`
	if err := os.WriteFile(filepath.Join(dir, "monokit.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, "docker", "buildx", "build", "--builder", builder, "--call", "outline",
		"--build-arg", "SENTRY_RELEASE=1.2.3", "--target", "backend", "-f", filepath.Join(dir, "monokit.yaml"), dir).CombinedOutput()
	if err != nil {
		t.Fatalf("docker buildx build --call outline: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`TARGET:\s+backend`),
		regexp.MustCompile(`BUILD ARG\s+VALUE\s+DESCRIPTION`),
		regexp.MustCompile(`API_URL\s+https://api.example.com\s+The API the browser calls.`),
		regexp.MustCompile(`SENTRY_RELEASE\s+1.2.3\s+the release to tag errors with`),
		regexp.MustCompile(`SECRET\s+REQUIRED`),
		regexp.MustCompile(`npm_token\s+true`),
	} {
		if !want.Match(out) {
			t.Errorf("outline lacks %s:\n%s", want, out)
		}
	}
}

// TestCallCheck is `docker buildx build --call check`: buildx prints each
// finding with its rule and the file and line it is at, honours the
// manifest's # check= line, and fails the call with error=true.
func TestCallCheck(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	edit := func(file, old, new string) {
		t.Helper()
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, []byte(old)) {
			t.Fatalf("%s: %v", file, err)
		}
		if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A dependency the lockfile lacks, and a start file the build does not ship.
	edit("services/backend/package.json", `"sharp": "0.34.5"`, `"sharp": "0.34.5",`+"\n"+`    "left-pad": "1.3.0"`)
	edit("monokit.yaml", "start: [dist/main.js]", "start: [src/main.js]")
	// And a health path no source serves any more.
	edit("services/backend/src/health.controller.ts", "@Get('live')", "@Get('alive')")
	check := func(args ...string) (string, error) {
		args = append([]string{"buildx", "build", "--builder", builder, "--call", "check", "--target", "backend", "-f", filepath.Join(dir, "monokit.yaml")}, args...)
		out, err := exec.CommandContext(ctx, "docker", append(args, dir)...).CombinedOutput()
		return string(out), err
	}
	out, err := check()
	for _, want := range []string{
		"Check complete, 3 warnings have been found!",
		"WARNING: LockfileOutOfDate", `services/backend/package.json:26:5: dependencies "left-pad" is not in pnpm-lock.yaml`, `>>>     "left-pad": "1.3.0"`,
		"WARNING: StartNotShipped", "the image starts src/main.js", "monokit.yaml:11", ">>>     start: [src/main.js]",
		"WARNING: HealthRouteNotFound", `no source of @nexus/backend or its workspace dependencies mentions "live"`, "monokit.yaml:14",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	// As for a Dockerfile, warnings make the call's status 1.
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("exit with warnings: %v", err)
	}

	out, _ = check("--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=LockfileOutOfDate")
	if strings.Contains(out, "LockfileOutOfDate") || !strings.Contains(out, "StartNotShipped") {
		t.Errorf("skip=LockfileOutOfDate was not honoured:\n%s", out)
	}
	if out, err := check("--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=all"); err != nil || !strings.Contains(out, "Check complete, no warnings found.") {
		t.Errorf("skip=all: %v\n%s", err, out)
	}
	edit("monokit.yaml", "version: 1\n", "# check=error=true\nversion: 1\n")
	if out, err := check(); err == nil || !strings.Contains(out, "lint violation found for rules: LockfileOutOfDate, StartNotShipped, HealthRouteNotFound") {
		t.Errorf("error=true did not fail the call (%v):\n%s", err, out)
	}
	// An image that would run as root is not a warning: the manifest is
	// refused, at the line.
	edit("monokit.yaml", "start: [src/main.js]", "start: [src/main.js]\n    user: \"0\"")
	if out, err := check(); err == nil || !strings.Contains(out, `user: "0" is uid 0, root; monokit images run as a non-root user`) || !strings.Contains(out, `>>>     user: "0"`) {
		t.Errorf("user 0 was not refused at its line (%v):\n%s", err, out)
	}
}

// TestBake is `docker buildx bake` with the file `monokit bake` prints for the
// example: one invocation builds both targets, each through monokit.
func TestBake(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	var hcl bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "run", "../cmd/monokit", "bake", dir)
	cmd.Stdout = &hcl
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ../cmd/monokit bake: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "docker-bake.hcl"), hcl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(t.TempDir(), "metadata.json")
	bake := exec.CommandContext(ctx, "docker", "buildx", "bake", "--builder", builder, "--progress=plain",
		"--set", "*.output=type=cacheonly", "--metadata-file", meta)
	bake.Dir = dir
	out, err := bake.CombinedOutput()
	if err != nil {
		t.Fatalf("docker buildx bake: %v\n%s", err, out)
	}
	var results map[string]json.RawMessage
	readJSON(t, meta, &results)
	for _, target := range []string{"backend", "frontend"} {
		if _, ok := results[target]; !ok {
			t.Errorf("bake built no %s: metadata %s", target, slices.Collect(maps.Keys(results)))
		}
	}
	// Bake names each step by its target and stage.
	for _, step := range []string{"[backend deps]", "[backend build:@nexus/shared-types]", "[backend app:@nexus/backend]", "[frontend app:@nexus/frontend]"} {
		if !bytes.Contains(out, []byte(step)) {
			t.Errorf("bake's progress shows no %s step", step)
		}
	}
}

// TestManifestErrorHasSource checks a mistake in the manifest comes back with the
// manifest's name, text and line, through every route, so buildx prints the lines.
func TestManifestErrorHasSource(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	manifest := "# syntax=" + frontendRef + "\nversion: 1\ntargets:\n  backend:\n    package: services/backend\n    prot: 3001\n"
	for _, f := range []string{"package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml"} {
		data, err := os.ReadFile(filepath.Join(nexusDir, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	if err := os.WriteFile(filepath.Join(dir, "monokit.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, w := range []way{inProcess, gatewayWay, dockerfile} {
		t.Run(string(w), func(t *testing.T) {
			_, err := build{dir: dir, target: "backend"}.run(ctx, t, w)
			if err == nil || !strings.Contains(err.Error(), `unknown key "prot" in target (did you mean "port"?)`) {
				t.Fatalf("err = %v", err)
			}
			var found bool
			for _, s := range errdefs.Sources(err) {
				if s.Info.Filename == "monokit.yaml" && string(s.Info.Data) == manifest && len(s.Ranges) > 0 && s.Ranges[0].Start.Line == 6 {
					found = true
				}
			}
			if !found {
				t.Errorf("no source info for monokit.yaml line 6 in %+v", errdefs.Sources(err))
			}
		})
	}
	t.Run(string(buildx), func(t *testing.T) {
		_, err := build{dir: dir, target: "backend"}.run(ctx, t, buildx)
		if err == nil || !strings.Contains(err.Error(), "monokit.yaml:6") || !strings.Contains(err.Error(), ">>>     prot: 3001") {
			t.Errorf("buildx did not print the manifest line: %v", err)
		}
	})
}

// TestDockerignore checks which ignore file the workspace is read through: a
// <manifest>.dockerignore, as buildx users know it from Dockerfiles, wins over
// .dockerignore. Each case hides the lockfile from one of them, and the build
// must fail on the missing lockfile exactly when the winning file hides it.
func TestDockerignore(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	const missing = "pnpm-lock.yaml not found at the root of the build context"
	for _, tc := range []struct {
		name           string
		dockerignore   string // "" writes no file
		manifestIgnore string
		hidden         bool
	}{
		{name: "dockerignore", dockerignore: "pnpm-lock.yaml\n", hidden: true},
		{name: "manifest-ignore", dockerignore: "node_modules\n", manifestIgnore: "pnpm-lock.yaml\n", hidden: true},
		{name: "manifest-ignore-wins", dockerignore: "pnpm-lock.yaml\n", manifestIgnore: "node_modules\n", hidden: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml"} {
				data, err := os.ReadFile(filepath.Join(nexusDir, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// No target: the build fails after the workspace loads, on the
			// target, when the lockfile was seen.
			manifest := "# syntax=" + frontendRef + "\nversion: 1\ntargets:\n  backend:\n    package: services/backend\n"
			files := map[string]string{"monokit.yaml": manifest, ".dockerignore": tc.dockerignore, "monokit.yaml.dockerignore": tc.manifestIgnore}
			for name, data := range files {
				if data == "" {
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := build{dir: dir, target: "backend"}.run(ctx, t, inProcess)
			if err == nil {
				t.Fatal("a workspace without services/backend built")
			}
			// Seen, the lockfile loads and the build fails on the target
			// alone, at its line.
			want := missing
			if !tc.hidden {
				want = `monokit.yaml:5:14: target "backend": no workspace package is named or lives in "services/backend"`
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want %q", err, want)
			}
		})
	}
}

// TestZeroConfig builds a corpus fixture whose monokit.yaml is gone, as a
// user without one would: docker buildx build -f package.json --build-arg
// BUILDKIT_SYNTAX=<monokit image>. --call targets lists the inferred target
// with why it was chosen; the image listens on the inferred port and its
// inferred HEALTHCHECK passes.
func TestZeroConfig(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 15*time.Minute)
	defer cancel()
	dir := copyTree(t, filepath.Join(corpusDir, "express-tsc-refs"))
	if err := os.Remove(filepath.Join(dir, "monokit.yaml")); err != nil {
		t.Fatal(err)
	}
	syntax := []string{"--build-arg", "BUILDKIT_SYNTAX=" + frontendRef}
	out, err := exec.CommandContext(ctx, "docker", append([]string{"buildx", "build", "--builder", builder, "--call", "targets", "-f", filepath.Join(dir, "package.json")}, append(syntax, dir)...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "api") || !strings.Contains(string(out), "apps/api: nothing in the workspace depends on it") {
		t.Fatalf("--call targets (%v):\n%s", err, out)
	}
	// monokit bake without monokit.yaml writes a bake file for the same
	// targets, which hands package.json to monokit through BUILDKIT_SYNTAX.
	var hcl, notice bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "run", "../cmd/monokit", "bake", dir)
	cmd.Stdout, cmd.Stderr = &hcl, &notice
	if err := cmd.Run(); err != nil || !strings.Contains(notice.String(), "inferred target(s) api") {
		t.Fatalf("monokit bake: %v\n%s", err, notice.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "docker-bake.hcl"), hcl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bake := exec.CommandContext(ctx, "docker", "buildx", "bake", "--builder", builder, "--call", "targets")
	bake.Dir = dir
	if bout, err := bake.CombinedOutput(); err != nil || !strings.Contains(string(bout), "apps/api: nothing in the workspace depends on it") {
		t.Fatalf("docker buildx bake --call targets with monokit bake's file (%v):\n%s\n%s", err, hcl.String(), bout)
	}
	if err := os.Remove(filepath.Join(dir, "docker-bake.hcl")); err != nil {
		t.Fatal(err)
	}
	res, err := build{dir: dir, file: "package.json", target: "api", buildxArgs: syntax}.run(ctx, t, buildx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := imageConfig(t, res.ociTar, "linux/amd64")["config"].(map[string]any)
	if _, ok := cfg["ExposedPorts"].(map[string]any)["4114/tcp"]; !ok {
		t.Errorf("the image exposes %v, want the inferred 4114/tcp", cfg["ExposedPorts"])
	}
	hc, _ := cfg["Healthcheck"].(map[string]any)
	if hc == nil || !strings.Contains(strings.Join(strs(hc["Test"]), " "), "127.0.0.1:4114/health") {
		t.Fatalf("healthcheck %v, want the inferred /health on 4114", hc)
	}
	c := start(t, unpack(t, res.ociTar, "linux/amd64"))
	c.get(t, "http://127.0.0.1:4114/health", 60*time.Second)
	test := strs(hc["Test"])[1:]
	if out, err := c.exec("65532", test...); err != nil {
		t.Errorf("the inferred HEALTHCHECK %q failed: %v %s", test, err, out)
	}
}

// TestZeroConfigHostileNames: a main field and a source file name that hold
// YAML reach the manifest a zero-config build infers only as comments:
// --call targets lists the one target, and no target, base image or user
// that the text spells.
func TestZeroConfigHostileNames(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 5*time.Minute)
	defer cancel()
	const evil = "x\n  evil:\n    package: \"@hz/api\"\n    runtime: evil.example/x\n    user: \"0\"\n#"
	mainJSON, err := json.Marshal(evil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string]string{
		"package.json":          `{"name":"root","private":true,"packageManager":"pnpm@10.34.9"}`,
		"pnpm-workspace.yaml":   "packages: [apps/*]\n",
		"pnpm-lock.yaml":        "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\n  apps/api: {}\n",
		"apps/api/package.json": `{"name":"@hz/api","version":"1.0.0","main":` + string(mainJSON) + `}`,
		"apps/api/src/x\n  evil:\n    runtime: evil.example/x\n#.js": "require('http').createServer().listen(4999);\n",
		// A main alone is a library unless the package's sources listen.
		"apps/api/server.js": "require('http').createServer().listen(4999);\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.CommandContext(ctx, "docker", "buildx", "build", "--builder", builder, "--call", "targets", "-f", filepath.Join(dir, "package.json"),
		"--build-arg", "BUILDKIT_SYNTAX="+frontendRef, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("--call targets: %v\n%s", err, out)
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "api" || f[0] == "evil" || strings.HasPrefix(f[0], "evil")) {
			names = append(names, f[0])
		}
	}
	if !slices.Equal(names, []string{"api"}) || !strings.Contains(string(out), "evil.example") {
		t.Fatalf("targets %q, want api alone, with the hostile text in its description:\n%s", names, out)
	}
}
