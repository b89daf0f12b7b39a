package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/frontend"
)

type imageCase struct {
	target, healthURL string
	tmpfs             []string
	// mustHave are paths the image holds (symlinks followed); absent are paths
	// that must not exist, with nothing below them; mustNot are fragments no
	// path may contain.
	mustHave, absent, mustNot []string
	// config is the image config users see, written out here rather than
	// taken from the planner under test.
	config wantConfig
}

// wantConfig is what an image's config must say.
type wantConfig struct {
	user       string
	cmd, env   []string // env: entries the config must hold, among others
	port       string   // the one exposed port
	title      string   // org.opencontainers.image.title
	healthPath string   // the path the HEALTHCHECK fetches on the port
}

func TestNexusImages(t *testing.T) {
	needDaemon(t)
	// Nowhere in any image: a pnpm store, the build tree, a shell or a package manager.
	absent := []string{"/pnpm", "/root/.cache", "/repo", "/prune", "/bin/sh", "/bin/busybox", "/usr/local/bin/npm", "/usr/local/bin/pnpm", "/usr/local/lib/node_modules", "/nodejs/bin/npm", "/nodejs/bin/corepack"}
	cases := []imageCase{
		{
			target:    "backend",
			healthURL: "http://127.0.0.1:3001/health/live",
			mustHave:  []string{"/app/dist/main.js", "/app/package.json", "/app/node_modules/@nexus/shared-utils/dist/index.js", "/app/node_modules/@nexus/shared-database/dist/index.js", "/app/node_modules/@nestjs/core/package.json"},
			absent:    append(slices.Clone(absent), "/app/src", "/app/scripts", "/app/schema.json", "/app/tsconfig.json"),
			// Nothing outside backend's closure, no devDependency (pnpm deploy --prod).
			mustNot: []string{"@nexus/ui", "packages/ui", "apps/frontend", "@nexus+ui", ".pnpm-store", "/node_modules/.pnpm/typescript@", "/node_modules/.pnpm/@types+"},
			config: wantConfig{user: "65532:65532", port: "3001/tcp", title: "@nexus/backend", healthPath: "/health/live",
				// The app has no SIGTERM handler: the preload makes node exit on it.
				cmd: []string{"--import", "data:text/javascript,process.on('SIGTERM',()=>{if(process.listenerCount('SIGTERM')<2)process.exit(143)})", "dist/main.js"},
				env: []string{"NODE_ENV=production"}},
		},
		{
			target:    "frontend",
			healthURL: "http://127.0.0.1:3000/api/health",
			tmpfs:     []string{"/app/apps/frontend/.next/cache"},
			mustHave:  []string{"/app/apps/frontend/server.js", "/app/apps/frontend/.next/static", "/app/apps/frontend/public/robots.txt", "/app/apps/frontend/node_modules/next/package.json", "/app/apps/frontend/.next/BUILD_ID"},
			absent:    append(slices.Clone(absent), "/app/apps/frontend/app", "/app/apps/frontend/next.config.mjs.map", "/app/packages/ui/src"),
			// Nothing outside frontend's closure, and no devDependency that
			// Next.js's trace took (typescript): monokit drops those.
			mustNot: []string{"services/backend", "shared-database", "shared-utils", "@nestjs", ".pnpm-store", "/node_modules/.pnpm/@types+", "/node_modules/.pnpm/typescript@"},
			config: wantConfig{user: "65532:65532", port: "3000/tcp", title: "@nexus/frontend", healthPath: "/api/health",
				cmd: []string{"apps/frontend/server.js"},
				env: []string{"NODE_ENV=production", "HOSTNAME=0.0.0.0", "PORT=3000", "NEXT_TELEMETRY_DISABLED=1"}},
		},
	}
	// Each image twice: with merge ops, and with the copies a daemon without
	// them (the Docker engine's classic store) gets, forced by the build arg.
	for _, tc := range cases {
		for _, mode := range []string{"merge", "copy"} {
			t.Run(tc.target+"/"+mode, func(t *testing.T) { nexusImage(t, tc, mode == "merge") })
		}
	}
}

// nexusImage builds one example image, with merge ops or with copies, and
// checks its config and files and runs it.
func nexusImage(t *testing.T, tc imageCase, merge bool) {
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	b := build{dir: nexusDir, target: tc.target}
	if !merge {
		b.attrs = map[string]string{"build-arg:" + frontend.MergeOpArg: "false"}
	}
	res, err := b.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	merges := 0
	for _, v := range res.progress.Vertices {
		if strings.Contains(v.Name, "MERGE") {
			merges++
		}
	}
	if merge != (merges > 0) {
		t.Errorf("%d merge vertices, with merge ops %v", merges, merge)
	}
	hc := checkConfig(t, res.ociTar, tc.config)
	bundle := unpack(t, res.ociTar, "linux/amd64")
	checkContents(t, bundle, tc)
	checkReadOnlyApp(t, bundle, 10)

	c := start(t, bundle, tc.tmpfs...)
	body := c.get(t, tc.healthURL, 60*time.Second)
	if !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("health answered %q", body)
	}
	// The image's own HEALTHCHECK, as a runtime would run it: node only.
	if out, err := c.exec(tc.config.user, hc...); err != nil {
		t.Errorf("HEALTHCHECK %q failed: %v %s", hc, err, out)
	}
	if took := c.stop(t, 10*time.Second); took > 5*time.Second {
		t.Errorf("SIGTERM took %s to stop the app", took)
	}
}

