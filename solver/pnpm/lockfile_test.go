package pnpm_test

import (
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/pnpm"
)

func TestMultiDocumentLockfile(t *testing.T) {
	// pnpm 11 writes an env document first, then the project graph.
	lock := `---
lockfileVersion: '9.0'

importers:

  .:
    packageManagerDependencies:
      pnpm:
        specifier: 11.2.0
        version: 11.2.0

packages:

  pnpm@11.2.0:
    resolution: {integrity: sha512-x}

---
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  injectWorkspacePackages: true

importers:

  .: {}

  apps/api:
    dependencies:
      lib:
        specifier: workspace:^
        version: file:libs/lib
  libs/lib: {}
`
	lf, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	if lf.PackageManager != "11.2.0" || !lf.InjectWorkspacePackages || len(lf.Importers) != 3 {
		t.Errorf("lockfile = %+v", lf)
	}
	if got := pnpm.LinkTarget("apps/api", lf.Importers["apps/api"].Deps["dependencies"]["lib"].Version); got != "libs/lib" {
		t.Errorf("injected link target = %q", got)
	}
	if got := pnpm.LinkTarget("apps/api", "link:../../libs/x"); got != "libs/x" {
		t.Errorf("link target = %q", got)
	}
	if got := pnpm.LinkTarget("apps/api", "link:../../../outside"); got != "" {
		t.Errorf("a link outside the workspace = %q", got)
	}
}

func TestLockfileErrors(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"v5":      {"lockfileVersion: 5.4\nimporters: {}\n", "lockfileVersion 5.4 is not supported"},
		"syntax":  {"lockfileVersion: '9.0'\nimporters:\n  - [\n", "invalid YAML"},
		"unknown": {"foo: bar\n", "has no lockfileVersion"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
