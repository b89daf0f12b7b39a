package solver

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/pnpm"
)

// BinDir is where the workspace stage links the files of the dependency bins
// a start runs, relative to the app in the image: node runs the file, since
// node_modules/.bin holds shell shims and the runtime has no shell.
const BinDir = "node_modules/.monokit/bin"

// serverBins are dependencies' bins known to start a production server, and
// the package that provides each. Inference takes a start through these;
// a manifest's target may start through any bin of a dependency.
var serverBins = map[string]string{
	"react-router-serve": "@react-router/serve",
	"remix-serve":        "@remix-run/serve",
	"fastify":            "fastify-cli",
	"pm2-runtime":        "pm2",
}

// notDependencyBin are commands that are not Node.js packages' bins: other
// runtimes and shells.
var notDependencyBin = []string{"bun", "bunx", "deno", "sh", "bash", "python", "python3", "ruby", "java", "go", "php", "docker", "exec"}

// devCommands are development servers and tools, never an image's start.
var devCommands = []string{"nodemon", "ts-node-dev", "vite", "webpack", "webpack-dev-server", "parcel", "concurrently", "turbo", "nx", "storybook", "start-storybook", "tsc", "ts-node"}

// devStarts are bundlers' commands that start a development server under
// another name than dev.
var devStarts = map[string]string{"react-scripts": "start", "vue-cli-service": "serve", "ng": "serve", "gatsby": "develop"}

// binName is what a bin's name can be: an npm package name's last part.
var binName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// dependencyBin reads words as a start through one of the app's
// dependencies' bins, or says why it is not one.
func dependencyBin(pj *pnpm.PackageJSON, words, env []string) (startCommand, string) {
	cmd := words[0]
	switch {
	case slices.Contains(notDependencyBin, cmd) || !binName.MatchString(cmd):
		return startCommand{}, "runs " + cmd + ", not node"
	case slices.Contains(devCommands, cmd):
		return startCommand{}, "runs " + cmd + ", a development tool, not a server"
	case len(words) > 1 && (words[1] == "dev" || words[1] == "watch" || words[1] == "develop" || devStarts[cmd] == words[1]):
		return startCommand{}, "runs " + cmd + " " + words[1] + ", a development server"
	case len(pj.Dependencies)+len(pj.OptionalDependencies) == 0:
		return startCommand{}, "runs " + cmd + ", and the app has no dependencies to provide it"
	}
	return startCommand{bin: cmd, args: words[1:], env: env}, ""
}

// frameworkStart is how a server framework's app starts when its
// package.json has no start script: the file its build writes, which node
// runs. Nitro (Nuxt, and the Nitro preset of other frameworks) writes a
// self-contained .output; SvelteKit's adapter-node writes build/; Astro's
// node adapter dist/server/entry.mjs.
func frameworkStart(pj *pnpm.PackageJSON) (startCommand, bool) {
	build := pj.Scripts["build"]
	switch {
	case pj.HasDep("nuxt") && nuxtBuild.MatchString(build),
		(pj.HasDep("nitropack") || pj.HasDep("nitro")) && nitroBuild.MatchString(build),
		// Nitro as a Vite plugin: TanStack Start, Nitro 3's nitro/vite.
		slices.ContainsFunc(nitroVitePlugins, pj.HasDep) && viteBuild.MatchString(build):
		return startCommand{args: []string{nitroEntry}, from: "Nitro's build output (" + nitroEntry + ")"}, true
	case pj.HasDep("@sveltejs/adapter-node"):
		return startCommand{args: []string{"build"}, from: "SvelteKit's adapter-node build output (build/index.js)"}, true
	case pj.HasDep("@astrojs/node"):
		// Its standalone server listens on localhost unless HOST says.
		return startCommand{args: []string{"dist/server/entry.mjs"}, env: []string{"HOST=0.0.0.0"}, from: "Astro's node adapter build output (dist/server/entry.mjs)"}, true
	}
	return startCommand{}, false
}

var (
	nuxtBuild  = regexp.MustCompile(`\bnux[ti]\s+build\b`)
	nitroBuild = regexp.MustCompile(`\bnitro(?:pack)?\s+build\b`)
	viteBuild  = regexp.MustCompile(`\bvite\s+build\b`)
)

// nitroVitePlugins are the packages through which a Vite build writes
// Nitro's .output.
var nitroVitePlugins = []string{"nitro", "@tanstack/nitro-v2-vite-plugin"}

// nitroEntry is the server Nitro builds, with every module it loads traced
// into .output/server/node_modules: the app needs no production tree.
const nitroEntry = ".output/server/index.mjs"

// nodeArgs are node's arguments: a bin's linked file before its arguments.
func (sc startCommand) nodeArgs() []string {
	if sc.bin != "" {
		return append([]string{path.Join(BinDir, sc.bin)}, sc.args...)
	}
	return sc.args
}

// nitro reports whether the start runs Nitro's output.
func (sc startCommand) nitro() bool {
	return sc.bin == "" && path.Clean(startFile(sc.args)) == nitroEntry
}

// startOutput is the directory a start reads that the build writes: the
// top directory of its script (`node build`, `react-router-serve
// ./build/server/index.js`, `node .output/server/index.mjs`), or "" when the
// script is a file at the package's top.
func startOutput(sc startCommand) string {
	f := startFile(sc.args)
	if sc.bin != "" {
		f = ""
		for _, a := range sc.args {
			if !strings.HasPrefix(a, "-") && (strings.Contains(a, "/") || jsFile.MatchString(a)) {
				f = a
				break
			}
		}
	}
	f = path.Clean(f)
	if f == "." || strings.HasPrefix(f, "..") || path.IsAbs(f) {
		return ""
	}
	top, rest, nested := strings.Cut(f, "/")
	if !nested && jsFile.MatchString(top) {
		return ""
	}
	if top == "node_modules" || (!nested && rest == "" && !binName.MatchString(top)) {
		return ""
	}
	return top
}

var jsFile = regexp.MustCompile(`\.[cm]?[jt]s$`)

// serverPort is the port a server framework or a server bin listens on when
// PORT is not set, and why; 0 when the app starts otherwise.
func serverPort(pj *pnpm.PackageJSON) (int, string) {
	sc, examined := inferStart(pj)
	switch {
	case examined != nil:
		return 0, ""
	case sc.bin != "" && serverBins[sc.bin] != "" && sc.bin != "pm2-runtime":
		return 3000, sc.bin + "'s default port"
	case sc.bin != "":
		return 0, ""
	case strings.HasPrefix(path.Clean(startFile(sc.args)), "dist/server/entry"):
		return 4321, "the Astro node adapter's default port"
	case sc.nitro() || path.Clean(startFile(sc.args)) == "build":
		return 3000, "the framework server's default port (PORT)"
	}
	return 0, ""
}
