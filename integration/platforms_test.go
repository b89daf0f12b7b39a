package integration

import (
	"context"
	"debug/elf"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/platforms"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/internal/testskip"
)

// canRun reports whether the daemon's worker executes platform (natively or
// through binfmt emulation).
func canRun(ctx context.Context, t *testing.T, platform string) bool {
	t.Helper()
	needDaemon(t)
	ws, err := bkClient.ListWorkers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := platforms.MustParse(platform)
	for _, w := range ws {
		if platforms.Any(w.Platforms...).Match(p) {
			return true
		}
	}
	return false
}

// elfMachines maps every ELF file under dir in the bundle's rootfs to its machine.
func elfMachines(t *testing.T, bundle, dir string) map[string]elf.Machine {
	t.Helper()
	out := map[string]elf.Machine{}
	rootfsFiles(t, bundle, func(rel string, fi os.FileInfo) {
		if !strings.HasPrefix(rel, dir) || !fi.Mode().IsRegular() {
			return
		}
		f, err := elf.Open(filepath.Join(bundle, "rootfs", rel))
		if err != nil {
			return // not ELF
		}
		out[rel] = f.Machine
		f.Close()
	})
	return out
}

var machines = map[string]elf.Machine{"linux/amd64": elf.EM_X86_64, "linux/arm64": elf.EM_AARCH64}

// checkBinaries asserts the app holds the wanted binaries, each for the image's
// platform, and no binary for another.
func checkBinaries(t *testing.T, bundle, platform string, want []string) {
	t.Helper()
	bins := elfMachines(t, bundle, "/app/")
	for rel, m := range bins {
		if m != machines[platform] {
			t.Errorf("%s image holds %s, built for %s", platform, rel, m)
		}
	}
	for _, w := range want {
		found := false
		for rel := range bins {
			found = found || strings.Contains(rel, w)
		}
		if !found {
			t.Errorf("%s image has no binary under %s; binaries: %v", platform, w, slices.Sorted(maps.Keys(bins)))
		}
	}
	if node := elfMachines(t, bundle, "/nodejs/bin/node"); node["/nodejs/bin/node"] != machines[platform] {
		t.Errorf("%s image runs node built for %v", platform, node)
	}
}

