package pnpm

import (
	"fmt"
	"strings"
	"testing"
)

// platformLockfile is a lockfile 9.0 of n packages in a chain, each depending
// on the next and on one of two platform-specific packages (as every
// esbuild-using tool depends on @esbuild/*): the shape of a large Next.js
// workspace's production tree.
func platformLockfile(n int) []byte {
	var b strings.Builder
	b.WriteString("lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      pkg-0:\n        specifier: 1.0.0\n        version: 1.0.0\n\npackages:\n\n")
	for _, cpu := range []string{"x64", "arm64"} {
		fmt.Fprintf(&b, "  '@esbuild/linux-%s@0.25.0':\n    resolution: {integrity: sha512-%s}\n    cpu: [%s]\n    os: [linux]\n\n", cpu, cpu, cpu)
	}
	for i := range n {
		fmt.Fprintf(&b, "  pkg-%d@1.0.0:\n    resolution: {integrity: sha512-p%d}\n\n", i, i)
	}
	b.WriteString("snapshots:\n\n")
	for _, cpu := range []string{"x64", "arm64"} {
		fmt.Fprintf(&b, "  '@esbuild/linux-%s@0.25.0':\n    optional: true\n\n", cpu)
	}
	for i := range n {
		fmt.Fprintf(&b, "  pkg-%d@1.0.0:\n    optionalDependencies:\n      '@esbuild/linux-x64': 0.25.0\n      '@esbuild/linux-arm64': 0.25.0\n", i)
		if i+1 < n {
			fmt.Fprintf(&b, "    dependencies:\n      pkg-%d: 1.0.0\n", i+1)
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func platformKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("pkg-%d@1.0.0", i)
	}
	return keys
}

func TestPlatformParentsAndPackages(t *testing.T) {
	lf, err := ParseLockfile(LockFile, platformLockfile(50))
	if err != nil {
		t.Fatal(err)
	}
	parents := lf.PlatformParents(platformKeys(50)[:10])
	if len(parents) != 10 || parents[0] != "pkg-0@1.0.0" {
		t.Fatalf("parents = %v", parents)
	}
	pinned := lf.PlatformPackages(parents)
	if len(pinned) != 2 || pinned[0].Key != "@esbuild/linux-arm64@0.25.0" || len(pinned[0].Dependents) != 10 {
		t.Fatalf("pinned = %+v", pinned)
	}
}

// BenchmarkPlatformParents: 50,000 production packages that all depend on
// platform-specific ones. The lookups were quadratic: 5.1 s at this size.
func BenchmarkPlatformParents(b *testing.B) {
	const n = 50_000
	lf, err := ParseLockfile(LockFile, platformLockfile(n))
	if err != nil {
		b.Fatal(err)
	}
	keys := platformKeys(n)
	for b.Loop() {
		lf.PlatformPackages(lf.PlatformParents(keys))
	}
}

// BenchmarkPlatformLockfile200k parses a 200,000-package lockfile and finds its
// platform parents and packages, as planning a Next.js target does; it reports
// the lockfile's size beside the allocations. Both steps took 95 s at this
// size, and memory was about 18 times the lockfile.
func BenchmarkPlatformLockfile200k(b *testing.B) {
	const n = 200_000
	data := platformLockfile(n)
	keys := platformKeys(n)
	for b.Loop() {
		lf, err := ParseLockfile(LockFile, data)
		if err != nil {
			b.Fatal(err)
		}
		lf.PlatformPackages(lf.PlatformParents(keys))
	}
	b.ReportMetric(float64(len(data))/1e6, "lockfile-MB")
}
