package plan2llb

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/monokit/monokit/planner"
	"github.com/monokit/monokit/pnpm"
)

var update = flag.Bool("update", false, "rewrite helpers/test/inputs from the planner's input types")

// helperInputs are one input of each helper script, every field set, as the
// planner's types marshal them. The node:test tests in helpers/test start
// from these files, so a field renamed on either side fails one of the two.
var helperInputs = map[string]any{
	"native.json": planner.NativeInput{Packages: []string{"ok-addon@1.0.0"}, Optional: []string{"broken-addon@1.0.0"}, Libs: "/out/libs", Runtime: "/monokit/runtime", Built: "/repo/node_modules/.pnpm", Ran: true},
	"select.json": planner.SelectInput{Libc: "glibc", StoreDir: "/pnpm/store", Prod: []string{"sharp@1.0.0"}, Parents: []string{"sharp@1.0.0"},
		Platform: []pnpm.PinnedPackage{{Key: "@img/sharp-linux-arm64@1.0.0", Name: "@img/sharp-linux-arm64", Version: "1.0.0", OS: []string{"linux"}, CPU: []string{"arm64"}, Libc: []string{"glibc"},
			Integrity: "sha512-AAAA", Tarball: "https://registry.npmjs.org/@img/sharp-linux-arm64/-/sharp-linux-arm64-1.0.0.tgz", Dependents: []string{"sharp@1.0.0"}}}},
	"workspace.json": planner.WorkspaceInput{Tree: "/out/prune", Out: "/monokit/overlay/prune", Root: "/repo", Packlist: "/usr/local/lib/node_modules/npm-packlist",
		Packages: []planner.WorkspacePackage{{Name: "@w/types", Dir: "packages/types"}}},
	"generated.json": planner.GeneratedInput{Generated: "/monokit/generated/repo", Tree: "/out/prune", Out: "/monokit/overlay/prune", App: "apps/api",
		Packages: []planner.WorkspacePackage{{Name: "@pg/db", Dir: "packages/db"}}},
}

// TestHelperInputs keeps helpers/test/inputs equal to what the planner's
// types marshal (go test ./plan2llb -run TestHelperInputs -update rewrites them).
func TestHelperInputs(t *testing.T) {
	for name, in := range helperInputs {
		want, err := json.MarshalIndent(in, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		file := filepath.Join("helpers", "test", "inputs", name)
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the planner's type (%v); run go test ./plan2llb -run TestHelperInputs -update and update the node:test tests that read it", file, err)
		}
	}
}

// TestHelpersEmbedded: every helper script the planner can name is embedded,
// and a name it cannot is an error, not an empty file.
func TestHelpersEmbedded(t *testing.T) {
	for _, name := range []string{planner.NativeScript, planner.SelectScript, planner.GeneratedScript, planner.StoreScript, planner.WorkspaceScript} {
		if data, err := helper(name); err != nil || !bytes.Contains(data, []byte("'use strict'")) {
			t.Errorf("%s: %d bytes, %v", name, len(data), err)
		}
	}
	if _, err := helper("/usr/local/lib/monokit/missing.js"); err == nil {
		t.Error("an unknown helper gave no error")
	}
}
