package pnpm_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/internal/diag/diagtest"
	"github.com/monokit/monokit/internal/testkit"
	. "github.com/monokit/monokit/solver/pnpm"
)

// lockfiles are the lockfiles pnpm wrote for the example and the corpus, and
// a synthetic one.
func lockfiles(t testing.TB) map[string][]byte {
	files, err := filepath.Glob(filepath.Join(testkit.CorpusDir("*"), "pnpm-lock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(testkit.Example(), "pnpm-lock.yaml"))
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	dir := t.TempDir()
	if err := testkit.Synthetic(dir, 40, 40_000, testkit.Tree); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "pnpm-lock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out["synthetic"] = data
	return out
}

// TestScanDocumentsAgreesWithYAML: the scanner reads every lockfile pnpm
// wrote here, into the trees yaml.v3 builds.
func TestScanDocumentsAgreesWithYAML(t *testing.T) {
	files := lockfiles(t)
	if len(files) < 10 {
		t.Fatalf("only %d lockfiles", len(files))
	}
	for name, data := range files {
		want, err := YAMLDocuments(data)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := ScanDocuments(data)
		if !ok || len(got) != len(want) {
			t.Errorf("%s: the scanner did not read it (ok %v, %d documents of %d)", name, ok, len(got), len(want))
			continue
		}
		for i := range want {
			if diff := sameTree(want[i], got[i]); diff != "" {
				t.Errorf("%s: document %d: %s", name, i, diff)
			}
		}
		fast, err1 := ParseLockfileWith(name, data, true)
		slow, err2 := ParseLockfileWith(name, data, false)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: the lockfiles read differ (%v, %v)", name, err1, err2)
		}
	}
}

// sameTree compares what the lockfile's readers use of two nodes: kind,
// value, whether it was quoted, position and content.
func sameTree(want, got *Node) string {
	if want == nil || got == nil {
		if want != got {
			return "one node is missing"
		}
		return ""
	}
	if want.Kind != got.Kind || want.Value != got.Value || want.Quoted != got.Quoted || want.Line != got.Line || len(want.Content) != len(got.Content) {
		return fmt.Sprintf("%q (line %d) / %q (line %d): kind, value, quoting, line or length differ", want.Value, want.Line, got.Value, got.Line)
	}
	if want.Kind == yaml.ScalarNode && want.Column != got.Column {
		return want.Value + ": column differs"
	}
	for i := range want.Content {
		if d := sameTree(want.Content[i], got.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// TestScanDocumentsLeavesTheRestToYAML: what the scanner does not read sends
// the whole file to yaml.v3.
func TestScanDocumentsLeavesTheRestToYAML(t *testing.T) {
	head := "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\n"
	for name, section := range map[string]string{
		"comment":         "packages:\n\n  # pinned\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n",
		"anchor":          "packages:\n\n  a@1.0.0:\n    resolution: &r {integrity: sha512-x}\n",
		"block scalar":    "packages:\n\n  a@1.0.0:\n    deprecated: |\n      old\n",
		"escape":          "packages:\n\n  a@1.0.0:\n    deprecated: \"a\\tb\"\n",
		"multi-line flow": "packages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x,\n      tarball: x}\n",
		"null":            "packages:\n\n  a@1.0.0:\n",
		"tab":             "packages:\n\n  a@1.0.0:\n    resolution: {integrity:\tsha512-x}\n",
		"crlf":            "packages:\r\n\r\n  a@1.0.0:\r\n    resolution: {integrity: sha512-x}\r\n",
		"deep flow":       "packages:\n\n  a@1.0.0:\n    x: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n",
		"deep block":      "packages:\n" + deepBlock(100),
	} {
		data := []byte(head + section)
		if _, ok := ScanDocuments(data); ok {
			t.Errorf("%s: the scanner read it", name)
		}
		fast, err1 := ParseLockfileWith("l", data, true)
		slow, err2 := ParseLockfileWith("l", data, false)
		if (err1 == nil) != (err2 == nil) || err1 == nil && !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: the lockfiles read differ (%v, %v)", name, err1, err2)
		}
	}
}

// deepBlock is a mapping nested n deep, each level indented two more.
func deepBlock(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%sk:\n", strings.Repeat("  ", i))
	}
	fmt.Fprintf(&b, "%sk: v\n", strings.Repeat("  ", n+1))
	return b.String()
}

// FuzzScanDocuments: whatever the scanner reads, it reads as yaml.v3 does,
// and an error is at a position inside the file.
func FuzzScanDocuments(f *testing.F) {
	for _, data := range lockfiles(f) {
		if len(data) < 20_000 {
			f.Add(data)
		}
	}
	f.Add([]byte("lockfileVersion: '9.0'\npackages:\n  'a@1':\n    os: [linux, 'x''y']\n    bin: {a: b:c, 'd': \"e\"}\n    cpu:\n      - x64\nsnapshots:\n  a@1: {}\n"))
	// Documents: an env document, an empty one, then the graph, each with
	// packages and snapshots the scanner streams (the graph's alone count).
	f.Add([]byte("---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    packageManagerDependencies:\n      pnpm: {specifier: 11.0.0, version: 11.0.0}\npackages:\n  pnpm@11.0.0:\n    resolution: {integrity: x}\nsnapshots:\n  pnpm@11.0.0: {}\n---\n---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: {specifier: '1', version: '1'}\npackages:\n  a@1:\n    resolution: {integrity: y}\nsnapshots:\n  a@1:\n    optional: true\n    dependencies:\n      b: '2'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, err1 := ParseLockfileWith("l", data, true)
		slow, err2 := ParseLockfileWith("l", data, false)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("errors differ: fast %v, yaml.v3 %v", err1, err2)
		}
		if err1 == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("lockfiles differ:\n%+v\n%+v", fast, slow)
		}
		if err1 != nil && err1.Error() != err2.Error() {
			t.Fatalf("errors differ: fast %v, yaml.v3 %v", err1, err2)
		}
		// The same errors: the positions of one are those of both.
		if err := diagtest.Check(err1, map[string][]byte{"l": data}); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkParseLockfile reads the 5 MB lockfile of a synthetic 1,000-package
// workspace, with the scanner and with yaml.v3 alone.
func BenchmarkParseLockfile(b *testing.B) {
	dir := b.TempDir()
	if err := testkit.Synthetic(dir, 1000, 5<<20, testkit.Tree); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "pnpm-lock.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		name := map[bool]string{true: "scanner", false: "yaml.v3"}[fast]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseLockfileWith("pnpm-lock.yaml", data, fast); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