// checkConfig compares the image config with what users must see, and
// returns the HEALTHCHECK's command, to run in the container.
func checkConfig(t *testing.T, tarPath string, want wantConfig) []string {
	t.Helper()
	cfg := imageConfig(t, tarPath, "linux/amd64")
	c := cfg["config"].(map[string]any)
	if c["User"] != want.user {
		t.Errorf("user %v, want %s", c["User"], want.user)
	}
	if c["WorkingDir"] != "/app" {
		t.Errorf("workdir %v", c["WorkingDir"])
	}
	// node as PID 1, from the distroless image's own directory: no shell.
	if got := strs(c["Entrypoint"]); !slices.Equal(got, []string{"/nodejs/bin/node"}) {
		t.Errorf("entrypoint %q", got)
	}
	if got := strs(c["Cmd"]); !slices.Equal(got, want.cmd) {
		t.Errorf("cmd %q, want %q", got, want.cmd)
	}
	env := strs(c["Env"])
	for _, e := range want.env {
		if !slices.Contains(env, e) {
			t.Errorf("env %q lacks %q", env, e)
		}
	}
	if ports := c["ExposedPorts"].(map[string]any); len(ports) != 1 || ports[want.port] == nil {
		t.Errorf("exposed ports %v, want %s alone", ports, want.port)
	}
	if c["StopSignal"] != "SIGTERM" {
		t.Errorf("stop signal %v", c["StopSignal"])
	}
	hc, _ := c["Healthcheck"].(map[string]any)
	test := strs(hc["Test"])
	port := strings.TrimSuffix(want.port, "/tcp")
	if len(test) != 4 || test[0] != "CMD" || test[1] != "/nodejs/bin/node" || test[2] != "-e" ||
		!strings.HasPrefix(test[3], `fetch("http://127.0.0.1:`+port+want.healthPath+`"`) {
		t.Errorf("healthcheck %q, want node fetching 127.0.0.1:%s%s", test, port, want.healthPath)
	}
	labels, _ := c["Labels"].(map[string]any)
	if labels["org.opencontainers.image.title"] != want.title {
		t.Errorf("labels %v, want title %s", labels, want.title)
	}
	// monokit writes one history entry per layer it adds: BuildKit fills in
	// none (its entries name whichever platform's op it saw first).
	var copied bool
	hist, _ := cfg["history"].([]any)
	for _, h := range hist {
		hm := h.(map[string]any)
		by, _ := hm["created_by"].(string)
		copied = copied || strings.HasPrefix(by, "COPY dependencies layer: ")
		if hm["comment"] == "buildkit.exporter.image.v0" {
			t.Errorf("BuildKit filled in a history entry: %v", hm)
		}
	}
	if !copied {
		t.Errorf("history %v has no entry for the dependencies layer", hist)
	}
	return test[min(1, len(test)):]
}

func checkContents(t *testing.T, bundle string, tc imageCase) {
	t.Helper()
	rootfs := filepath.Join(bundle, "rootfs")
	rootfsFiles(t, bundle, func(rel string, fi os.FileInfo) {
		for _, bad := range tc.mustNot {
			if strings.Contains(rel, bad) {
				t.Errorf("image holds %s (matches %q)", rel, bad)
			}
		}
	})
	for _, p := range tc.absent {
		if _, err := os.Lstat(filepath.Join(rootfs, p)); err == nil {
			t.Errorf("image holds %s", p)
		}
	}
	for _, p := range tc.mustHave {
		if _, err := os.Stat(filepath.Join(rootfs, p)); err != nil {
			t.Errorf("image lacks %s: %v", p, err)
		}
	}
}

// checkReadOnlyApp: every file of the app is owned by root and writable by no one
// else, so the non-root app user cannot change its own code; /app holds at
// at least least files.
func checkReadOnlyApp(t *testing.T, bundle string, least int) {
	t.Helper()
	var n int
	rootfsFiles(t, bundle, func(rel string, fi os.FileInfo) {
		// No file anywhere in the image grants its owner's rights: the
		// runtime images have no setuid or setgid programs, and monokit
		// adds none.
		if fi.Mode()&(os.ModeSetuid|os.ModeSetgid) != 0 {
			t.Errorf("%s is setuid or setgid (%s)", rel, fi.Mode())
		}
		if rel != "/app" && !strings.HasPrefix(rel, "/app/") || fi.Mode()&os.ModeSymlink != 0 {
			return
		}
		n++
		uid, gid := owner(fi)
		if uid != 0 || gid != 0 {
			t.Errorf("%s is owned by %d:%d, want root", rel, uid, gid)
		}
		if fi.Mode().Perm()&0o022 != 0 {
			t.Errorf("%s is writable by group or others (%s)", rel, fi.Mode())
		}
	})
	if n < least {
		t.Errorf("only %d files under /app", n)
	}
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, x := range l {
		out[i], _ = x.(string)
	}
	return out
}
