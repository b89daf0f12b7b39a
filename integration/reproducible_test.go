package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/internal/testskip"
)

// TestReproducibleExamples builds each example target for two platforms
// twice with docker buildx, from no cache (--no-cache, and fresh cache
// mounts, so pnpm's store starts empty too), with one SOURCE_DATE_EPOCH and
// the exporter's rewrite-timestamp.
//
// The backend's two images are the same digests, platform by platform. The frontend's are
// not, by Next.js's design: next build draws a random build ID (which names
// files and is written into pages and manifests) and random preview-mode
// keys each time, and reads no input that fixes the keys. So for it the
// test holds every file outside the app's .next directory the same, and
// shows what differs inside it.
func TestReproducibleExamples(t *testing.T) {
	needDaemon(t)
	if !canRun(context.Background(), t, "linux/arm64") {
		testskip.Skip(t, "the worker cannot run linux/arm64, which the example's native builds need")
	}
	// --no-cache stores new results under the keys other tests' builds of
	// the example use, and steps after an equal but new result may miss the
	// cache there. A copy whose .npmrc (read from the toolchain step on)
	// holds a line of this run's keeps these builds apart.
	dir := copyTree(t, nexusDir)
	if err := os.WriteFile(filepath.Join(dir, ".npmrc"), fmt.Appendf(nil, "# TestReproducibleExamples %d\n", time.Now().UnixNano()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"backend", "frontend"} {
		t.Run(target, func(t *testing.T) {
			ctx, cancel := deadline(t, 40*time.Minute)
			defer cancel()
			var res [2]*result
			for i := range res {
				var err error
				res[i], err = build{dir: dir, target: target, platform: "linux/amd64,linux/arm64", buildxArgs: []string{
					"--no-cache",
					"--build-arg", fmt.Sprintf("BUILDKIT_CACHE_MOUNT_NS=reproducible-%s-%d-%d", target, time.Now().UnixNano(), i),
					"--build-arg", "SOURCE_DATE_EPOCH=1700000000",
				}, exportAttrs: map[string]string{"rewrite-timestamp": "true"}}.run(ctx, t, buildx)
				if err != nil {
					t.Fatal(err)
				}
			}
			// The images, not the index: buildx attaches provenance, which
			// records when each build ran.
			a, b := imageDigests(t, res[0].ociTar), imageDigests(t, res[1].ociTar)
			if target == "backend" && strings.Count(a, "sha256:") == 2 && a == b {
				return
			}
			for _, pf := range []string{"linux/amd64", "linux/arm64"} {
				diff := listingDiff(treeListing(t, unpack(t, res[0].ociTar, pf)), treeListing(t, unpack(t, res[1].ociTar, pf)), -1)
				if target == "backend" {
					t.Errorf("two builds gave %s and %s; %s files that differ:\n%s", a, b, pf, strings.Join(diff, "\n"))
					continue
				}
				var inNext int
				for _, l := range diff {
					if strings.HasPrefix(l[2:], "/app/apps/frontend/.next/") {
						inNext++
					} else {
						t.Errorf("%s: a file outside Next.js's output differs: %s", pf, l)
					}
				}
				t.Logf("%s: %d listing lines differ, all in apps/frontend/.next (the build ID and preview keys Next.js draws at random)", pf, inNext)
			}
		})
	}
}

// TestDependenciesLayerReproducible builds the backend twice from no cache
// and an empty pnpm store, without SOURCE_DATE_EPOCH: the dependencies
// layer is the same blob both times (its files' times are fixed), so a
// clean CI runner pushes, and a host pulls, none of it again. The
// workspace and app layers hold what the builds wrote, at their times.
func TestDependenciesLayerReproducible(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	var layers [2][]string
	for i := range layers {
		res, err := build{dir: dir, target: "backend", attrs: map[string]string{
			"no-cache":                          "",
			"build-arg:BUILDKIT_CACHE_MOUNT_NS": fmt.Sprintf("deps-layer-%d-%d", time.Now().UnixNano(), i),
		}}.run(ctx, t, inProcess)
		if err != nil {
			t.Fatal(err)
		}
		layers[i] = layerDigests(t, res.ociTar)
	}
	// The base's layer, then the dependencies layer.
	if len(layers[0]) < 3 || len(layers[0]) != len(layers[1]) {
		t.Fatalf("layers %q and %q", layers[0], layers[1])
	}
	if layers[0][1] != layers[1][1] {
		t.Errorf("two builds from no cache gave dependencies layers %s and %s", layers[0][1], layers[1][1])
	}
}

// imageDigests lists an OCI tarball's image manifests, "platform digest" by
// platform, attestations left out.
func imageDigests(t *testing.T, tarPath string) string {
	t.Helper()
	_, imgs := images(t, tarPath)
	var out []string
	for pf, img := range imgs {
		out = append(out, pf+" "+img.Descriptor.Digest.String())
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
