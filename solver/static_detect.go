package solver

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// What makes a package a static site: a start script that serves files, or a
// bundler's build with no server to start.

// staticServers are the static file servers a start script may run, and the
// flags of each that take a value. serve (Vercel's) is the common one:
// `serve -s dist -l 3000`.
var staticServers = map[string]map[string]bool{
	"serve":       {"-l": true, "--listen": true, "-p": true, "--port": true, "-c": true, "--config": true, "--ssl-cert": true, "--ssl-key": true, "--ssl-pass": true},
	"sirv":        {"-p": true, "--port": true, "-H": true, "--host": true, "-m": true, "--maxage": true, "-k": true, "--http2": true, "-C": true, "--cert": true, "--key": true, "--cacert": true, "--pass": true, "--ignores": true},
	"http-server": {"-p": true, "--port": true, "-a": true, "-c": true, "-e": true, "--ext": true, "-P": true, "--proxy": true, "-C": true, "--cert": true, "-K": true, "--key": true, "-t": true},
}

// staticFromWords reads a start command that serves static files: serve,
// sirv or http-server with the directory the build wrote, or vite preview.
// ok is false when words run something else.
func staticFromWords(words []string) (staticSite, bool) {
	for len(words) > 1 && (words[0] == "npx" || (words[0] == "pnpm" && (words[1] == "exec" || words[1] == "dlx"))) {
		if words[0] == "npx" {
			words = words[1:]
		} else {
			words = words[2:]
		}
		for len(words) > 0 && strings.HasPrefix(words[0], "-") {
			words = words[1:]
		}
		// npx serve@14: the package's version is not the command's name.
		if len(words) > 0 {
			if i := strings.LastIndexByte(words[0], '@'); i > 0 {
				words = append([]string{words[0][:i]}, words[1:]...)
			}
		}
	}
	if len(words) == 0 {
		return staticSite{}, false
	}
	if words[0] == "vite" && len(words) > 1 && words[1] == "preview" {
		site := staticSite{root: "dist", spa: true, from: "it runs vite preview"}
		for i := 2; i < len(words); i++ {
			if p, ok := portFlag(words, &i, map[string]bool{"--port": true}); ok {
				site.port = p
			} else if w := words[i]; (w == "--outDir" || w == "--outdir") && i+1 < len(words) {
				site.root = words[i+1]
				i++
			}
		}
		return site, true
	}
	takes, ok := staticServers[words[0]]
	if !ok {
		return staticSite{}, false
	}
	site := staticSite{root: ".", from: "it runs " + words[0]}
	for i := 1; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "-s" || w == "--single":
			site.spa = true
		case words[0] == "http-server" && (w == "-P" || w == "--proxy") && i+1 < len(words) && strings.HasSuffix(words[i+1], "?"):
			site.spa = true // http-server's SPA idiom: -P http://localhost:8080?
			i++
		default:
			if p, ok := portFlag(words, &i, map[string]bool{"-l": true, "--listen": true, "-p": true, "--port": true}); ok {
				site.port = p
			} else if takes[w] {
				i++
			} else if !strings.HasPrefix(w, "-") {
				site.root = w
			}
		}
	}
	return site, true
}

// portFlag reads words[*i] as a port option of names (`-l 3000`, `--port=3000`,
// serve's `-l tcp://0.0.0.0:3000`), advancing *i past its value.
func portFlag(words []string, i *int, names map[string]bool) (int, bool) {
	w := words[*i]
	name, val, eq := strings.Cut(w, "=")
	if !names[name] {
		return 0, false
	}
	if !eq {
		if *i+1 >= len(words) {
			return 0, false
		}
		*i++
		val = words[*i]
	}
	if j := strings.LastIndexByte(val, ':'); j >= 0 {
		val = val[j+1:]
	}
	p, err := strconv.Atoi(val)
	if err != nil || p < 1 || p > 65535 {
		return 0, true
	}
	return p, true
}

// staticBuilds are build CLIs whose output is a static site, the directory
// they write by default, and whether it is a single-page app.
var staticBuilds = []struct {
	re   *regexp.Regexp
	dep  string
	root string
	spa  bool
}{
	{regexp.MustCompile(`(^|[\s;&|(])vite\s+build\b`), "vite", "dist", true},
	{regexp.MustCompile(`(^|[\s;&|(])react-scripts\s+build\b`), "react-scripts", "build", true},
	{regexp.MustCompile(`(^|[\s;&|(])vue-cli-service\s+build\b`), "@vue/cli-service", "dist", true},
	{regexp.MustCompile(`(^|[\s;&|(])ng\s+build\b`), "@angular/cli", "", true},
}

