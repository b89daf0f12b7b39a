package pnpm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monokit/monokit/internal/testskip"
)

// TestPackageJSONFormsMatchPNPM: a workspace whose package.json files hold
// forms pnpm accepts and npm's normalizer drops (a private string, a files
// string, an array of scripts or peers, a license object, mixed-case keys, and
// for pnpm 9 and 10 a numeric name). Real pnpm 9, 10 and 11 install it, run the scripts and
// deploy it; monokit loads it and reads each field as pnpm used it. pnpm
// releases come from MONOKIT_PNPM_DIR/<major>/pnpm (hack/install).
func TestPackageJSONFormsMatchPNPM(t *testing.T) {
	dir := os.Getenv("MONOKIT_PNPM_DIR")
	if dir == "" {
		testskip.Skip(t, "MONOKIT_PNPM_DIR is unset (hack/test sets it)")
	}
	home := t.TempDir()
	for _, major := range []int{9, 10, 11} {
		t.Run(fmt.Sprint(major), func(t *testing.T) {
			t.Parallel()
			pnpm := filepath.Join(dir, fmt.Sprint(major), "pnpm")
			work := t.TempDir()
			for name, data := range map[string]string{
				"package.json":        `{"name":"root","private":true}`,
				"pnpm-workspace.yaml": "packages: [apps/*, packages/*]\n",
				"apps/a/package.json": `{"name":"@t/a","version":"1.0.0","private":"true","files":"dist","scripts":[],"peerDependencies":[],` +
					`"engines":["node >= 0.8"],"license":{"type":"MIT"},"description":["x"],"homepage":{"u":1},"typings":["a.d.ts"],"dependencies":{"@t/b":"workspace:*"}}`,
				"packages/b/package.json": `{"name":"@t/b","version":"1.0.0","files":"dist","Name":"zzz","SCRIPTS":{"build":"exit 1"},"scripts":{"test":1,"build":"echo built-b"}}`,
				"packages/b/dist/i.js":    "module.exports = 1;\n",
				"packages/b/src/s.js":     "module.exports = 2;\n",
			} {
				p := filepath.Join(work, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// pnpm 9 and 10 install a package named 1; pnpm 11 stops
			// (name.toLowerCase is not a function).
			if major < 11 {
				if err := os.MkdirAll(filepath.Join(work, "packages/c"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(work, "packages/c/package.json"), []byte(`{"name":1,"version":1}`), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if out, err := runPNPM(pnpm, work, home, "install"); err != nil {
				t.Fatalf("pnpm %d install: %v\n%s", major, err, out)
			}
			ws, err := Load(os.DirFS(work))
			if err != nil {
				t.Fatalf("pnpm %d installs the workspace; monokit: %v", major, err)
			}
			a, b := ws.Find("@t/a"), ws.Find("@t/b")
			if a == nil || b == nil || !a.JSON.Private || a.JSON.License != "MIT" || len(a.JSON.Scripts) != 0 {
				t.Fatalf("monokit read @t/a as %+v and @t/b as %+v", a, b)
			}
			if got := b.JSON.Scripts["build"]; got != "echo built-b" || b.JSON.Files != nil {
				t.Errorf("monokit read @t/b's build script as %q and its files as %q", got, b.JSON.Files)
			}
			if major < 11 && ws.Find("1") == nil {
				t.Errorf("monokit found no package named 1 among %q", ws.Names())
			}
			// pnpm runs the lower-case scripts' build, not SCRIPTS'.
			if out, err := runPNPM(pnpm, work, home, "--filter=@t/b", "run", "build"); err != nil || !strings.Contains(out, "built-b") {
				t.Errorf("pnpm %d run build: %v\n%s", major, err, out)
			}
			args := []string{"--filter=@t/a", "deploy", "--prod"}
			if major >= 10 {
				args = append(args, "--legacy")
			}
			if out, err := runPNPM(pnpm, work, home, append(args, "out")...); err != nil {
				t.Fatalf("pnpm %d deploy: %v\n%s", major, err, out)
			}
			// pnpm 9 and 10 read a files string as no list, as npm-packlist
			// 5 (the workspace stage's) does; pnpm 11 ships package.json
			// alone. monokit ships every file: more than pnpm 11, never less.
			_, err = os.Stat(filepath.Join(work, "out/node_modules/@t/b/src/s.js"))
			if shipped := err == nil; shipped != (major < 11) {
				t.Errorf("pnpm %d deployed @t/b's src/s.js: %v, want %v", major, shipped, major < 11)
			}
		})
	}
}
