package solver

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/monokit/monokit/solver/pnpm"
)

// dockerfilePatterns are the context patterns of the Dockerfiles inference
// reads: an existing Dockerfile is the best evidence of what a repository
// deploys.
var dockerfilePatterns = []string{"**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile", "**/*.dockerfile"}

// Bounds on what inference reads of Dockerfiles.
const (
	maxDockerfiles     = 64
	maxDockerfileBytes = 1 << 20
)

// dockerEvidence is what the repository's Dockerfiles say of the packages:
// for each package directory they deploy, where that is said, and the port
// the package's own Dockerfile EXPOSEs first, with where.
type dockerEvidence struct {
	at    map[string]string
	ports map[string]exposed
}

type exposed struct {
	port int
	at   string
}

// isDockerfile matches the names dockerfilePatterns match.
var isDockerfile = regexp.MustCompile(`^(?:Dockerfile(?:\..+)?|.+\.[Dd]ockerfile)$`)

// readDockerEvidence reads the Dockerfiles of the sources (no node_modules)
// with BuildKit's parser. A package is deployed by a Dockerfile in its own
// directory, or by one that copies from a build stage a path under its
// directory (COPY --from=builder /app/apps/web/.next/standalone), or that
// runs pnpm with a --filter naming it.
func readDockerEvidence(sources fs.FS, pkgs []*pnpm.Package) dockerEvidence {
	ev := dockerEvidence{at: map[string]string{}, ports: map[string]exposed{}}
	if sources == nil {
		return ev
	}
	var files []string
	fs.WalkDir(sources, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || len(files) >= maxDockerfiles:
			return fs.SkipDir
		case d.IsDir() && (d.Name() == "node_modules" || name != "." && strings.HasPrefix(d.Name(), ".")):
			return fs.SkipDir
		case !d.IsDir() && isDockerfile.MatchString(d.Name()):
			files = append(files, name)
		}
		return nil
	})
	slices.Sort(files)
	for _, f := range files {
		data, err := readBounded(sources, f, maxDockerfileBytes)
		if err != nil {
			continue
		}
		res, err := parser.Parse(bytes.NewReader(data))
		if err != nil {
			continue
		}
		for _, p := range pkgs {
			if p.Dir == "." {
				continue
			}
			if _, ok := ev.at[p.Dir]; ok {
				continue
			}
			if strings.HasPrefix(f, p.Dir+"/") {
				ev.at[p.Dir] = f
				if port, line := firstExpose(res.AST); port > 0 {
					ev.ports[p.Dir] = exposed{port, fmt.Sprintf("EXPOSE %d, %s:%d", port, f, line)}
				}
				continue
			}
			if line := deploysPackage(res.AST, p); line > 0 {
				ev.at[p.Dir] = fmt.Sprintf("%s:%d", f, line)
			}
		}
	}
	return ev
}

// deploysPackage is the line of the first instruction of a parsed
// Dockerfile that deploys p, or 0.
func deploysPackage(ast *parser.Node, p *pnpm.Package) int {
	under := regexp.MustCompile(`(?:^|/)` + regexp.QuoteMeta(p.Dir) + `(?:/|$)`)
	var filters []string
	if p.Name != "" {
		filters = append(filters, p.Name)
	}
	filters = append(filters, p.Dir, "./"+p.Dir, "{"+p.Dir+"}", "{./"+p.Dir+"}")
	for _, n := range ast.Children {
		var args []string
		for a := n.Next; a != nil; a = a.Next {
			args = append(args, a.Value)
		}
		switch strings.ToLower(n.Value) {
		case "copy", "add":
			if !slices.ContainsFunc(n.Flags, func(f string) bool { return strings.HasPrefix(f, "--from=") }) {
				continue
			}
			if slices.ContainsFunc(args, under.MatchString) {
				return n.StartLine
			}
		case "run":
			for _, w := range strings.Fields(strings.Join(args, " ")) {
				v, ok := strings.CutPrefix(w, "--filter=")
				if !ok {
					continue
				}
				v = strings.Trim(v, `"'`)
				v = strings.TrimSuffix(strings.TrimSuffix(v, "..."), "^...")
				if slices.Contains(filters, v) {
					return n.StartLine
				}
			}
		}
	}
	return 0
}

// firstExpose is the first port of a Dockerfile's first EXPOSE with a
// literal port (3000 or 3000/tcp; not a variable), and its line.
func firstExpose(ast *parser.Node) (int, int) {
	for _, n := range ast.Children {
		if !strings.EqualFold(n.Value, "expose") || n.Next == nil {
			continue
		}
		num, _, _ := strings.Cut(n.Next.Value, "/")
		if port, err := strconv.Atoi(num); err == nil && port > 0 && port < 65536 {
			return port, n.StartLine
		}
	}
	return 0, 0
}

// readBounded reads a file of the sources, refusing one over max bytes.
func readBounded(sources fs.FS, name string, max int64) ([]byte, error) {
	st, err := fs.Stat(sources, name)
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: over %d bytes", name, max)
	}
	return fs.ReadFile(sources, name)
}

// dockerfileNames lists the Dockerfiles the evidence comes from.
func dockerfileNames(ev dockerEvidence) string {
	var out []string
	seen := map[string]bool{}
	for _, dir := range slices.Sorted(maps.Keys(ev.at)) {
		f, _, _ := strings.Cut(ev.at[dir], ":")
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}
