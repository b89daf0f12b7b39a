package solver

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

// InferredName is the name errors and --call targets give a manifest monokit
// inferred: no file of that name exists.
const InferredName = "monokit.yaml (inferred)"

// healthCandidates are the health paths inference looks for, the most
// specific first: a path that needs two names found together wins over one
// that needs only the first.
var healthCandidates = []string{"/health/live", "/api/health", "/healthz", "/health"}

// InferredTarget is a target monokit infers from a workspace, with the reason
// for each value.
type InferredTarget struct {
	Name     string
	Package  *pnpm.Package
	Why      string
	Preset   string
	Port     int
	PortWhy  string
	Health   string
	HealthOK string // why the health path is believed served
}

// InferSources are the context patterns inference reads: the sources of
// every package that could be an app, and of the workspace packages each
// depends on (a port or a health route may live there).
func InferSources(ws *pnpm.Workspace) []string {
	return append(closureSources(ws, appCandidates(ws)), dockerfilePatterns...)
}

// appCandidates are the workspace packages nothing else in the workspace
// depends on (the root aside, unless it is the only one). A devDependency
// does not count: a frontend that lists its backend for the types, or an
// e2e package that lists the app it tests, does not make it a library.
func appCandidates(ws *pnpm.Workspace) []*pnpm.Package {
	used := map[*pnpm.Package]bool{}
	for _, p := range ws.All() {
		for _, e := range p.Deps {
			if e.Kind != "devDependencies" {
				used[e.To] = true
			}
		}
	}
	var out []*pnpm.Package
	for _, p := range ws.Packages {
		if !used[p] && p.Dir != "." {
			out = append(out, p)
		}
	}
	if len(ws.Packages) == 0 {
		out = append(out, ws.Root)
	}
	return out
}

