package helpers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite test/inputs from the planner's input types")

// helperInputs are one input of each helper script, every field set, as the
// planner's types marshal them. The node:test tests in test/ start
// from these files, so a field renamed on either side fails one of the two.
var helperInputs = map[string]any{
	"native.json": NativeInput{Packages: []string{"ok-addon@1.0.0"}, Optional: []string{"broken-addon@1.0.0"}, Libs: "/out/libs", Runtime: "/monokit/runtime", Built: "/repo/node_modules/.pnpm", Ran: true,
		Entries: map[string][]string{"ok-addon@1.0.0": {"ok-addon@1.0.0"}}},
	"select.json": SelectInput{Libc: "glibc", StoreDir: "/pnpm/store", Prod: []string{"sharp@1.0.0"}, Parents: []string{"sharp@1.0.0"},
		Platform: []PinnedPackage{{Key: "@img/sharp-linux-arm64@1.0.0", Name: "@img/sharp-linux-arm64", Version: "1.0.0", OS: []string{"linux"}, CPU: []string{"arm64"}, Libc: []string{"glibc"},
			Integrity: "sha512-AAAA", Tarball: "https://registry.npmjs.org/@img/sharp-linux-arm64/-/sharp-linux-arm64-1.0.0.tgz", Dependents: []string{"sharp@1.0.0"}, Entry: "@img+sharp-linux-arm64@1.0.0",
			Fetched: "/monokit/fetch/@img+sharp-linux-arm64@1.0.0/package.tgz"}},
		Entries: map[string][]string{"sharp@1.0.0": {"sharp@1.0.0"}}},
	"workspace.json": WorkspaceInput{Tree: "/out/prune", Out: "/monokit/overlay/prune", Root: "/repo", Packlist: "/usr/local/lib/node_modules/npm-packlist",
		Packages: []WorkspacePackage{{Name: "@w/types", Dir: "packages/types", StoreName: "@w+types", StorePath: "packages+types"}}},
	"generated.json": GeneratedInput{Generated: []string{"/monokit/generated/0/repo", "/monokit/generated/1/repo"}, Tree: "/out/prune", Out: "/monokit/overlay/prune", App: "apps/api",
		Packages: []WorkspacePackage{{Name: "@pg/db", Dir: "packages/db", StoreName: "@pg+db", StorePath: "packages+db"}},
		Entries:  map[string][]string{"@prisma/client@6.1.0": {"@prisma+client@6.1.0_prisma@6.1.0"}}},
	"trace.json": TraceInput{Root: "/app", Workspace: "/monokit/layers/workspace/app", App: "/monokit/layers/app/app", Out: "/monokit/traced", NFT: "/usr/local/lib/node_modules/@vercel/nft",
		Entries: []string{"dist/main.js"}, Modules: []string{"dotenv/config"}, Files: []string{".env"},
		Include: []TraceGlob{{Glob: "templates/**", Base: "templates", Regexp: "^templates/.*$"}}},
	"collect.json": CollectInput{Since: "/tmp/marker", Root: "/repo", Dest: "/out/gen", Skip: []string{"/repo/packages/db/dist"}},
	"metadata.json": MetadataInput{Root: "/repo", Manifests: []ManifestScripts{{File: "packages/db/package.json", Remove: []string{"postinstall", "prepare"}}},
		Settings: []FileLine{{File: ".npmrc", Line: 2}}},
}

// TestHelperInputs keeps test/inputs equal to what the planner's
// types marshal (go test ./solver/helpers -run TestHelperInputs -update rewrites them).
func TestHelperInputs(t *testing.T) {
	for name, in := range helperInputs {
		want, err := json.MarshalIndent(in, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		file := filepath.Join("test", "inputs", name)
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the planner's type (%v); run go test ./solver/helpers -run TestHelperInputs -update and update the node:test tests that read it", file, err)
		}
	}
}

// TestHelpersEmbedded: every helper script the planner can name is embedded,
// and a name it cannot is an error, not an empty file.
func TestHelpersEmbedded(t *testing.T) {
	for _, name := range []string{NativeScript, SelectScript, GeneratedScript, StoreScript, WorkspaceScript, MetadataScript} {
		if data, err := Script(name); err != nil || !bytes.Contains(data, []byte("'use strict'")) {
			t.Errorf("%s: %d bytes, %v", name, len(data), err)
		}
	}
	if _, err := Script("/usr/local/lib/monokit/missing.js"); err == nil {
		t.Error("an unknown helper gave no error")
	}
}
