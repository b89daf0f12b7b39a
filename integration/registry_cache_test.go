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

	"github.com/moby/buildkit/client"
)

// TestRegistryCacheAppEdit is CI on an ephemeral builder: the previous
// build's cache exported to a registry (mode=max), an empty daemon, one edit
// of the app. Only the app's build runs; the install, the package builds,
// the deploy and the native stage come from the registry cache (their layers
// are pulled and none of their processes runs). It prunes the daemon, so it
// runs last.
func TestRegistryCacheAppEdit(t *testing.T) {
	needDaemon(t)
	reg := os.Getenv("MONOKIT_REGISTRY")
	if reg == "" {
		t.Skip("MONOKIT_REGISTRY is unset (hack/test sets it)")
	}
	ctx, cancel := deadline(context.Background(), 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	ref := fmt.Sprintf("%s/monokit-test/cache:%d", reg, time.Now().UnixNano())
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
	for _, v := range res.vertices {
		if strings.HasPrefix(v.Name, "[deps] RUN ") {
			deps = v
		}
	}
	switch {
	case deps == nil:
		t.Error("no [deps] vertex: the app's base no longer starts from the install")
	case !res.progress.Pulled[deps.Digest.String()]:
		t.Errorf("the install's result was not pulled from the registry cache (statuses: none); ran %q", res.progress.Ran())
	}
	if i := slices.IndexFunc(res.vertices, func(v *client.Vertex) bool { return strings.HasPrefix(v.Name, "importing cache manifest") }); i < 0 {
		t.Error("buildx imported no cache manifest")
	}
}
