package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeBlob stores a blob as crane's disk handler does: <dir>/sha256/<hex>.
func writeBlob(t *testing.T, dir, hex string, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sha256", hex), make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBlobsGained: the blobs a push adds to a registry's directory, with
// their sizes; uploads in progress are not blobs yet.
func TestBlobsGained(t *testing.T) {
	dir := t.TempDir()
	writeBlob(t, dir, "base", 1000)
	writeBlob(t, dir, "deps", 500)
	before, err := blobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int64{"sha256:base": 1000, "sha256:deps": 500}; !maps.Equal(before, want) {
		t.Fatalf("before: %v, want %v", before, want)
	}
	writeBlob(t, dir, "app", 30)
	writeBlob(t, dir, "config", 7)
	writeBlob(t, dir, "deps", 500) // pushed again: the same file
	if err := os.WriteFile(filepath.Join(dir, "upload-123"), make([]byte, 99), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := blobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := gained(before, after), map[string]int64{"sha256:app": 30, "sha256:config": 7}; !maps.Equal(got, want) {
		t.Errorf("gained %v, want %v", got, want)
	}
	if got := gained(after, after); len(got) != 0 {
		t.Errorf("nothing pushed, gained %v", got)
	}
	// An empty registry has no sha256 directory yet.
	if b, err := blobs(t.TempDir()); err != nil || len(b) != 0 {
		t.Errorf("an empty registry: %v, %v", b, err)
	}
}

// TestAttribute: the image's new blobs count, each once, its layers are
// named by their history, and another client's blobs are set apart.
func TestAttribute(t *testing.T) {
	img := pushedImage{config: "sha256:config", layers: []pushedLayer{
		{"sha256:base", "/bin/sh -c #(nop) ADD file:abc in / "},
		{"sha256:deps", "COPY dependencies layer: /out/prune/node_modules /app/node_modules"},
		{"sha256:empty", "COPY workspace layer: /out/prune/packages /app/packages"},
		{"sha256:app", "COPY app layer: /out/app /app"},
		{"sha256:empty", "COPY /app/README.md /app/ # buildkit"},
	}}
	got := attribute(map[string]int64{"sha256:config": 7, "sha256:app": 2048, "sha256:empty": 32, "sha256:other": 5000}, img)
	want := []string{"COPY workspace layer: /out/prune/packages /app/packages (32 B)", "COPY app layer: /out/app /app (2.0 KiB)"}
	if got.bytes != 7+2048+32 || strings.Join(got.layers, "\n") != strings.Join(want, "\n") || got.foreign != 1 || got.foreignBytes != 5000 {
		t.Errorf("attribute: %+v, want layers %q", got, want)
	}
	// A no-op: the registry gained nothing.
	if got := attribute(map[string]int64{}, img); got.bytes != 0 || len(got.layers) != 0 || got.foreign != 0 {
		t.Errorf("a no-op push: %+v", got)
	}
}

func TestCreatedBy(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"RUN /bin/sh -c pnpm install --frozen-lockfile # buildkit", "RUN pnpm install --frozen-lockfile"},
		{"RUN |1 NODE_ENV=production /bin/sh -c pnpm build # buildkit", "RUN |1 NODE_ENV=production pnpm build"},
		{"COPY app layer: /out/app /app", "COPY app layer: /out/app /app"},
	} {
		if got := createdBy(tc.in); got != tc.want {
			t.Errorf("createdBy(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := clip("COPY dependencies layer: "+strings.Repeat("é", 100), 30); len([]rune(got)) != 30 || !strings.HasSuffix(got, "é…") {
		t.Errorf("clip: %q", got)
	}
}

func TestRegistryDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MONOKIT_REGISTRY_DIR": "/srv/reg", "MONOKIT_STATE": "/s"}, "/srv/reg"},
		{map[string]string{"MONOKIT_STATE": "/s"}, "/s/registry"},
		{nil, "/var/lib/monokit-dev/registry"},
	} {
		if got := registryDir(env(tc.env)); got != tc.want {
			t.Errorf("registryDir(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
	dir := t.TempDir()
	if why := pushCheck("127.0.0.1:5047", dir); why != "" {
		t.Errorf("a registry and its directory: %q", why)
	}
	if why := pushCheck("", dir); !strings.Contains(why, "MONOKIT_REGISTRY") {
		t.Errorf("no registry: %q", why)
	}
	if why := pushCheck("127.0.0.1:5047", filepath.Join(dir, "none")); !strings.Contains(why, "MONOKIT_REGISTRY_DIR") {
		t.Errorf("no directory: %q", why)
	}
	if got := pushRef("127.0.0.1:5047", "traced", "api"); got != "127.0.0.1:5047/monokit-bench/traced-api:latest" {
		t.Errorf("pushRef: %q", got)
	}
}
