package solver

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax" // parses start scripts as the shell would: quotes, assignments, && chains

	"github.com/monokit/monokit/solver/pnpm"
)

// startCommand is how the runtime starts the app: node's arguments, and
// environment a wrapper (cross-env, VAR=value) set.
type startCommand struct {
	args []string
	env  []string
	from string // what it was inferred from, for the plan
	// sources: it runs TypeScript sources (tsx), which the image must
	// hold whatever the app's build writes.
	sources bool
	// site: it serves the files its build wrote with a static server
	// (serve -s dist), which monokit-serve replaces.
	site *staticSite
	// bin: it runs a dependency's bin (react-router-serve) with args; the
	// workspace stage links the bin's file at BinDir.
	bin string
}

// startScripts are the package.json scripts that may say how the app starts,
// in the order tried: the production one first.
var startScripts = []string{"start:prod", "start:production", "start"}

// inferStart reads how a package starts from its scripts, else its main. The
// runtime has node and no shell, so a script must come down to one node
// command: wrappers that only set environment (cross-env, dotenv-cli, VAR=x)
// are unwrapped, `nest start` is NestJS's dist/main.js, and `npm run x` or
// `pnpm x` follow script x. When nothing fits, the error lists every candidate
// and why it did not.
func inferStart(pj *pnpm.PackageJSON) (startCommand, []string) {
	var examined []string
	for _, name := range startScripts {
		script, ok := pj.Scripts[name]
		if !ok {
			continue
		}
		sc, why := startFromScript(pj, script, 0)
		if why == "" {
			sc.from = fmt.Sprintf("scripts[%q] in %s", name, pj.File)
			return sc, nil
		}
		examined = append(examined, fmt.Sprintf("scripts[%q] %q %s", name, script, why))
	}
	if pj.Main != "" {
		return startCommand{args: []string{path.Clean(pj.Main)}, from: "main in " + pj.File}, nil
	}
	if len(examined) == 0 {
		if sc, ok := frameworkStart(pj); ok {
			sc.from += ", as " + pj.File + " has no start script"
			return sc, nil
		}
	}
	examined = append(examined, "no main field")
	return startCommand{}, examined
}

// startFromScript reduces one script to a node command, or says why it cannot.
func startFromScript(pj *pnpm.PackageJSON, script string, depth int) (startCommand, string) {
	if depth > 4 {
		return startCommand{}, "runs scripts that run each other too deep"
	}
	f, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	if err != nil {
		return startCommand{}, "is not a shell command monokit can read"
	}
	if len(f.Stmts) != 1 {
		return startCommand{}, "runs more than one command, and the image has no shell to run them"
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Background || st.Negated || len(st.Redirs) > 0 {
		return startCommand{}, "runs more than one command or a redirection, and the image has no shell to run them"
	}
	var sc startCommand
	for _, a := range call.Assigns {
		v, ok := literal(a.Value)
		if !ok || a.Name == nil {
			return startCommand{}, "sets environment from the shell"
		}
		sc.env = append(sc.env, a.Name.Value+"="+v)
	}
	var words []string
	for _, w := range call.Args {
		s, ok := literal(w)
		if !ok {
			return startCommand{}, fmt.Sprintf("expands %q, and the image has no shell to expand it", wordText(w))
		}
		words = append(words, s)
	}
	if len(words) == 0 {
		return startCommand{}, "runs nothing"
	}
	inner, why := startFromWords(pj, words, depth)
	if why != "" {
		return startCommand{}, why
	}
	inner.env = append(sc.env, inner.env...)
	return inner, ""
}

func startFromWords(pj *pnpm.PackageJSON, words []string, depth int) (startCommand, string) {
	var env []string
	for {
		switch words[0] {
		case "cross-env", "cross-env-shell":
			words = words[1:]
			for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
				env = append(env, words[0])
				words = words[1:]
			}
		case "dotenv", "dotenv-cli", "env-cmd":
			// Their files are not in the image; the runtime sets the
			// environment. What follows "--" runs; without it, the command
			// each CLI finds itself.
			if i := slices.Index(words, "--"); i >= 0 {
				words = words[i+1:]
			} else if words[0] == "env-cmd" {
				words = envCmdCommand(words[1:])
			} else {
				words = minimistPositionals(words[1:])
			}
		default:
			goto unwrapped
		}
		if len(words) == 0 {
			return startCommand{}, "wraps no command"
		}
	}
unwrapped:
	if site, ok := staticFromWords(words); ok {
		return startCommand{env: env, site: &site}, ""
	}
	cmd := words[0]
	switch {
	case cmd == "node" || strings.HasSuffix(cmd, "/node"):
		args, why := nodeArgs(words[1:])
		return startCommand{args: args, env: env}, why
	case cmd == "tsx":
		return tsxStart(pj, words[1:], env)
	case cmd == "nest" && len(words) >= 2 && words[1] == "start":
		return startCommand{args: []string{"dist/main.js"}, env: env}, ""
	case (cmd == "npm" || cmd == "pnpm" || cmd == "yarn") && len(words) >= 2:
		name := words[1]
		if name == "run" || name == "run-script" {
			if len(words) < 3 {
				return startCommand{}, "runs no script"
			}
			name = words[2]
		}
		script, ok := pj.Scripts[name]
		if !ok {
			return startCommand{}, fmt.Sprintf("runs script %q, which package.json does not have", name)
		}
		sc, why := startFromScript(pj, script, depth+1)
		sc.env = append(env, sc.env...)
		return sc, why
	}
	return dependencyBin(pj, words, env)
}

