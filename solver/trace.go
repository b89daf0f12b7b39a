package solver

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// PruneArg is the build argument that sets every target's prune: (deploy
// or trace), to try a traced image without editing the manifest.
const PruneArg = "MONOKIT_PRUNE"

// pruneMode is how the target's production tree is cut: the build
// argument's, else the target's prune:, else deploy.
func pruneMode(t *manifest.Target, args map[string]string) (string, error) {
	if v, ok := args[PruneArg]; ok && v != "" {
		if v != manifest.PruneDeploy && v != manifest.PruneTrace {
			return "", fmt.Errorf("--build-arg %s=%q: want deploy or trace", PruneArg, diag.Clip(v))
		}
		return v, nil
	}
	if t.Prune.Value == "" {
		return manifest.PruneDeploy, nil
	}
	return t.Prune.Value, nil
}

// traces reports whether the target ships a traced tree of its own, and
// notes why not when it asked for one that is not monokit's to cut.
func (b *builder) traces(mode string) bool {
	if mode != manifest.PruneTrace {
		return false
	}
	switch {
	case b.plan.Preset == manifest.PresetNext:
		b.plan.Notes = append(b.plan.Notes, "prune: trace: Next.js's standalone output is traced already, by next build with the same tracer; the image ships it as it is")
	case b.plan.Preset == manifest.PresetStatic:
		b.plan.Notes = append(b.plan.Notes, "prune: trace: a static site has no production tree to trace")
	case b.startsNitro():
		b.plan.Notes = append(b.plan.Notes, "prune: trace: Nitro's .output is traced already, by its build; the image ships it as it is")
	default:
		return true
	}
	return false
}

// tsSource is a TypeScript file name.
var tsSource = regexp.MustCompile(`\.[cm]?tsx?$`)

// trace adds the stage that cuts the production tree down to what the app
// loads, and returns the runtime's copies of its result. layers are the
// runtime's untraced copies: the trace stage holds them (so stages that
// mount a layer by name see the untraced tree) and mounts them merged. The app's own layer is shipped whole,
// as before; the dependencies and workspace layers come from the trace, in
// the same order, with the shared libraries the native stage found.
func (b *builder) trace(layers []plan.Copy) ([]plan.Copy, error) {
	sc, err := b.start()
	if err != nil {
		return nil, err
	}
	entries, modules, files := traceEntries(sc.nodeArgs())
	// The app starts from TypeScript sources (tsx, or a .ts entry).
	typescript := sc.sources || slices.ContainsFunc(entries, tsSource.MatchString)
	if sc.bin != "" {
		// The bin's link is the entry: node follows it to the file.
		entries = append([]string{path.Join(BinDir, sc.bin)}, entries[1:]...)
	}
	in := helpers.TraceInput{
		Root:      path.Join(plan.TraceTree, plan.AppRoot),
		Workspace: path.Join(plan.TraceLayers, plan.LayerWorkspace, plan.AppRoot),
		App:       path.Join(plan.TraceLayers, plan.LayerApp, plan.AppRoot),
		Out:       plan.TraceMount,
		NFT:       helpers.NFT,
		Entries:   entries,
		Modules:   modules,
		Files:     files,
	}
	tracer := "@vercel/nft " + helpers.NFTVersion
	if typescript {
		in.TypeScript, in.Esbuild = true, helpers.Esbuild
		tracer += ", TypeScript stripped by esbuild " + helpers.EsbuildVersion
	}
	b.plan.Trace = &plan.Trace{Tracer: tracer, Entries: entries, Modules: modules, Files: files}
	for _, g := range b.t.Include {
		tg, err := traceGlob(g.Value)
		if err != nil {
			return nil, diag.Errorf(g.Pos, "target %q: include: %v", b.t.Name, err)
		}
		in.Include = append(in.Include, tg)
		b.plan.Trace.Include = append(b.plan.Trace.Include, tg.Glob)
	}
	names := layerNames(layers)
	hasWorkspace := slices.Contains(names, plan.LayerWorkspace)
	if !hasWorkspace {
		in.Workspace = "" // no file is a workspace package's
	}
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	s := plan.Stage{ID: "trace", Kind: plan.KindTrace, Platform: plan.OnBuild, PerTarget: true,
		Needs:   append([]string{"tracer"}, copySources(layers)...),
		Copies:  layers,
		Workdir: path.Join(plan.TraceTree, plan.AppRoot),
		Mounts: []plan.Mount{
			{Layers: names, Target: plan.TraceTree},
			{Layer: plan.LayerWorkspace, Target: path.Join(plan.TraceLayers, plan.LayerWorkspace)},
			{Layer: plan.LayerApp, Target: path.Join(plan.TraceLayers, plan.LayerApp)},
			{Target: plan.TraceMount, Keep: plan.KeepResult},
		},
		Files:   []plan.File{{Path: helpers.TraceData, Data: string(data)}},
		Helpers: []string{helpers.TraceScript},
		Run:     []string{"node " + helpers.TraceScript + " " + helpers.TraceData},
		Outputs: []string{plan.TracedDependencies, plan.TracedWorkspace},
	}
	if !hasWorkspace {
		s.Mounts = slices.Delete(s.Mounts, 1, 2)
		s.Outputs = s.Outputs[:1]
	}
	b.add(b.tracer())
	b.add(s)
	out := []plan.Copy{{From: s.ID, Src: plan.TracedDependencies + "/", Dest: plan.AppRoot + "/", Layer: plan.LayerDependencies}}
	for _, c := range layers {
		if c.Layer == plan.LayerDependencies && c.Dest == "/" {
			out = append(out, c) // the native stage's shared libraries
		}
	}
	if hasWorkspace {
		out = append(out, plan.Copy{From: s.ID, Src: plan.TracedWorkspace + "/", Dest: plan.AppRoot + "/", Layer: plan.LayerWorkspace})
	}
	for _, c := range layers {
		if c.Layer == plan.LayerApp {
			out = append(out, c)
		}
	}
	return out, nil
}

