package solver

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/pnpm"
)

// localDepsWorkspace has api depend on a tarball and a directory by file:
// (dep's spec and lockfile path are given), and web, outside api's closure,
// on another tarball.
func localDepsWorkspace(spec, locked string) fstest.MapFS {
	lock := `lockfileVersion: '9.0'

importers:

  .: {}

  apps/api:
    dependencies:
      gen:
        specifier: ` + spec + `
        version: file:` + locked + `
      vend:
        specifier: file:../../vendor/vend
        version: file:vendor/vend

  apps/web:
    dependencies:
      other:
        specifier: file:../../vendor/other-1.0.0.tgz
        version: file:vendor/other-1.0.0.tgz

packages:

  gen@file:` + locked + `:
    resolution: {integrity: sha512-AAAA, tarball: file:` + locked + `}
    version: 1.0.0

  vend@file:vendor/vend:
    resolution: {directory: vendor/vend, type: directory}

  other@file:vendor/other-1.0.0.tgz:
    resolution: {integrity: sha512-BBBB, tarball: file:vendor/other-1.0.0.tgz}
    version: 1.0.0

snapshots:

  gen@file:` + locked + `: {}

  vend@file:vendor/vend: {}

  other@file:vendor/other-1.0.0.tgz: {}
`
	return fstest.MapFS{
		"package.json":          {Data: []byte(`{"name":"root","private":true,"packageManager":"pnpm@10.18.0"}`)},
		"pnpm-workspace.yaml":   {Data: []byte("packages: ['apps/*']\n")},
		"apps/api/package.json": {Data: []byte(`{"name":"api","version":"1.0.0","dependencies":{"gen":"` + spec + `","vend":"file:../../vendor/vend"}}`)},
		"apps/web/package.json": {Data: []byte(`{"name":"web","version":"1.0.0","dependencies":{"other":"file:../../vendor/other-1.0.0.tgz"}}`)},
		"pnpm-lock.yaml":        {Data: []byte(lock)},
	}
}

// TestLocalFileDependencies: the install reads the tarballs and directories
// its file: dependencies name, from the context; only the target's closure's.
func TestLocalFileDependencies(t *testing.T) {
	p := mustPlan(t, localDepsWorkspace("file:../../vendor/gen-1.0.0.tgz", "vendor/gen-1.0.0.tgz"), apiManifest, "api")
	deps := p.Stage("deps")
	for _, want := range []string{"vendor/gen-1.0.0.tgz", "vendor/vend"} {
		if !slices.Contains(deps.ContextInputs, want) {
			t.Errorf("deps reads %q from the context, want %s among them", deps.ContextInputs, want)
		}
	}
	if slices.Contains(deps.ContextInputs, "vendor/other-1.0.0.tgz") {
		t.Errorf("deps reads web's tarball, outside api's closure: %q", deps.ContextInputs)
	}
}

// TestLocalFileOutsideContext: a file: dependency outside the build context
// is an error at the lockfile line that names it.
func TestLocalFileOutsideContext(t *testing.T) {
	ws, err := pnpm.Load(localDepsWorkspace("file:../../../gen-1.0.0.tgz", "../gen-1.0.0.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = SolveTarget(parse(t, apiManifest), ws, "api")
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos.File != "pnpm-lock.yaml" || de.Pos.Line != 9 || !strings.Contains(err.Error(), "outside the build context") {
		t.Fatalf("got %v, want an error at pnpm-lock.yaml:9 saying the tarball is outside the build context", err)
	}
}