// tsxStart runs `tsx [node flags] file` as node with tsx's loader
// (`node --import tsx`, tsx 4 on Node.js 20.6 and later), which the
// production tree holds when tsx is one of the app's dependencies. tsx
// caches what it compiles in the temporary directory, which a read-only
// root lacks: TSX_DISABLE_CACHE keeps it in memory.
func tsxStart(pj *pnpm.PackageJSON, words, env []string) (startCommand, string) {
	if len(words) > 0 && words[0] == "watch" {
		return startCommand{}, "runs tsx watch, a development server"
	}
	if _, ok := pj.Dependencies["tsx"]; !ok {
		return startCommand{}, "runs tsx, which is not among its dependencies, so the production tree lacks it: move tsx to dependencies, or build to JavaScript and start with node"
	}
	args, why := nodeArgs(words)
	if why != "" {
		return startCommand{}, why
	}
	return startCommand{args: append([]string{"--import", "tsx"}, args...), env: append(env, "TSX_DISABLE_CACHE=1"), sources: true}, ""
}

// minimistPositionals are the words dotenv-cli runs when no "--" separates
// them: it parses its arguments with minimist, where an option without "="
// takes the next word as its value unless that word starts with "-", and
// options may follow the command (node's own flags then go to dotenv-cli).
func minimistPositionals(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case !strings.HasPrefix(w, "-") || w == "-":
			out = append(out, w)
		case strings.Contains(w, "="):
		case i+1 < len(words) && !strings.HasPrefix(words[i+1], "-"):
			i++
		}
	}
	return out
}

// envCmdCommand is the command env-cmd runs: the first word that is
// neither one of its options nor an option's value, and every word after it.
func envCmdCommand(words []string) []string {
	takesValue := map[string]bool{"-f": true, "--file": true, "-r": true, "--rc-file": true, "-e": true, "--environments": true}
	for i := 0; i < len(words); i++ {
		switch w := words[i]; {
		case takesValue[w]:
			i++
		case strings.HasPrefix(w, "-"):
		default:
			return words[i:]
		}
	}
	return nil
}

// nodeArgs keeps node's arguments but the flags that read files the image
// does not have (--env-file; --watch is for development).
func nodeArgs(args []string) ([]string, string) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "--env-file=") || strings.HasPrefix(a, "--env-file-if-exists="):
		case a == "--env-file" || a == "--env-file-if-exists":
			i++
		case a == "--watch" || strings.HasPrefix(a, "--watch-path"):
			return nil, "runs node --watch, a development server"
		default:
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, "runs node without a script"
	}
	return out, ""
}

// literal is a word's value when it is plain text, quoted or not.
func literal(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	for _, p := range w.Parts {
		switch x := p.(type) {
		case *syntax.Lit:
			b.WriteString(x.Value)
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				b.WriteString(l.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

func wordText(w *syntax.Word) string {
	var b strings.Builder
	syntax.NewPrinter().Print(&b, w)
	return b.String()
}