// layerNames are the layers the copies make, in order, each once.
func layerNames(cs []plan.Copy) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Layer) {
			out = append(out, c.Layer)
		}
	}
	return out
}

// traceEntries reads node's arguments (nodeArgv): the script, relative to
// the app, the modules node preloads (-r, --require, --import, --loader)
// and the files it reads itself (--env-file).
func traceEntries(args []string) (entries, modules, files []string) {
	takesModule := map[string]bool{"-r": true, "--require": true, "--import": true, "--loader": true, "--experimental-loader": true}
	opts, script := nodeArgv(args)
	for _, o := range opts {
		switch {
		case o.name == "--env-file" || o.name == "--env-file-if-exists":
			files = append(files, path.Clean(o.value))
		case !takesModule[o.name]:
		case strings.HasPrefix(o.value, "data:"):
			// inline code, such as monokit's own SIGTERM handler: no file
		case strings.HasPrefix(o.value, "./") || strings.HasPrefix(o.value, "../"):
			entries = append(entries, path.Clean(o.value))
		default:
			modules = append(modules, o.value)
		}
	}
	if script != "" {
		entries = append(entries, path.Clean(script))
	}
	return entries, modules, files
}

// traceGlob is an include: glob as trace.js matches it: a JavaScript
// regular expression, built here from doublestar's grammar (the one the
// manifest checks), and the directory to walk.
func traceGlob(g string) (helpers.TraceGlob, error) {
	if err := manifest.ValidateInclude(g); err != nil {
		return helpers.TraceGlob{}, err
	}
	g = strings.TrimPrefix(path.Clean(g), "./")
	base, _ := doublestar.SplitPattern(g)
	re, err := globRegexp(g)
	if err != nil {
		return helpers.TraceGlob{}, err
	}
	// Go's and JavaScript's syntax agree on what globRegexp writes; the
	// check here is Go's.
	if _, err := regexp.Compile(re); err != nil {
		return helpers.TraceGlob{}, fmt.Errorf("%q: %v", diag.Clip(g), err)
	}
	return helpers.TraceGlob{Glob: g, Base: base, Regexp: re}, nil
}

