package pnpm_test

import (
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

func TestPackageJSONErrors(t *testing.T) {
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
	fsys["apps/api/package.json"].Data = []byte("{\n  \"name\": \"api\",\n  \"dependencies\": \"left-pad\"\n}\n")
	_, err := pnpm.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "dependencies: want an object, got a JSON string") {
		t.Fatalf("err = %v", err)
	}
	if pos := diag.Positions(err); len(pos) != 1 || pos[0].File != "apps/api/package.json" || pos[0].Line != 3 {
		t.Errorf("positions = %v", pos)
	}
	fsys["apps/api/package.json"].Data = []byte("{\n  \"name\": \"api\",\n}\n")
	_, err = pnpm.Load(fsys)
	if pos := diag.Positions(err); err == nil || len(pos) != 1 || pos[0].Line != 3 {
		t.Errorf("trailing comma: err = %v, positions %v", err, pos)
	}
}
