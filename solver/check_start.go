package solver

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// startNotShipped finds a start file outside what the app's image holds: its
// collected files (package.json "files"), else its build outputs. An app
// without a build ships its sources, which the frontend does not see; a
// Next.js app starts its own server.js. main is the app's package.json main,
// through which node resolves a start of "." (else index.js).
func startNotShipped(t *manifest.Target, pl *plan.Plan, main string) (Finding, bool) {
	app := pl.Stage("app:" + pl.Package)
	if app == nil || pl.Preset == manifest.PresetNext || pl.Preset == manifest.PresetStatic {
		return Finding{}, false
	}
	var shipped []string
	for _, c := range app.Collect {
		shipped = append(shipped, c.Dest)
	}
	if len(shipped) == 0 {
		for _, o := range app.Outputs {
			rel, ok := strings.CutPrefix(o, pl.Dir+"/")
			if pl.Dir == "." {
				rel, ok = o, true
			}
			if ok {
				shipped = append(shipped, rel)
			}
		}
	}
	file := startFile(pl.Image.Cmd)
	if len(shipped) == 0 || file == "" || file == "package.json" || strings.HasPrefix(file, "node_modules/") {
		return Finding{}, false
	}
	file = path.Clean(file)
	if file == "." {
		file = "index.js"
		if main != "" {
			file = path.Clean(main)
		}
	}
	if slices.ContainsFunc(shipped, func(s string) bool { return file == s || strings.HasPrefix(file, s+"/") }) {
		return Finding{}, false
	}
	pos := t.Pos
	if len(t.Start) > 0 {
		pos = t.Start[0].Pos
	}
	return Finding{RuleStartNotShipped, pos, fmt.Sprintf("the image starts %s, but ships only %s of %s (and package.json); declare where the build writes it as outputs, or start: a file the build writes", file, strings.Join(shipped, ", "), pl.Dir)}, true
}

// startFile is the script node runs: its first argument that is neither an
// option nor an option's value.
func startFile(args []string) string {
	_, script := nodeArgv(args)
	return script
}

// nodeValueOptions are node's options that take their value as the next
// argument when it is not given with "=".
var nodeValueOptions = map[string]bool{"-r": true, "--require": true, "--import": true, "--loader": true, "--experimental-loader": true,
	"-C": true, "--conditions": true, "--env-file": true, "--env-file-if-exists": true, "--title": true}

// nodeOption is one of node's options before the script, with its value
// ("" for a flag).
type nodeOption struct{ name, value string }

// nodeArgv reads node's arguments as node does: the options before the
// script, each with its value (after "=", or the next argument for
// nodeValueOptions), then the script, whose own arguments follow; script is
// "" when there is none.
func nodeArgv(args []string) (opts []nodeOption, script string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return opts, a
		}
		name, value, inline := strings.Cut(a, "=")
		if !inline && nodeValueOptions[name] {
			if i+1 >= len(args) {
				break
			}
			i++
			value = args[i]
		}
		opts = append(opts, nodeOption{name, value})
	}
	return opts, ""
}
