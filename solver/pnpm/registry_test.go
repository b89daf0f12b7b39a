package pnpm_test

import (
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// TestPublicTarball: BuildKit may fetch a pinned package itself only when
// no credentials are involved; the URL is the lockfile's tarball, else the
// registry's layout under the registry .npmrc names for the package's scope.
func TestPublicTarball(t *testing.T) {
	sharp := pnpm.PinnedPackage{Name: "@img/sharp-linux-arm64", Version: "0.34.5"}
	for _, tc := range []struct {
		name, npmrc string
		pkg         pnpm.PinnedPackage
		want        string
	}{
		{name: "default registry", pkg: sharp, want: "https://registry.npmjs.org/@img/sharp-linux-arm64/-/sharp-linux-arm64-0.34.5.tgz"},
		{name: "unscoped", pkg: pnpm.PinnedPackage{Name: "esbuild-linux-64", Version: "0.15.0"}, want: "https://registry.npmjs.org/esbuild-linux-64/-/esbuild-linux-64-0.15.0.tgz"},
		{name: "settings only", npmrc: "engine-strict=true\n", pkg: sharp, want: "https://registry.npmjs.org/@img/sharp-linux-arm64/-/sharp-linux-arm64-0.34.5.tgz"},
		{name: "mirror", npmrc: "registry=https://mirror.example/npm/\n", pkg: sharp, want: "https://mirror.example/npm/@img/sharp-linux-arm64/-/sharp-linux-arm64-0.34.5.tgz"},
		{name: "scoped registry", npmrc: "registry=https://mirror.example/\n@img:registry=https://img.example\n", pkg: sharp, want: "https://img.example/@img/sharp-linux-arm64/-/sharp-linux-arm64-0.34.5.tgz"},
		{name: "lockfile tarball", pkg: pnpm.PinnedPackage{Name: "x", Version: "1.0.0", Tarball: "https://cdn.example/x.tgz"}, want: "https://cdn.example/x.tgz"},
		{name: "token", npmrc: "//npm.example/:_authToken=abc\n", pkg: sharp},
		{name: "variable", npmrc: "registry=${REGISTRY}\n", pkg: sharp},
		{name: "basic auth", npmrc: "_auth=abc\n", pkg: sharp},
		{name: "plain http", npmrc: "registry=http://mirror.example/\n", pkg: sharp},
		{name: "a file tarball", pkg: pnpm.PinnedPackage{Name: "x", Version: "1.0.0", Tarball: "file:vendor/x.tgz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
			if tc.npmrc != "" {
				fsys[".npmrc"] = &fstest.MapFile{Data: []byte(tc.npmrc)}
			}
			ws, err := pnpm.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := ws.PublicTarball(tc.pkg)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("PublicTarball = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}
