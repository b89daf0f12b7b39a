package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
)

func TestBuildExports(t *testing.T) {
	for _, tc := range []struct {
		name    string
		f       buildFlags
		want    []client.ExportEntry // types and attrs
		wantErr string
	}{
		{name: "nothing", wantErr: "no output"},
		{name: "cacheonly", f: buildFlags{outputs: list{"type=cacheonly"}}},
		{name: "tag without push", f: buildFlags{tags: list{"r/a:1"}}, wantErr: "add --push"},
		{name: "push without tag", f: buildFlags{push: true}, wantErr: "needs an image name"},
		{name: "tags pushed", f: buildFlags{tags: list{"r/a:1", "r/a:latest"}, push: true},
			want: []client.ExportEntry{{Type: "image", Attrs: map[string]string{"name": "r/a:1,r/a:latest", "push": "true"}}}},
		{name: "image output named by -t", f: buildFlags{tags: list{"r/a:1"}, push: true, outputs: list{"type=image,compression=zstd"}},
			want: []client.ExportEntry{{Type: "image", Attrs: map[string]string{"name": "r/a:1", "push": "true", "compression": "zstd"}}}},
		{name: "local directory", f: buildFlags{outputs: list{"type=local,dest=" + t.TempDir()}},
			want: []client.ExportEntry{{Type: "local", Attrs: map[string]string{}}}},
		{name: "bad output", f: buildFlags{outputs: list{"dest=x"}}, wantErr: "requires type="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f.exports()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("exports = %+v, want %+v", got, tc.want)
			}
			for i, e := range got {
				w := tc.want[i]
				if e.Type != w.Type || len(e.Attrs) != len(w.Attrs) {
					t.Errorf("export %d = %s %v, want %s %v", i, e.Type, e.Attrs, w.Type, w.Attrs)
				}
				for k, v := range w.Attrs {
					if e.Attrs[k] != v {
						t.Errorf("export %d: %s = %q, want %q", i, k, e.Attrs[k], v)
					}
				}
			}
		})
	}
}

func TestBuildSolveOpt(t *testing.T) {
	f := &buildFlags{repoFlags: newFlags("build", true, io.Discard), outputs: list{"type=cacheonly"},
		buildContext: list{"node:24-trixie-slim=docker-image://mirror.example/node:24-trixie-slim", "shared=" + nexus + "/packages"}}
	f.target = "backend"
	f.args["SENTRY_RELEASE"] = "1.2.3"
	opt, err := f.solveOpt(nexus, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"filename":                    "monokit.yaml",
		"target":                      "backend",
		"build-arg:SENTRY_RELEASE":    "1.2.3",
		"context:node:24-trixie-slim": "docker-image://mirror.example/node:24-trixie-slim",
		"context:shared":              "local:context:shared",
	} {
		if opt.FrontendAttrs[k] != v {
			t.Errorf("%s = %q, want %q", k, opt.FrontendAttrs[k], v)
		}
	}
	for _, name := range []string{"context", "dockerfile", "context:shared"} {
		if opt.LocalMounts[name] == nil {
			t.Errorf("no local mount %q", name)
		}
	}

	f.buildContext = list{"noequals"}
	if _, err := f.solveOpt(nexus, io.Discard); err == nil || !strings.Contains(err.Error(), "want NAME=DIR") {
		t.Errorf("a --build-context without = gave %v", err)
	}
	f.buildContext = nil
	// Without a manifest the frontend infers one from package.json, as for
	// docker buildx build -f package.json.
	if opt, err := f.solveOpt(t.TempDir(), io.Discard); err != nil || opt.FrontendAttrs["filename"] != "package.json" {
		t.Errorf("a directory without a manifest gave %v, filename %q", err, opt.FrontendAttrs["filename"])
	}
	f.file = filepath.Join(t.TempDir(), "monokit.yaml")
	if _, err := f.solveOpt(nexus, io.Discard); err == nil || !strings.Contains(err.Error(), "monokit.yaml: not found") {
		t.Errorf("-f naming no file gave %v", err)
	}
}