// globRegexp translates a doublestar glob into an anchored regular
// expression over slash-separated paths: ** as a whole segment is any
// number of segments, * and ? stay within one, [...] and {a,b} as in
// doublestar, and a backslash escapes the next character.
func globRegexp(g string) (string, error) {
	var sb strings.Builder
	sb.WriteString("^")
	if err := globPart(&sb, g, 0); err != nil {
		return "", err
	}
	sb.WriteString("$")
	return sb.String(), nil
}

// globPart writes g's expression; depth is the braces it is inside.
func globPart(sb *strings.Builder, g string, depth int) error {
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == '\\':
			if i+1 >= len(g) {
				return fmt.Errorf("%q ends with a lone backslash", diag.Clip(g))
			}
			i++
			sb.WriteString(regexp.QuoteMeta(string(g[i])))
		case c == '/' && g[i+1:] == "**":
			// a trailing /** is the directory too, and all beneath it
			sb.WriteString("(?:/.*)?")
			i = len(g)
		case c == '*' && i+1 < len(g) && g[i+1] == '*' && (i == 0 || g[i-1] == '/') && (i+2 == len(g) || g[i+2] == '/'):
			// ** as a whole segment: any depth, none included.
			if i+2 == len(g) {
				sb.WriteString(".*")
				i++
			} else {
				sb.WriteString("(?:[^/]*/)*")
				i += 2
			}
		case c == '*':
			for i+1 < len(g) && g[i+1] == '*' {
				i++
			}
			sb.WriteString("[^/]*")
		case c == '?':
			sb.WriteString("[^/]")
		case c == '[':
			end := classEnd(g, i)
			if end < 0 {
				return fmt.Errorf("%q has an unclosed [", diag.Clip(g))
			}
			sb.WriteString("[")
			body := g[i+1 : end]
			if strings.HasPrefix(body, "!") || strings.HasPrefix(body, "^") {
				sb.WriteString("^/")
				body = body[1:]
			}
			for j := 0; j < len(body); j++ {
				switch ch := body[j]; {
				case ch == '\\' && j+1 < len(body):
					j++
					sb.WriteString(`\` + string(body[j]))
				case ch == '-':
					sb.WriteByte('-')
				case (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch >= 0x80:
					sb.WriteByte(ch)
				default:
					sb.WriteString(`\` + string(ch))
				}
			}
			sb.WriteString("]")
			i = end
		case c == '{':
			end, alts := braceAlternatives(g, i)
			if end < 0 {
				return fmt.Errorf("%q has an unclosed {", diag.Clip(g))
			}
			sb.WriteString("(?:")
			for k, a := range alts {
				if k > 0 {
					sb.WriteString("|")
				}
				if err := globPart(sb, a, depth+1); err != nil {
					return err
				}
			}
			sb.WriteString(")")
			i = end
		default:
			sb.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return nil
}

// classEnd is the index of the ] that closes the class opened at i, or -1.
func classEnd(g string, i int) int {
	for j := i + 1; j < len(g); j++ {
		switch g[j] {
		case '\\':
			j++
		case ']':
			if j > i+1 {
				return j
			}
		}
	}
	return -1
}

// braceAlternatives splits the {a,b} opened at i into its alternatives
// (nested braces kept whole) and returns the index of its }, or -1.
func braceAlternatives(g string, i int) (int, []string) {
	depth, start := 0, i+1
	var alts []string
	for j := i + 1; j < len(g); j++ {
		switch g[j] {
		case '\\':
			j++
		case '[':
			if e := classEnd(g, j); e > 0 {
				j = e
			}
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return j, append(alts, g[start:j])
			}
			depth--
		case ',':
			if depth == 0 {
				alts = append(alts, g[start:j])
				start = j + 1
			}
		}
	}
	return -1, nil
}
