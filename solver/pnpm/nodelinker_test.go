package pnpm_test

import (
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// TestNodeLinker: pnpm-workspace.yaml's nodeLinker, else .npmrc's
// node-linker, else isolated.
func TestNodeLinker(t *testing.T) {
	for _, tc := range []struct {
		name, workspace, npmrc, want string
	}{
		{name: "default", workspace: "packages: ['apps/*']\n", want: "isolated"},
		{name: "workspace file", workspace: "packages: ['apps/*']\nnodeLinker: hoisted\n", want: "hoisted"},
		{name: "npmrc", workspace: "packages: ['apps/*']\n", npmrc: "auto-install-peers=true\nnode-linker = hoisted\n", want: "hoisted"},
		{name: "workspace file first", workspace: "packages: ['apps/*']\nnodeLinker: isolated\n", npmrc: "node-linker=hoisted\n", want: "isolated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testkit.Workspace(tc.workspace, testkit.Pkg{Dir: "apps/api", Name: "api"})
			if tc.npmrc != "" {
				fsys[".npmrc"] = &fstest.MapFile{Data: []byte(tc.npmrc)}
			}
			ws, err := pnpm.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if got := ws.NodeLinker(); got != tc.want {
				t.Errorf("NodeLinker() = %q, want %q", got, tc.want)
			}
		})
	}
}
