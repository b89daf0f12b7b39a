// Package monokit_test tests the shape of the repository itself.
package monokit_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/monokit/monokit/"

// layers is the one direction data flows: the manifest and the pnpm
// workspace model → the solver → the plan IR → plan2llb → frontend → CLI.
// Each package may import only the monokit packages listed for it, and
// BuildKit packages only under the prefixes listed: the model none, the
// solver BuildKit's Dockerfile parser alone (inference reads the
// repository's Dockerfiles as BuildKit does; it is text in, syntax tree
// out), the converter client/llb, the LLB protobufs and BuildKit's defaults
// (util/system) but never the gateway.
// The converter reads the plan and the helper scripts, and nothing that
// decides.
var layers = map[string]struct{ monokit, buildkit []string }{
	"internal/diag":          {nil, []string{"util/suggest"}},
	"internal/ctxfs":         {[]string{"internal/diag"}, nil}, // how every reader reads a file of the context
	"internal/testskip":      {nil, nil},                       // a skip, or a failure where hack/test allows none
	"internal/diag/diagtest": {[]string{"internal/diag"}, nil}, // for tests: an error's positions lie inside its files
	"solver/manifest":        {[]string{"internal/diag"}, nil},
	"solver/pnpm":            {[]string{"internal/diag", "internal/ctxfs"}, nil},
	"solver/helpers":         {nil, nil},
	"solver/plan":            {[]string{"internal/diag"}, nil},
	"solver":                 {[]string{"internal/diag", "internal/ctxfs", "solver/manifest", "solver/pnpm", "solver/plan", "solver/helpers"}, []string{"frontend/dockerfile/parser"}},
	"llb/plan2llb":           {[]string{"solver/plan", "solver/helpers"}, []string{"client/llb", "solver/pb", "util/system"}},
	"frontend":               {[]string{"internal/diag", "internal/ctxfs", "solver/manifest", "solver/pnpm", "solver", "solver/plan", "llb/plan2llb"}, []string{""}},
	"cmd/monokit-serve":      {nil, nil}, // the static server: the standard library only
	"cmd/monokit":            {[]string{"internal/diag", "internal/ctxfs", "solver/manifest", "solver/pnpm", "solver", "solver/plan", "llb/plan2llb", "frontend"}, []string{""}},
}

// TestImportDirection reads every package's imports (tests excluded) with go
// list and holds each to its layer.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		fields := strings.Fields(line)
		pkg, ok := strings.CutPrefix(fields[0], module)
		if !ok || strings.HasPrefix(pkg, "hack/") || pkg == "integration" || pkg == "internal/testkit" {
			continue // tooling and tests may use anything
		}
		layer, ok := layers[pkg]
		if !ok {
			t.Errorf("package %s has no layer: add it to layers with the packages it may import", pkg)
			continue
		}
		seen[pkg] = true
		for _, imp := range fields[1:] {
			if dep, ok := strings.CutPrefix(imp, module); ok && !slices.Contains(layer.monokit, dep) {
				t.Errorf("%s imports %s, against the direction data flows", pkg, dep)
			}
			if bk, ok := strings.CutPrefix(imp, "github.com/moby/buildkit/"); ok && !slices.ContainsFunc(layer.buildkit, func(p string) bool { return strings.HasPrefix(bk, p) }) {
				t.Errorf("%s imports BuildKit's %s; only %q may be", pkg, bk, layer.buildkit)
			}
		}
	}
	for pkg := range layers {
		if !seen[pkg] {
			t.Errorf("layer %s matched no package: go list found none", pkg)
		}
	}
}
