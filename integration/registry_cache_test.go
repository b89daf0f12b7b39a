package integration

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"
)

// TestRegistryCacheAppEdit is CI on ephemeral builders: a first run on an
// empty daemon exports its cache to a registry (mode=max), and the next run,
// on another empty daemon, builds one edit of the app with that cache. Only
// the app's build runs; the install, the package builds, the deploy and the
// native stage come from the registry cache: none of their processes runs.
// Both daemons are the test's own (ephemeralBuilder), so it prunes nothing and
// test order does not matter.
func TestRegistryCacheAppEdit(t *testing.T) {
	needDaemon(t)
	reg := needRegistry(t)
	ctx, cancel := deadline(t, 20*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	ref := fmt.Sprintf("%s/monokit-test/cache:%d", reg, time.Now().UnixNano())
	b := build{dir: dir, target: "backend", builder: ephemeralBuilder(ctx, t, reg), cacheTo: "type=registry,ref=" + ref + ",mode=max"}
	if _, err := b.runBuildx(ctx, t, filepath.Join(t.TempDir(), "first.tar")); err != nil {
		t.Fatal(err)
	}
	b.builder = ephemeralBuilder(ctx, t, reg)
	appendFile(t, filepath.Join(dir, "services/backend/src/main.ts"), "\n// edited on the CI runner\n")
	b.cacheTo, b.cacheFrom = "", "type=registry,ref="+ref
	res, err := b.runBuildx(ctx, t, filepath.Join(t.TempDir(), "second.tar"))
	if err != nil {
		t.Fatal(err)
	}
	if ran := res.progress.RanStages(); !slices.Equal(ran, appSteps) {
		t.Errorf("with the registry cache, an app edit ran %q; want only the app's generate and build, %q", res.progress.Ran(), appSteps)
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
