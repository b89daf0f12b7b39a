package plan2llb

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/planner"
)

// TestGeneratedScript runs generated.js with the host's node: collect keeps
// only what changed after the marker, and place lays it onto a deployed tree
// whose store directories carry other peer suffixes than the build's.
func TestGeneratedScript(t *testing.T) {
	node, script, dir := helperScript(t, planner.GeneratedScript)
	repo := filepath.Join(dir, "repo")
	client := "node_modules/.pnpm/@x+client@1.0.0_prisma@2.0.0_typescript@5.0.0/node_modules"
	mustWrite(t, filepath.Join(repo, client, "@x/client/package.json"), `{"name":"@x/client","version":"1.0.0"}`)
	mustWrite(t, filepath.Join(repo, "packages/db/package.json"), `{"name":"@pg/db"}`)
	marker := filepath.Join(dir, "marker")
	mustWrite(t, marker, "")
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{filepath.Join(repo, client, "@x/client/package.json"), filepath.Join(repo, "packages/db/package.json")} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// What the generate commands write.
	for _, p := range []string{client + "/.x/client/index.js", "packages/db/generated/index.js", "apps/api/src/generated.ts", "tools/stray.txt"} {
		mustWrite(t, filepath.Join(repo, p), "generated "+p)
	}
	gen := filepath.Join(dir, "gen")
	if out, err := exec.Command(node, script, "collect", marker, repo, gen).CombinedOutput(); err != nil || !strings.Contains(string(out), "wrote 4 file(s)") {
		t.Fatalf("collect: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(gen, repo, client, "@x/client/package.json")); err == nil {
		t.Error("collect kept a file older than the marker")
	}

	tree := filepath.Join(dir, "tree")
	deployed := "node_modules/.pnpm/@x+client@1.0.0_prisma@2.0.0/node_modules"
	mustWrite(t, filepath.Join(tree, deployed, "@x/client/package.json"), `{"name":"@x/client","version":"1.0.0"}`)
	db := "node_modules/.pnpm/@pg+db@file+packages+db/node_modules/@pg/db"
	mustWrite(t, filepath.Join(tree, db, "package.json"), `{"name":"@pg/db","version":"1.0.0"}`)
	in, _ := json.Marshal(planner.GeneratedInput{Generated: filepath.Join(gen, repo), Tree: tree, App: "apps/api",
		Packages: []planner.GeneratedPackage{{Name: "@pg/db", Dir: "packages/db"}}})
	input := filepath.Join(dir, "input.json")
	mustWrite(t, input, string(in))
	out, err := exec.Command(node, script, "place", input).CombinedOutput()
	if err != nil {
		t.Fatalf("place: %v\n%s", err, out)
	}
	for _, p := range []string{deployed + "/.x/client/index.js", db + "/generated/index.js"} {
		if _, err := os.Stat(filepath.Join(tree, p)); err != nil {
			t.Errorf("%s not placed: %v\n%s", p, err, out)
		}
	}
	if !strings.Contains(string(out), "placed 2 generated file(s)") || !strings.Contains(string(out), "warning: 1 generated file(s) belong to nothing") || !strings.Contains(string(out), "tools/stray.txt") {
		t.Errorf("place output:\n%s", out)
	}
}