// Infer finds a workspace's targets: each package nothing in the workspace
// depends on that is a Next.js app, or has a start script, a bin or a main.
// sources holds the files InferSources names; ports and health paths come
// from them.
//
// skipped says, for each candidate that is not a target, why: a mobile or
// desktop app, a start on Bun or Deno, a CLI or library (a bin or a main,
// no start script, no port in its sources).
func Infer(ws *pnpm.Workspace, sources fs.FS) (out []InferredTarget, skipped map[string]string) {
	skipped = map[string]string{}
	taken := map[string]bool{}
	candidates := appCandidates(ws)
	for _, p := range candidates {
		j := p.JSON
		t := InferredTarget{Package: p, Preset: manifest.PresetNode}
		start := ""
		for _, s := range startScripts {
			if j.Scripts[s] != "" {
				start = s
				break
			}
		}
		if f := notServer(j); f != "" {
			skipped[p.Dir] = fmt.Sprintf("it depends on %s: a mobile or desktop app", f)
			continue
		}
		next := nextAppReason(ws, p)
		if start != "" {
			sc, why := startFromScript(j, j.Scripts[start], 0)
			if otherRuntime.MatchString(why) {
				skipped[p.Dir] = fmt.Sprintf("scripts[%q] %s", start, why)
				continue
			}
			if _, known := serverBins[sc.bin]; sc.bin != "" && !known && next == "" {
				skipped[p.Dir] = fmt.Sprintf("scripts[%q] runs %s, a dependency's bin that monokit does not know as a server", start, sc.bin)
				continue
			}
		}
		site, static := staticApp(ws, p)
		fw, framework := frameworkStart(j)
		switch {
		case next != "":
			t.Preset, t.Why = manifest.PresetNext, "it is a Next.js app ("+next+")"
		case static:
			t.Preset, t.Why = manifest.PresetStatic, "it is a static site ("+site.from+")"
		case start != "":
			t.Why = fmt.Sprintf("it has scripts[%q]", start)
		case framework:
			t.Why = "it is a server framework's app: it starts with " + fw.from
		case len(j.BinFiles()) > 0:
			t.Why = "it has a bin"
		case j.Main != "":
			t.Why = fmt.Sprintf("it has main (%s)", j.Main)
		default:
			skipped[p.Dir] = "no start script, bin or main, and not a Next.js app"
			continue
		}
		t.Why = fmt.Sprintf("%s: nothing in the workspace depends on it, and %s", displayDir(p), t.Why)
		t.Name = targetName(p, taken)
		if static {
			t.Port, t.PortWhy = staticPort(site)
			if site.spa {
				t.Health, t.HealthOK = "/", "a single-page app: monokit-serve answers index.html"
			}
			out = append(out, t)
			continue
		}
		files := sourceFiles(sources, ws.Closure(p))
		// The app's own files first: a port there wins over a
		// workspace dependency's.
		var own, deps []string
		for _, f := range files {
			if p.Dir == "." || strings.HasPrefix(f, p.Dir+"/") {
				own = append(own, f)
			} else {
				deps = append(deps, f)
			}
		}
		var facts map[string]sourceFacts // Next.js: routes are files, the port is the start's
		read := len(files)
		if t.Preset != manifest.PresetNext {
			facts, read = scanSources(sources, append(own, deps...))
		}
		if read < len(files) {
			t.Why += fmt.Sprintf(" (monokit read %d of its %d sources, %d MiB, the most it reads: a port or a health route in the others is not seen)", read, len(files), maxSourceBytes>>20)
		}
		t.Port, t.PortWhy = inferPort(facts, own, j.Scripts[start], t.Preset)
		if t.Port == 0 && next == "" && start == "" && !framework {
			// A bin or a main alone is a CLI or a library, unless its
			// own sources listen on a port.
			skipped[p.Dir] = "a CLI or a library: a bin or a main, no start script, and no port in its sources"
			continue
		}
		if t.Port == 0 {
			t.Port, t.PortWhy = inferPort(facts, deps, "", t.Preset)
		}
		if t.Port == 0 {
			t.Port, t.PortWhy = serverPort(j)
		}
		t.Health, t.HealthOK = inferHealth(facts, files, t.Preset)
		out = append(out, t)
	}
	// When the repository's Dockerfiles deploy some of the targets, the
	// others are apps it deploys elsewhere (a Next.js site on a host of
	// its own) or not at all.
	ev := readDockerEvidence(sources, candidates)
	if len(ev.at) == 0 {
		return out, skipped
	}
	kept := out[:0]
	for _, t := range out {
		if at, ok := ev.at[t.Package.Dir]; ok {
			t.Why += ", and a Dockerfile deploys it (" + at + ")"
			if e, ok := ev.ports[t.Package.Dir]; ok && t.Preset == manifest.PresetNode {
				// What its own Dockerfile exposes beats a guess from
				// its sources.
				t.Port, t.PortWhy = e.port, e.at
			}
			kept = append(kept, t)
			continue
		}
		skipped[t.Package.Dir] = "the repository's Dockerfiles (" + dockerfileNames(ev) + ") deploy other packages, not this one"
	}
	return kept, skipped
}

// otherRuntime matches why a start is not node's when it runs Bun or Deno:
// such an app is not a Node.js image, whatever its main says.
var otherRuntime = regexp.MustCompile(`^runs (?:bun|bunx|deno), not node$`)

// clientFrameworks are dependencies of apps that run on phones and desktops,
// never in a server image.
var clientFrameworks = []string{"react-native", "expo", "electron", "@tauri-apps/api", "@tauri-apps/cli", "@capacitor/core"}

// notServer names the mobile or desktop framework p is built on, if any.
func notServer(j *pnpm.PackageJSON) string {
	for _, f := range clientFrameworks {
		if j.HasDep(f) {
			return f
		}
	}
	return ""
}

func displayDir(p *pnpm.Package) string {
	if p.Dir == "." {
		return "the root package"
	}
	return p.Dir
}

// notTargetName matches what a target name cannot hold.
var notTargetName = regexp.MustCompile(`[^a-z0-9_.-]+`)

