package integration

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// TestRegistryCacheAppEdit is CI on an ephemeral builder: the previous
// build's cache exported to a registry (mode=max), an empty daemon, one edit
// of the app. Only the app's build runs; the install, the package builds,
// the deploy and the native stage come from the registry cache: none of
// their processes runs (BuildKit pulls their layers, or finds them still in
// its content store). It prunes the daemon twice, so it runs late: only
// TestReproducibleExamples, which builds from no cache, comes after it.
func TestRegistryCacheAppEdit(t *testing.T) {
	needDaemon(t)
	reg := needRegistry(t)
	ctx, cancel := deadline(context.Background(), 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	ref := fmt.Sprintf("%s/monokit-test/cache:%d", reg, time.Now().UnixNano())
	// The first build is cold too, as on the first CI run: exported from a
	// warm daemon, a step whose result was never loaded may go without it.
	if err := bkClient.Prune(ctx, nil, client.PruneAll); err != nil {
		t.Fatal(err)
	}
	b := build{dir: dir, target: "backend", cacheTo: "type=registry,ref=" + ref + ",mode=max"}
	if _, err := b.runBuildx(ctx, t, filepath.Join(t.TempDir(), "first.tar")); err != nil {
		t.Fatal(err)
	}
	if err := bkClient.Prune(ctx, nil, client.PruneAll); err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "services/backend/src/main.ts"), "\n// edited on the CI runner\n")
	b.cacheTo, b.cacheFrom = "", "type=registry,ref="+ref
	res, err := b.runBuildx(ctx, t, filepath.Join(t.TempDir(), "second.tar"))
	if err != nil {
		t.Fatal(err)
	}
	if ran := res.progress.Ran(); len(ran) != 1 || !strings.HasPrefix(ran[0], "[app:@nexus/backend] RUN ") {
		t.Errorf("with the registry cache, an app edit ran %q; want only the app's build", ran)
	}
	var deps *client.Vertex
	for _, v := range res.progress.Vertices {
		if strings.HasPrefix(v.Name, "[deps] RUN ") {
			deps = v
		}
	}
	switch {
	case deps == nil:
		t.Error("no [deps] vertex: the app's base no longer starts from the install")
	case res.progress.Output[deps.Digest.String()] != "":
		t.Errorf("pnpm install ran again instead of coming from the registry cache:\n%s", res.progress.Output[deps.Digest.String()])
	}
	if i := slices.IndexFunc(res.progress.Vertices, func(v *client.Vertex) bool { return strings.HasPrefix(v.Name, "importing cache manifest") }); i < 0 {
		t.Error("buildx imported no cache manifest")
	}
}
