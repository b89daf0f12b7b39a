package testkit

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Shape is how a synthetic workspace's packages depend on one another.
type Shape int

const (
	// Tree: p_i depends on p_2i+1 and p_2i+2, as a binary heap, and every
	// package on one shared core package (the last). The app reaches every
	// package; a package's closure is its subtree and the core, so the
	// closures add up to about n·log2(n). Large real workspaces are shaped
	// like this: apps over libraries over a few shared ones.
	Tree Shape = iota
	// Chain: p_i depends on p_i+1, p_i+7 and p_2i+1, so p_i's closure is
	// every package after it and the closures add up to n²/2: the worst case.
	Chain
)

// Synthetic writes a pnpm workspace of n packages (packages/p0000 …) into
// dir, with a v9 lockfile of about lockBytes: each package depends on
// workspace packages of higher index, as shape says, and on three of the
// registry packages, which depend on one another in turn. p0000 is the
// target "app" and reaches the whole workspace. Everything is consistent, so
// the planner sees no lockfile drift.
func Synthetic(dir string, n, lockBytes int, shape Shape) error {
	write := func(rel, data string) error {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(data), 0o644)
	}
	name := func(i int) string { return fmt.Sprintf("@synthetic/p%04d", i) }
	// Registry packages: enough entries for the lockfile to reach lockBytes
	// (a package entry and its snapshot are about 250 bytes).
	libs := max((lockBytes-n*300)/250, 10)
	lib := func(i int) string { return fmt.Sprintf("lib%05d", i%libs) }
	integrity := func(s string) string {
		h := make([]byte, 64)
		copy(h, s)
		return "sha512-" + base64.StdEncoding.EncodeToString(h)
	}

	var imp, pkgs, snaps strings.Builder
	imp.WriteString("\n  .: {}\n")
	for i := range n {
		dir := fmt.Sprintf("packages/p%04d", i)
		deps := map[string]string{}
		var lines []string
		wsDeps := []int{i + 1, i + 7, 2*i + 1}
		if shape == Tree {
			wsDeps = []int{2*i + 1, 2*i + 2, n - 1}
		}
		for _, j := range wsDeps {
			if j < n && j > i {
				if _, ok := deps[name(j)]; ok {
					continue
				}
				deps[name(j)] = "workspace:*"
				lines = append(lines, fmt.Sprintf("      '%s':\n        specifier: workspace:*\n        version: link:../p%04d\n", name(j), j))
			}
		}
		for _, k := range []int{i * 3, i*3 + 1, i*3 + 2} {
			if _, ok := deps[lib(k)]; ok {
				continue
			}
			deps[lib(k)] = "1.0.0"
			lines = append(lines, fmt.Sprintf("      %s:\n        specifier: 1.0.0\n        version: 1.0.0\n", lib(k)))
		}
		pj, err := json.Marshal(map[string]any{"name": name(i), "version": "1.0.0", "main": "dist/index.js",
			"scripts": map[string]string{"build": "tsc", "start": "node dist/index.js"}, "dependencies": deps})
		if err != nil {
			return err
		}
		if err := write(dir+"/package.json", string(pj)+"\n"); err != nil {
			return err
		}
		fmt.Fprintf(&imp, "\n  %s:\n    dependencies:\n", dir)
		// pnpm sorts a project's dependencies by name.
		slices.Sort(lines)
		imp.WriteString(strings.Join(lines, ""))
	}
	for i := range libs {
		fmt.Fprintf(&pkgs, "\n  lib%05d@1.0.0:\n    resolution: {integrity: %s}\n    engines: {node: '>=18'}\n", i, integrity(fmt.Sprint(i)))
		if next := []int{i + 1, i + 2}; next[1] < libs {
			fmt.Fprintf(&snaps, "\n  lib%05d@1.0.0:\n    dependencies:\n      lib%05d: 1.0.0\n      lib%05d: 1.0.0\n", i, next[0], next[1])
		} else {
			fmt.Fprintf(&snaps, "\n  lib%05d@1.0.0: {}\n", i) // as pnpm writes a snapshot without dependencies
		}
	}
	lock := "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n" +
		imp.String() + "\npackages:\n" + pkgs.String() + "\nsnapshots:\n" + snaps.String()
	for rel, data := range map[string]string{
		"pnpm-lock.yaml":      lock,
		"pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
		"package.json":        `{"name":"synthetic","private":true,"packageManager":"pnpm@10.34.9"}` + "\n",
		"monokit.yaml":        "version: 1\ntargets:\n  app:\n    package: packages/p0000\n",
	} {
		if err := write(rel, data); err != nil {
			return err
		}
	}
	return nil
}
