package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/client"
)

// TestScaleOut is monokit on a buildx builder with a node per architecture,
// as users who outgrow one machine run it: two buildkitds of the test's own,
// each with its own state and socket, in one builder whose second node is
// appended for linux/arm64.
//
//   - One docker buildx build makes both platforms of the example backend and
//     pushes one index: buildx sends each platform to its node. The progress
//     stream shows each platform's own steps once; each daemon's build
//     history shows it built its platform and no other.
//   - Each node exports its platform's cache to a registry ref of its own
//     (buildx gives every node of a build the same --cache-to, and each
//     node's export replaces the other's: docker/buildx#1044).
//   - A clean node that imports one platform's export builds an app edit of
//     that platform by running the app's build alone.
func TestScaleOut(t *testing.T) {
	needDaemon(t)
	reg := needRegistry(t)
	ctx, cancel := deadline(t, 40*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	platforms := []string{"linux/amd64", "linux/arm64"}
	nodes, addrs := ephemeralNodes(ctx, t, reg, platforms...)
	tag := time.Now().UnixNano()
	image := fmt.Sprintf("%s/monokit-test/scale-out:%d", reg, tag)
	cacheRef := func(platform string) string {
		return fmt.Sprintf("%s/monokit-test/scale-out-cache:%d-%s", reg, tag, strings.ReplaceAll(platform, "/", "-"))
	}
	// A builder of several nodes exports to a registry only: buildx pushes
	// each node's image and joins them in one index.
	both := build{dir: dir, target: "backend", builder: nodes, platform: strings.Join(platforms, ","),
		output: "type=image,name=" + image + ",push=true,registry.insecure=true"}
	res, err := both.runBuildx(ctx, t, "")
	if err != nil {
		t.Fatal(err)
	}
	if arches := indexArches(ctx, t, image); !slices.Equal(arches, []string{"amd64", "arm64"}) {
		t.Errorf("the pushed image's index holds %q, want amd64 and arm64", arches)
	}
	ran := res.progress.Ran()
	for _, p := range platforms {
		for _, stage := range []string{"native", "prune", "workspace"} {
			step := "[" + stage + " " + p + "] RUN "
			if n := countPrefix(ran, step); n != 1 {
				t.Errorf("the progress shows %s of %s ran %d times, want once: %q", stage, p, n, ran)
			}
		}
	}
	for i, addr := range addrs {
		built := historyPlatforms(ctx, t, addr)
		t.Logf("node %d (%s) built: %q", i, platforms[i], built)
		if len(built) == 0 || slices.ContainsFunc(built, func(p string) bool { return p != platforms[i] }) {
			t.Errorf("node %d, appended for %s, built %q", i, platforms[i], built)
		}
	}
	// Each node exports its platform's cache; its results are all there,
	// so the build runs nothing.
	for _, p := range platforms {
		one := build{dir: dir, target: "backend", builder: nodes, platform: p, cacheTo: "type=registry,ref=" + cacheRef(p) + ",mode=max",
			output: "type=image,name=" + image + "-" + strings.ReplaceAll(p, "/", "-") + ",push=true,registry.insecure=true"}
		res, err := one.runBuildx(ctx, t, "")
		if err != nil {
			t.Fatal(err)
		}
		if ran := res.progress.Ran(); len(ran) > 0 {
			t.Errorf("exporting %s's cache ran %q; its node had built everything", p, ran)
		}
	}
	// A clean node, for each platform, imports that platform's node's
	// export: an app edit runs the app's build alone.
	appendFile(t, dir+"/services/backend/src/main.ts", "\n// edited for the scaled-out builder\n")
	for _, p := range platforms {
		clean := build{dir: dir, target: "backend", builder: ephemeralBuilder(ctx, t, reg), platform: p, cacheFrom: "type=registry,ref=" + cacheRef(p)}
		res, err := clean.runBuildx(ctx, t, t.TempDir()+"/edit.tar")
		if err != nil {
			t.Fatal(err)
		}
		if ran := res.progress.RanStages(); !slices.Equal(ran, appSteps) {
			t.Errorf("%s on a clean node with its node's cache: an app edit ran %q; want only the app's generate and build, %q", p, res.progress.Ran(), appSteps)
		}
	}
}

// countPrefix counts the names that start with prefix.
func countPrefix(names []string, prefix string) int {
	n := 0
	for _, s := range names {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// indexArches are the architectures of the image index at ref (its
// attestation manifests, "unknown", aside), sorted.
func indexArches(ctx context.Context, t *testing.T, ref string) []string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "crane", "manifest", "--insecure", ref).Output()
	if err != nil {
		t.Fatalf("crane manifest %s: %v", ref, err)
	}
	var index struct {
		Manifests []struct{ Platform struct{ Architecture string } }
	}
	if err := json.Unmarshal(out, &index); err != nil {
		t.Fatal(err)
	}
	var arches []string
	for _, m := range index.Manifests {
		if a := m.Platform.Architecture; a != "unknown" {
			arches = append(arches, a)
		}
	}
	slices.Sort(arches)
	return arches
}

// historyPlatforms are the target platforms of the builds in the daemon's
// own build history, one per build.
func historyPlatforms(ctx context.Context, t *testing.T, addr string) []string {
	t.Helper()
	c, err := client.New(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stream, err := c.ControlClient().ListenBuildHistory(ctx, &controlapi.BuildHistoryRequest{EarlyExit: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r := ev.Record; r != nil && r.NumTotalSteps > r.NumCachedSteps {
			out = append(out, r.FrontendAttrs["platform"])
		}
	}
	return out
}
