package solver

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// The gates only skip patterns that cannot match: with and without them,
// every source of the example and the corpus, and a few written to pass
// or fail them, say the same.
func TestSourceGatesExact(t *testing.T) {
	sources := corpusSources()
	for _, s := range []string{"export const port: 3000", "const\n\tPORT = 8080", "report: 99", "x.port : 4000", "export default {port:1234}", "let Port=77", "letport = 80"} {
		sources = append(sources, []byte(s))
	}
	gated := slices.Clone(portPatterns)
	defer func() { portPatterns = gated }()
	for _, data := range sources {
		want := factsOf(data)
		for i := range portPatterns {
			portPatterns[i].gate = nil
		}
		got := factsOf(data)
		copy(portPatterns, gated)
		if got != want {
			t.Errorf("%.80q: gated %+v, ungated %+v", data, want, got)
		}
	}
}

// scanSources stops at maxSourceBytes, and inference says it did.
func TestSourceScanCap(t *testing.T) {
	const n = 20
	big := strings.Repeat("export const x = 1;\n", 1<<20/20)
	fsys := testkit.Workspace("packages: ['apps/*']\n", testkit.Pkg{Dir: "apps/api", Name: "api"})
	fsys["apps/api/package.json"] = &fstest.MapFile{Data: []byte(`{"name":"api","scripts":{"start":"node src/main.js"}}`)}
	var files []string
	for i := range n {
		f := "apps/api/src/f" + string(rune('a'+i)) + ".js"
		fsys[f] = &fstest.MapFile{Data: []byte(big)}
		files = append(files, f)
	}
	facts, read := scanSources(fsys, files)
	want := (maxSourceBytes + len(big) - 1) / len(big) // the file that reaches the cap is read
	if read != want || len(facts) != want {
		t.Errorf("read %d files (%d facts), want %d: the cap is %d bytes", read, len(facts), want, maxSourceBytes)
	}
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	targets, _ := Infer(ws, fsys)
	if len(targets) != 1 || !strings.Contains(targets[0].Why, fmt.Sprintf("monokit read %d of its %d sources", want, n)) {
		t.Errorf("targets %+v: want one that says how much of its sources was read", targets)
	}
}

// BenchmarkSourceFacts is what inference does with a 1 MiB source that
// holds "port" only inside words (export, import), as most code does.
func BenchmarkSourceFacts(b *testing.B) {
	data := []byte(strings.Repeat("import { a } from './a';\nexport const value = compute(input);\n", 1<<20/64))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		factsOf(data)
	}
}

// corpusSources are the contents of every source file of the example and
// the corpus, for tests that hold a fast path equal to the plain one.
func corpusSources() [][]byte {
	var sources [][]byte
	for _, dir := range append([]string{testkit.Example()}, testkit.Corpus()...) {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && slices.Contains(sourceExts, filepath.Ext(p)) {
				data, _ := os.ReadFile(p)
				sources = append(sources, data)
			}
			return nil
		})
	}
	return sources
}
