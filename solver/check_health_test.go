package solver

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/pnpm"
)

// countingFS counts the sources read from it, and their bytes.
type countingFS struct {
	fs.FS
	files, bytes int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil || !slices.Contains(sourceExts, path.Ext(name)) {
		return f, err // directories keep their ReadDir
	}
	c.files++
	return countingFile{f, c}, nil
}

// Stat does not open the file, as a MapFS's does not.
func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

type countingFile struct {
	fs.File
	c *countingFS
}

func (f countingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.c.bytes += n
	return n, err
}

// healthWorkspace is a workspace of an app, packages/zapi, with nApp sources
// of 1 MiB that mention neither "health" nor "live", and its dependency
// packages/alib, with nLib; extra holds more files.
func healthWorkspace(t *testing.T, nApp, nLib int, extra map[string]string) (fsys fstest.MapFS, app *pnpm.Package, closure []*pnpm.Package) {
	t.Helper()
	fsys = testkit.Workspace("packages: ['packages/*']\n",
		testkit.Pkg{Dir: "packages/zapi", Name: "zapi", Deps: []string{"packages/alib"}},
		testkit.Pkg{Dir: "packages/alib", Name: "alib"})
	big := []byte(strings.Repeat("import { a } from './a';\nexport const healthy = compute(input);\n", 1<<20/64))
	for dir, n := range map[string]int{"packages/zapi/src": nApp, "packages/alib/src": nLib} {
		for i := range n {
			fsys[fmt.Sprintf("%s/f%02d.js", dir, i)] = &fstest.MapFile{Data: big}
		}
	}
	for name, data := range extra {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	ws, err := pnpm.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	app = ws.Find("packages/zapi")
	if app == nil {
		t.Fatal("no packages/zapi")
	}
	if closure = ws.Closure(app); len(closure) != 2 {
		t.Fatalf("the closure of packages/zapi is %v, want it and packages/alib", closure)
	}
	return fsys, app, closure
}

// The rule reads at most maxSourceBytes (and the file that reaches it), as
// inference does; when that stops it before it saw every segment, it cannot
// tell and says nothing; under the cap, it still finds what is missing.
func TestHealthRouteCap(t *testing.T) {
	const size = 1 << 20
	capFiles := (maxSourceBytes + size - 1) / size // the file that reaches the cap is read
	for _, c := range []struct {
		what        string
		nApp, nLib  int               // 1 MiB sources of the app and its dependency
		extra       map[string]string // more sources
		missing     string
		known       bool
		files, read int // sources read, and their bytes
	}{
		{what: "over the cap, a segment unseen", nApp: 20, nLib: 20,
			missing: "", known: false, files: capFiles, read: capFiles * size},
		{what: "under the cap, a segment unseen", nApp: 4, nLib: 4,
			missing: "health", known: true, files: 8, read: 8 * size},
		{what: "over the cap, every segment in the app's own files, read before its dependency's", nApp: 2, nLib: 20,
			extra:   map[string]string{"packages/zapi/src/zz.js": "app.get('/health/live', ok)"},
			missing: "", known: true, files: 3, read: 2*size + len("app.get('/health/live', ok)")},
		{what: "over the cap, a segment in a file left unread", nApp: 20, nLib: 20,
			extra:   map[string]string{"packages/alib/src/zz.js": "app.get('/health/live', ok)"},
			missing: "", known: false, files: capFiles, read: capFiles * size},
		{what: "the route in the app's first file: nothing more is read", nApp: 20, nLib: 20,
			extra:   map[string]string{"packages/zapi/src/a.js": "@Controller('health') @Get('live')"},
			missing: "", known: true, files: 1, read: len("@Controller('health') @Get('live')")},
	} {
		fsys, app, closure := healthWorkspace(t, c.nApp, c.nLib, c.extra)
		cfs := &countingFS{FS: fsys}
		missing, known := healthRouteMissing(cfs, app, closure, "/health/live", false)
		if missing != c.missing || known != c.known {
			t.Errorf("%s: missing %q, known %v; want %q, %v", c.what, missing, known, c.missing, c.known)
		}
		if cfs.files != c.files || cfs.bytes != c.read {
			t.Errorf("%s: read %d files, %d bytes; want %d, %d (maxSourceBytes %d)", c.what, cfs.files, cfs.bytes, c.files, c.read, maxSourceBytes)
		}
	}
}

// matchAround says what the regexp says, for mentions and the health
// candidates' whole patterns, on every source of the example and the corpus
// and on texts written to hold the literal in and out of a match.
func TestMatchAroundExact(t *testing.T) {
	texts := corpusSources()
	for _, s := range []string{"", "health", "/health", "health'", "'health", "x health '/health'", "healthz '/healthz'",
		"`/health/live`", "/api/health?x", "'/health/live", "live", "/live", "xlive/live#", "'health'\n", "ahealth/"} {
		texts = append(texts, []byte(s))
	}
	type pat struct {
		re  *regexp.Regexp
		lit string
	}
	var pats []pat
	for i, h := range healthPatterns {
		pats = append(pats, pat{h.whole, healthCandidates[i]})
		for j, s := range h.segs {
			pats = append(pats, pat{h.names[j], s})
		}
	}
	pats = append(pats, pat{mentions("health"), "health"})
	for _, data := range texts {
		for _, p := range pats {
			if got, want := matchAround(p.re, p.lit, data), p.re.Match(data); got != want {
				t.Errorf("%s on %.80q: matchAround %v, regexp %v", p.re, data, got, want)
			}
		}
	}
}
