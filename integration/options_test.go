package integration

import (
	"strings"
	"testing"
	"time"
)

// TestNamedContextSuppliesImage replaces the runtime image with a named context,
// as air-gapped users do: --build-context gcr.io/distroless/nodejs24-debian13=docker-image://...
func TestNamedContextSuppliesImage(t *testing.T) {
	needDaemon(t)
	registry := needRegistry(t)
	ctx, cancel := deadline(t, 10*time.Minute)
	defer cancel()
	for _, w := range []way{inProcess, gatewayWay} {
		t.Run(string(w), func(t *testing.T) {
			res, err := build{dir: nexusDir, target: "backend", attrs: map[string]string{
				"context:gcr.io/distroless/nodejs24-debian13": "docker-image://" + registry + "/distroless/nodejs24-debian13:context-test",
			}}.run(ctx, t, w)
			if err != nil {
				t.Fatal(err)
			}
			var used bool
			for _, v := range res.progress.Vertices {
				used = used || strings.Contains(v.Name, "[context gcr.io/distroless/nodejs24-debian13") && strings.Contains(v.Name, "context-test")
			}
			if !used {
				var names []string
				for _, v := range res.progress.Vertices {
					names = append(names, v.Name)
				}
				t.Errorf("the named context was not used; vertices: %q", names)
			}
		})
	}
}

// TestSourceDateEpoch: SOURCE_DATE_EPOCH sets the image's created time and its
// history, so rebuilds are reproducible.
func TestSourceDateEpoch(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 10*time.Minute)
	defer cancel()
	res, err := build{dir: nexusDir, target: "backend", attrs: map[string]string{"build-arg:SOURCE_DATE_EPOCH": "1700000000"}}.run(ctx, t, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	cfg := imageConfig(t, res.ociTar, "linux/amd64")
	if cfg["created"] != "2023-11-14T22:13:20Z" {
		t.Errorf("created = %v", cfg["created"])
	}
	for _, h := range cfg["history"].([]any) {
		hm := h.(map[string]any)
		if hm["comment"] == "monokit.v1" && hm["created"] != "2023-11-14T22:13:20Z" {
			t.Errorf("history %v not at SOURCE_DATE_EPOCH", hm)
		}
	}
}