// perTarget lists the stages that have a RUN step for platform, run or
// cached: the steps the plan runs once per target platform.
func perTarget(res *result, platform string) []string {
	var out []string
	for _, v := range res.progress.Vertices {
		if stage, p, ok := testkit.RunStep(v.Name); ok && p == platform && v.Completed != nil {
			out = append(out, stage)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestTwoPlatformImages builds both Nexus targets for linux/amd64 and linux/arm64
// on an amd64 worker: each image gets its own platform's prebuilt packages
// (sharp, esbuild) and nothing else's; esbuild's install script runs on arm64.
func TestTwoPlatformImages(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 25*time.Minute)
	defer cancel()
	emulated := canRun(ctx, t, "linux/arm64")
	arch := map[string]string{"linux/amd64": "x64", "linux/arm64": "arm64"}

	t.Run("backend", func(t *testing.T) {
		res, err := build{dir: nexusDir, target: "backend", platform: "linux/amd64,linux/arm64"}.run(ctx, t, inProcess)
		if !emulated {
			// esbuild's install script must run on arm64: without emulation the
			// build is refused, naming the package and the fixes.
			if err == nil || !strings.Contains(err.Error(), "esbuild@0.25.11") || !strings.Contains(err.Error(), "binfmt") {
				t.Fatalf("build without arm64 emulation: %v, want an error naming esbuild and binfmt", err)
			}
			testskip.Skip(t, "the worker cannot run linux/arm64: checked the refusal only")
		}
		if err != nil {
			t.Fatal(err)
		}
		_, ms := images(t, res.ociTar)
		if len(ms) != 2 {
			t.Fatalf("index holds %d images, want amd64 and arm64", len(ms))
		}
		// Per target platform only the deploy (on the build platform),
		// esbuild's install script (on the target) and the copy of the
		// workspace packages onto that tree run; the llb tests check which
		// platform each executes on.
		if got := perTarget(res, "linux/arm64"); !slices.Equal(got, []string{"native", "prune", "workspace"}) {
			t.Errorf("steps run for arm64: %v, want the deploy, the native stage and the workspace packages' copy", got)
		}
		for _, platform := range []string{"linux/amd64", "linux/arm64"} {
			bundle := unpack(t, res.ociTar, platform)
			a := arch[platform]
			checkBinaries(t, bundle, platform, []string{"@img+sharp-linux-" + a, "@img+sharp-libvips-linux-" + a, "@esbuild+linux-" + a + "@"})
			c := start(t, bundle)
			body := c.get(t, "http://127.0.0.1:3001/health/platform", 120*time.Second)
			if !strings.Contains(body, `"arch":"`+a+`"`) || !strings.Contains(body, `"esbuild":"0.25.11"`) || !strings.Contains(body, `"code":"const n = 1;"`) {
				t.Errorf("%s: /health/platform answered %s", platform, body)
			}
			c.kill() // TestNexusImages checks SIGTERM

		}
	})

	t.Run("frontend", func(t *testing.T) {
		res, err := build{dir: nexusDir, target: "frontend", platform: "linux/amd64,linux/arm64"}.run(ctx, t, inProcess)
		if err != nil {
			t.Fatal(err)
		}
		if got := perTarget(res, "linux/arm64"); !slices.Equal(got, []string{"select"}) {
			t.Errorf("steps run for arm64: %v, want only the trace fit", got)
		}
		for _, platform := range []string{"linux/amd64", "linux/arm64"} {
			bundle := unpack(t, res.ociTar, platform)
			a := arch[platform]
			checkBinaries(t, bundle, platform, []string{"@img+sharp-linux-" + a, "@img+sharp-libvips-linux-" + a})
			rootfsFiles(t, bundle, func(rel string, _ os.FileInfo) {
				if strings.Contains(rel, "/node_modules/.pnpm/typescript@") {
					t.Errorf("%s image ships %s, a devDependency", platform, rel)
				}
			})
			if platform != "linux/amd64" && !emulated {
				continue
			}
			c := start(t, bundle, "/app/apps/frontend/.next/cache")
			if body := c.get(t, "http://127.0.0.1:3000/api/health", 120*time.Second); !strings.Contains(body, `"status":"ok"`) {
				t.Errorf("%s: health answered %q", platform, body)
			}
			c.kill()
		}
	})
}

// TestOptionalNativeFailureArm64 builds the optional-native fixture for
// linux/arm64, where msgpackr-extract 3.0.3's install script fails (its arm64
// package ships musl binaries only, and compiling needs python): an optional
// dependency, so the build warns and goes on, as pnpm does, and the app runs
// on msgpackr's JavaScript fallback.
func TestOptionalNativeFailureArm64(t *testing.T) {
	ctx, cancel := deadline(t, 15*time.Minute)
	defer cancel()
	if !canRun(ctx, t, "linux/arm64") {
		testskip.Skip(t, "the worker cannot run linux/arm64")
	}
	// The native stage uncached, so its output (the warning) is there to read.
	res, err := build{dir: filepath.Join(corpusDir, "optional-native"), target: "queue", platform: "linux/arm64",
		attrs: map[string]string{"no-cache": "native"}}.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.progress.Logs, "warning: the install script of msgpackr-extract@3.0.3 failed on linux/arm64") {
		t.Errorf("no warning for msgpackr-extract's failed install script on arm64; logs:\n%s", res.progress.Logs)
	}
	bundle := unpack(t, res.ociTar, "linux/arm64")
	c := start(t, bundle)
	if body := c.get(t, "http://127.0.0.1:4117/health", 90*time.Second); !strings.Contains(body, `"roundTrip":42`) {
		t.Errorf("health answered %s", body)
	}
	c.stop(t, 20*time.Second)
}
