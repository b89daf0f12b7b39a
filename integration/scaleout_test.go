package integration

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScaleOut is monokit on a buildx builder with a node per architecture,
// as users who outgrow one machine run it: two buildkitds of the test's own,
// each with its own state and socket, one builder whose second node is
// appended for linux/arm64. One docker buildx build makes both platforms of
// the example backend: buildx sends each platform to its node, and each
// node runs that platform's steps (the progress stream names the node of
// every step). Both export their cache to the registry, and a third, empty
// node that imports it builds an app edit by running the app's build alone.
func TestScaleOut(t *testing.T) {
	needDaemon(t)
	reg := needRegistry(t)
	ctx, cancel := deadline(t, 40*time.Minute)
	defer cancel()
	dir := copyTree(t, nexusDir)
	nodes := ephemeralNodes(ctx, t, reg, "linux/amd64", "linux/arm64")
	ref := fmt.Sprintf("%s/monokit-test/scale-out:%d", reg, time.Now().UnixNano())
	b := build{dir: dir, target: "backend", builder: nodes, platform: "linux/amd64,linux/arm64", cacheTo: "type=registry,ref=" + ref + ",mode=max"}
	res, err := b.runBuildx(ctx, t, filepath.Join(t.TempDir(), "both.tar"))
	if err != nil {
		t.Fatal(err)
	}
	// Every step that ran, by node: buildx prefixes a vertex's name with
	// its node's when the builder has several ("[node stage platform] RUN").
	byNode := map[string][]string{}
	for _, name := range res.progress.Ran() {
		node, step, ok := nodeStep(name, nodes)
		if !ok {
			t.Errorf("a step without its node's name: %q", name)
			continue
		}
		byNode[node] = append(byNode[node], step)
	}
	for i, platform := range []string{"linux/amd64", "linux/arm64"} {
		node := fmt.Sprintf("%s-%d", nodes, i)
		steps := byNode[node]
		t.Logf("%s ran %d steps: %q", node, len(steps), steps)
		if !slices.ContainsFunc(steps, func(s string) bool {
			return strings.HasPrefix(s, "[runtime "+platform+"]") || strings.HasPrefix(s, "[workspace "+platform+"]")
		}) {
			t.Errorf("node %s ran none of %s's steps: %q", node, platform, steps)
		}
		for _, other := range []string{"linux/amd64", "linux/arm64"} {
			if other != platform && slices.ContainsFunc(steps, func(s string) bool { return strings.Contains(s, " "+other+"]") }) {
				t.Errorf("node %s (for %s) ran a step of %s: %q", node, platform, other, steps)
			}
		}
	}
	// A clean node imports what both exported: an app edit runs the app's
	// build alone, for each platform.
	appendFile(t, filepath.Join(dir, "services/backend/src/main.ts"), "\n// edited on a clean node\n")
	for _, platform := range []string{"linux/amd64", "linux/arm64"} {
		clean := build{dir: dir, target: "backend", builder: ephemeralBuilder(ctx, t, reg), platform: platform, cacheFrom: "type=registry,ref=" + ref}
		res, err := clean.runBuildx(ctx, t, filepath.Join(t.TempDir(), "edit.tar"))
		if err != nil {
			t.Fatal(err)
		}
		if ran := res.progress.Ran(); len(ran) != 1 || !strings.HasPrefix(ran[0], "[app:@nexus/backend] RUN ") {
			t.Errorf("%s on a clean node with the nodes' registry cache: an app edit ran %q; want only the app's build", platform, ran)
		}
	}
}

// nodeStep splits a vertex name that buildx prefixed with the name of the
// builder's node that ran it into the node and the step as monokit named it.
func nodeStep(name, builder string) (node, step string, ok bool) {
	rest, found := strings.CutPrefix(name, "["+builder+"-")
	if !found {
		return "", "", false
	}
	i := strings.IndexAny(rest, " ]")
	if i < 0 {
		return "", "", false
	}
	node = builder + "-" + rest[:i]
	if rest[i] == ']' {
		return node, strings.TrimPrefix(rest[i+1:], " "), true
	}
	return node, "[" + rest[i+1:], true
}