// targetName is the package directory's last element, or the unscoped name
// when that is taken, as a target name: lowercase letters, digits, '-', '_'
// and '.'.
func targetName(p *pnpm.Package, taken map[string]bool) string {
	clean := func(s string) string {
		// A target name starts with a letter or a digit (manifest's grammar).
		return strings.TrimRight(strings.TrimLeft(notTargetName.ReplaceAllString(strings.ToLower(s), "-"), "-._"), "-.")
	}
	var tries []string
	if p.Dir != "." {
		tries = append(tries, clean(path.Base(p.Dir)))
	}
	if p.Name != "" {
		tries = append(tries, clean(p.Name[strings.LastIndex(p.Name, "/")+1:]), clean(p.Name))
	}
	tries = append(tries, clean(strings.ReplaceAll(p.Dir, "/", "-")), "app")
	for _, n := range tries {
		if n != "" && !taken[n] {
			taken[n] = true
			return n
		}
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("app-%d", i); !taken[n] {
			taken[n] = true
			return n
		}
	}
}

// The port patterns, strongest first: PORT's default, a number passed to
// listen, a port property.
// A gate is a cheap test of what every match holds: without a literal
// prefix, a pattern costs the regexp engine about 0.1 s a MiB.
var portPatterns = []struct {
	re   *regexp.Regexp
	why  string
	gate func([]byte) bool
}{
	{regexp.MustCompile(`process\.env\.PORT\s*(?:\|\||\?\?)\s*["'` + "`" + `]?(\d{2,5})\b`), "the default of process.env.PORT", nil},
	{regexp.MustCompile(`\.listen\(\s*(\d{2,5})\b`), "the port passed to listen", nil},
	{regexp.MustCompile(`\bport\s*:\s*(\d{2,5})\b`), "a port property", wordPort},
	{regexp.MustCompile(`(?i)\b(?:const|let|var)\s+port\b[^=\n]*=\s*(\d{2,5})\b`), "a port variable", spacePort},
}

var nextPortFlag = regexp.MustCompile(`\bnext\s+start\b.*?(?:-p|--port)[\s=]+(\d{2,5})\b`)

// inferPort reads the port the app listens on from its own sources (a Next.js
// app: its start script's -p, else Next.js's default).
func inferPort(facts map[string]sourceFacts, files []string, startScript, preset string) (int, string) {
	if preset == manifest.PresetNext {
		if m := nextPortFlag.FindStringSubmatch(startScript); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n > 0 && n < 65536 {
				return n, fmt.Sprintf("the start script runs %q", strings.TrimSpace(m[0]))
			}
		}
		return 3000, "Next.js's default port"
	}
	for i, p := range portPatterns {
		for _, f := range files {
			if h := facts[f].ports[i]; h.port > 0 {
				return h.port, fmt.Sprintf("%s, %s:%d", p.why, f, h.line)
			}
		}
	}
	return 0, ""
}

// inferHealth picks the first health candidate the sources serve: for
// Next.js, a route file; otherwise the whole path as a string, or each of its
// names, as a string or a path element, in one file (NestJS's
// @Controller('health') with @Get('live')).
func inferHealth(facts map[string]sourceFacts, files []string, preset string) (string, string) {
	for i, c := range healthCandidates {
		segs := strings.Split(strings.TrimPrefix(c, "/"), "/")
		if preset == manifest.PresetNext {
			for _, f := range files {
				if nextRouteServes(f, segs) {
					return c, "the route file " + f
				}
			}
			continue
		}
		for _, f := range files {
			if fileRouteServes(f, segs) {
				return c, "the route file " + f
			}
		}
		for _, f := range files {
			if facts[f].whole&(1<<i) != 0 {
				return c, fmt.Sprintf("%s names %q", f, c)
			}
			if facts[f].names&(1<<i) != 0 {
				return c, fmt.Sprintf("%s names %s", f, strings.Join(quoteAll(segs), " and "))
			}
		}
	}
	return "", ""
}
