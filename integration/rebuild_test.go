package integration

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
	"github.com/monokit/monokit/internal/testkit"
)

// copyTree copies the example to a fresh directory the test may edit.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := testkit.CopyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// appSteps are what an edit to the nexus backend's sources runs: its
// generate: commands (their stage reads the app's sources), then its build.
var appSteps = []string{"app:@nexus/backend", "generate:@nexus/backend"}

// TestIncrementalRebuilds asserts, vertex by vertex, what an edit re-runs: on
// a warm daemon, then on one whose garbage collector has dropped every
// result the last build did not use.
func TestIncrementalRebuilds(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	backend := build{dir: dir, target: "backend"}
	if _, err := backend.run(ctx, t, inProcess); err != nil {
		t.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	// The deploy and esbuild's install script saw only the install: they
	// stay cached, and the workspace packages' new files are laid onto the
	// tree.
	// The app's generate: commands run beside the package builds, with
	// the closure's sources (a schema may live in one).
	shared := []string{"app:@nexus/backend", "build:@nexus/shared-database", "build:@nexus/shared-types", "build:@nexus/shared-utils", "generate:@nexus/backend", "workspace"}
	steps := []struct {
		name, file string
		// collect: the daemon first drops every result the previous
		// step's build did not use.
		collect bool
		want    []string
	}{
		{"edit ui, outside backend's closure", "packages/ui/src/index.ts", false, nil},
		// The production tree sees what the app's generate: commands
		// write, which is unchanged: it stays cached.
		{"edit the backend", "services/backend/src/health.controller.ts", false, appSteps},
		{"edit shared-types, the root of the graph", "packages/shared-types/src/index.ts", false, shared},
		{"edit the backend again", "services/backend/src/health.controller.ts", false, appSteps},
		// The results of the deploy and the native stage are gone now;
		// their cache keys are not, and neither is the image's layer that
		// copies them.
		{"edit shared-types after the collection", "packages/shared-types/src/index.ts", true, shared},
	}
	var last time.Time
	for i, s := range steps {
		if s.collect {
			collectUnusedSince(ctx, t, last, "pnpm --filter='@nexus/backend{services/backend}' deploy", "native-build.js")
		}
		appendFile(t, filepath.Join(dir, s.file), fmt.Sprintf("\nexport const edited%d_%d = 1;\n", stamp, i))
		last = settled(ctx, t)
		res, err := backend.run(ctx, t, inProcess)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := res.progress.RanStages(); !slices.Equal(got, s.want) {
			t.Errorf("%s: ran %q, want %q", s.name, got, s.want)
		}
	}
}

// settled waits until the daemon holds no result in use and has marked
// nothing used for a second, and returns the time then: BuildKit marks a
// result used when the last reference to it is released, which can be after
// the build that held it returned, so a result still held at that point
// would be marked after the time returned. What a build started later uses
// is all marked later.
func settled(ctx context.Context, t *testing.T) time.Time {
	t.Helper()
	start := time.Now()
	for {
		du, err := bkClient.DiskUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var newest time.Time
		var held []string
		for _, u := range du {
			if u.InUse {
				held = append(held, u.Description)
			}
			if u.LastUsedAt != nil && u.LastUsedAt.After(newest) {
				newest = *u.LastUsedAt
			}
		}
		if len(held) == 0 && time.Since(newest) > time.Second {
			t.Logf("settled after %v", time.Since(start).Round(time.Millisecond))
			return time.Now()
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("the daemon still holds %d results a minute after the build returned: %q", len(held), held)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// collectUnusedSince drops every result no build has used since start, as
// BuildKit's garbage collector does under pressure (it removes the least
// recently used first): the state of a builder that has built other things
// since. Then it drops the results whose descriptions hold one of gone, as a
// collector under more pressure would, and fails unless none is left: the
// edit after it must do without them. A build that ran neither can still
// mark one of them used: CI saw a deploy result marked used during the
// backend edit before the collection, on a daemon that had built the
// example several times, so the first prune alone does not reach them every
// time.
func collectUnusedSince(ctx context.Context, t *testing.T, start time.Time, gone ...string) {
	t.Helper()
	if err := bkClient.Prune(ctx, nil, client.WithKeepOpt(time.Since(start), 0, 0, 0)); err != nil {
		t.Fatal(err)
	}
	matching := func() []*client.UsageInfo {
		du, err := bkClient.DiskUsage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []*client.UsageInfo
		for _, u := range du {
			for _, g := range gone {
				if strings.Contains(u.Description, g) {
					out = append(out, u)
					break
				}
			}
		}
		return out
	}
	left := matching()
	if len(left) == 0 {
		return
	}
	var ids []string
	for _, u := range left {
		t.Logf("used since the collection's start, dropped by id: %.80s (last used %v)", u.Description, u.LastUsedAt)
		ids = append(ids, "id=="+u.ID)
	}
	if err := bkClient.Prune(ctx, nil, client.WithFilter(ids)); err != nil {
		t.Fatal(err)
	}
	for _, u := range matching() {
		t.Fatalf("after the collection the daemon still holds %q (in use %v, last used %v)", u.Description, u.InUse, u.LastUsedAt)
	}
}

// TestSharedNativeLibEdit: an edit to a workspace package that wraps native
// modules rebuilds that package and lays its files onto the production tree;
// the deploy and the native stage, which saw only the install, stay cached,
// and are not needed even once the daemon has dropped their results.
func TestSharedNativeLibEdit(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, filepath.Join(corpusDir, "native-modules"))
	api := build{dir: dir, target: "api"}
	if _, err := api.run(ctx, t, inProcess); err != nil {
		t.Fatal(err)
	}
	edit := func(file, format string) *result {
		t.Helper()
		appendFile(t, filepath.Join(dir, file), fmt.Sprintf(format, time.Now().UnixNano()))
		res, err := api.run(ctx, t, inProcess)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if got, want := edit("packages/db/src/index.ts", "\nexport const edited%d = 1;\n").progress.RanStages(), []string{"build:@native/db", "workspace"}; !slices.Equal(got, want) {
		t.Errorf("editing @native/db ran %q, want %q", got, want)
	}
	// An app edit, then the collection: the daemon keeps what that build
	// used, the install among it, and drops the deploy's and the native
	// stage's results.
	start := settled(ctx, t)
	before := edit("apps/api/server.js", "\n// edited %d\n")
	collectUnusedSince(ctx, t, start, "pnpm --filter='@native/api{apps/api}' deploy", "native-build.js")
	res := edit("packages/db/src/index.ts", "\nexport const edited%d = 1;\n")
	if got, want := res.progress.RanStages(), []string{"build:@native/db", "workspace"}; !slices.Equal(got, want) {
		t.Errorf("editing @native/db after the collection ran %q, want %q", got, want)
	}
	// The image's layers: the base's, then the third-party tree, the
	// workspace packages' files, the app's. The edit changes the workspace
	// layer alone, so a push uploads only that.
	onlyLayerChanged(t, before.ociTar, res.ociTar, 4, 2, "the workspace layer, last but one")
}

// TestNextAppEditLayers: a Next.js app edit changes the image's app layer
// alone. The dependencies layer, the standalone tree's node_modules, which
// next build writes anew each time, is the same blob (its files' times are
// fixed), so a push skips it.
func TestNextAppEditLayers(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	frontend := build{dir: dir, target: "frontend"}
	before, err := frontend.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "apps/frontend/app/page.tsx"), fmt.Sprintf("\n// edited %d\n", time.Now().UnixNano()))
	after, err := frontend.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	if ran := after.progress.RanStages(); !slices.Contains(ran, "app:@nexus/frontend") {
		t.Fatalf("the app edit ran %q, not the app's build", ran)
	}
	onlyLayerChanged(t, before.ociTar, after.ociTar, 3, 1, "the app layer, the last")
}

// onlyLayerChanged checks that the images in two OCI tarballs have the same
// number of layers, at least minLayers, and differ in one: the fromEnd-th from the
// top (1 is the last), which names.
func onlyLayerChanged(t *testing.T, beforeTar, afterTar string, minLayers, fromEnd int, which string) {
	t.Helper()
	old, now := layerDigests(t, beforeTar), layerDigests(t, afterTar)
	if len(old) != len(now) || len(now) < minLayers {
		t.Fatalf("layers before and after the edit: %d, %d", len(old), len(now))
	}
	for i := range now {
		if changed, want := old[i] != now[i], i == len(now)-fromEnd; changed != want {
			t.Errorf("layer %d of %d: changed %v, want %v (only %s)", i+1, len(now), changed, want, which)
		}
	}
}

// layerDigests are the layers of the one image in an OCI tarball, base first.
func layerDigests(t *testing.T, tarPath string) []string {
	t.Helper()
	_, imgs := images(t, tarPath)
	img, ok := imgs["linux/amd64"]
	if !ok || len(imgs) != 1 {
		t.Fatalf("want one linux/amd64 image, got %v", slices.Collect(maps.Keys(imgs)))
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

// TestContextHoldsOnlyTheClosure puts a large file in a package outside the
// backend's closure: building the backend must not send it.
func TestContextHoldsOnlyTheClosure(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	big := make([]byte, 8<<20)
	rand.Read(big)
	for _, f := range []string{"packages/ui/src/big.bin", "apps/frontend/public/big.bin"} {
		if err := os.WriteFile(filepath.Join(dir, f), big, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sent, err := contextBytes(ctx, t, build{dir: dir, target: "backend"})
	if err != nil {
		t.Fatal(err)
	}
	if sent > 1<<20 {
		t.Errorf("building the backend sent %d bytes of context; the 8 MiB files outside its closure must stay behind", sent)
	}
	// The same file inside the closure is sent: the measure can fail.
	if err := os.WriteFile(filepath.Join(dir, "packages/shared-utils/big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if sent, err := contextBytes(ctx, t, build{dir: dir, target: "backend"}); err != nil || sent < 8<<20 {
		t.Errorf("a file inside the closure: sent %d bytes, %v", sent, err)
	}
}

// contextBytes runs b and sums what the build-context transfers sent.
func contextBytes(ctx context.Context, t *testing.T, b build) (int64, error) {
	t.Helper()
	p, err := b.runStatus(ctx, t)
	if err != nil {
		return 0, err
	}
	return p.ContextBytes(), nil
}
