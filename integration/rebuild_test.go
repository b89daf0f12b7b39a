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

// runStep reads a RUN vertex's name, "[prune linux/amd64] RUN ...": the stage
// ID and the target platform, when the step runs once per target.
func runStep(name string) (stage, platform string, ok bool) {
	head, _, ok := strings.Cut(name, "] RUN ")
	if !ok || !strings.HasPrefix(head, "[") {
		return "", "", false
	}
	stage, platform, _ = strings.Cut(head[1:], " ")
	return stage, platform, true
}

// ranSteps are the stage IDs of the exec steps that ran, not from the cache.
func ranSteps(vs []*client.Vertex) []string {
	var out []string
	for _, v := range vs {
		stage, _, ok := runStep(v.Name)
		if !ok || v.Cached || v.Completed == nil {
			continue
		}
		out = append(out, stage)
	}
	slices.Sort(out)
	return out
}

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

// TestIncrementalRebuilds asserts, vertex by vertex, what an edit re-runs.
func TestIncrementalRebuilds(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(context.Background(), 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	backend := build{dir: dir, target: "backend"}
	if _, err := backend.run(ctx, t, inProcess); err != nil {
		t.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	steps := []struct {
		name, file, text string
		want             []string
	}{
		{"edit ui, outside backend's closure", "packages/ui/src/index.ts",
			fmt.Sprintf("\nexport const edited%d = 1;\n", stamp), nil},
		{"edit the backend", "services/backend/src/health.controller.ts",
			// The production tree sees what the app's generate: commands
			// write, which is unchanged: it stays cached.
			fmt.Sprintf("\n// edited %d\n", stamp), []string{"app:@nexus/backend"}},
		{"edit shared-types, the root of the graph", "packages/shared-types/src/index.ts",
			fmt.Sprintf("\nexport const edited%d = 1;\n", stamp),
			// The deploy and esbuild's install script saw only the install:
			// they stay cached, and the workspace packages' new files are
			// laid onto the tree.
			[]string{"app:@nexus/backend", "build:@nexus/shared-database", "build:@nexus/shared-types", "build:@nexus/shared-utils", "workspace"}},
	}
	for _, s := range steps {
		appendFile(t, filepath.Join(dir, s.file), s.text)
		res, err := backend.run(ctx, t, inProcess)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := ranSteps(res.progress.Vertices); !slices.Equal(got, s.want) {
			t.Errorf("%s: ran %q, want %q", s.name, got, s.want)
		}
	}
}

// TestSharedNativeLibEdit: an edit to a workspace package that wraps native
// modules rebuilds that package and lays its files onto the production tree;
// the deploy and the native stage, which saw only the install, stay cached.
func TestSharedNativeLibEdit(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(context.Background(), 20*time.Minute)
	defer cancel()
	dir := copyTree(t, filepath.Join(corpusDir, "native-modules"))
	api := build{dir: dir, target: "api"}
	before, err := api.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "packages/db/src/index.ts"), fmt.Sprintf("\nexport const edited%d = 1;\n", time.Now().UnixNano()))
	res, err := api.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ranSteps(res.progress.Vertices), []string{"build:@native/db", "workspace"}; !slices.Equal(got, want) {
		t.Errorf("editing @native/db ran %q, want %q", got, want)
	}
	// The image's layers: the base's, then the third-party tree, the
	// workspace packages' files, the app's. The edit changes the workspace
	// layer alone, so a push uploads only that.
	old, now := layerDigests(t, before.ociTar), layerDigests(t, res.ociTar)
	if len(old) != len(now) || len(now) < 4 {
		t.Fatalf("layers before and after the edit: %d, %d", len(old), len(now))
	}
	for i := range now {
		if changed, ws := old[i] != now[i], i == len(now)-2; changed != ws {
			t.Errorf("layer %d of %d: changed %v, want %v (only the workspace layer, last but one)", i+1, len(now), changed, ws)
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
	ctx, cancel := deadline(context.Background(), 20*time.Minute)
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