// ssrFrameworks build a server, not (only) a static site, with the bundlers
// above: their apps start through a dependency's bin.
var ssrFrameworks = []string{"@react-router/dev", "@remix-run/dev", "nuxt", "@sveltejs/kit", "astro", "@tanstack/react-start", "@solidjs/start", "vike", "@analogjs/platform"}

// staticBuildSite is a package without a start script whose build script
// runs a bundler that writes a static site: a Vite, Create React App, Vue
// CLI or Angular app with no server.
func staticBuildSite(ws *pnpm.Workspace, p *pnpm.Package) (staticSite, bool) {
	build := p.JSON.Scripts["build"]
	if build == "" {
		return staticSite{}, false
	}
	for _, f := range ssrFrameworks {
		if p.JSON.HasDep(f) {
			return staticSite{}, false
		}
	}
	for _, b := range staticBuilds {
		if !b.re.MatchString(build) || !p.JSON.HasDep(b.dep) {
			continue
		}
		site := staticSite{root: b.root, spa: b.spa, from: fmt.Sprintf("its build script runs %s and no start script starts a server", strings.TrimSpace(b.re.FindString(build)))}
		switch b.dep {
		case "vite":
			if dir := viteOutDir(ws, p); dir != "" {
				site.root = dir
			}
		case "@angular/cli":
			dir, ok := angularOutput(ws, p)
			if !ok {
				return staticSite{}, false
			}
			site.root = dir
		}
		return site, true
	}
	return staticSite{}, false
}

// viteConfigFiles are the names Vite reads its config from.
var viteConfigFiles = []string{"vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs", "vite.config.cts", "vite.config.cjs"}

// outDirLiteral is build.outDir given as a string literal.
var outDirLiteral = regexp.MustCompile(`\boutDir\s*:\s*['"]([^'"\n]+)['"]`)

// viteOutDir is build.outDir from the app's vite.config when it is a plain
// string, "" otherwise (Vite's default, dist).
func viteOutDir(ws *pnpm.Workspace, p *pnpm.Package) string {
	for _, f := range viteConfigFiles {
		data, err := ws.ReadFile(path.Join(p.Dir, f))
		if err != nil {
			continue
		}
		if m := outDirLiteral.FindSubmatch(data); m != nil {
			return string(m[1])
		}
		return ""
	}
	return ""
}

// angularOutput is where `ng build` writes the browser files of the
// workspace's first application: outputPath (a string, or {base, browser})
// of its build target, with the application builder's browser/ below it.
func angularOutput(ws *pnpm.Workspace, p *pnpm.Package) (string, bool) {
	data, err := ws.ReadFile(path.Join(p.Dir, "angular.json"))
	if err != nil {
		return "", false
	}
	var cfg struct {
		Projects map[string]struct {
			ProjectType string `json:"projectType"`
			Architect   struct {
				Build struct {
					Builder string `json:"builder"`
					Options struct {
						OutputPath json.RawMessage `json:"outputPath"`
					} `json:"options"`
				} `json:"build"`
			} `json:"architect"`
		} `json:"projects"`
	}
	if json.Unmarshal(data, &cfg) != nil {
		return "", false
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Projects)) {
		pr := cfg.Projects[name]
		if pr.ProjectType != "application" {
			continue
		}
		b := pr.Architect.Build
		application := strings.HasSuffix(b.Builder, ":application")
		base, browser := "dist/"+name, "browser"
		var s string
		var o struct{ Base, Browser string }
		switch {
		case json.Unmarshal(b.Options.OutputPath, &s) == nil && s != "":
			base = s
		case json.Unmarshal(b.Options.OutputPath, &o) == nil && o.Base != "":
			base = o.Base
			if o.Browser != "" {
				browser = o.Browser
			}
		}
		if application {
			return path.Join(base, browser), true
		}
		return base, true
	}
	return "", false
}

// staticApp says whether p is a static app, and what its site is: its start
// script runs a static server, or it has no start script that runs (none, or
// a development server) and its build runs a bundler that writes a site (and
// it is no library: no main, exports or bin).
func staticApp(ws *pnpm.Workspace, p *pnpm.Package) (staticSite, bool) {
	sc, examined := inferStart(p.JSON)
	if examined == nil && sc.site != nil {
		return *sc.site, true
	}
	// A start that runs (a server) makes it no static site; one that
	// cannot (react-scripts start, a development server) does not count.
	if examined == nil {
		return staticSite{}, false
	}
	if p.JSON.Main != "" || len(p.JSON.Exports) > 0 || len(p.JSON.BinFiles()) > 0 {
		return staticSite{}, false
	}
	return staticBuildSite(ws, p)
}
