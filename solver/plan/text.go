package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CollectedPaths names what a stage collects, for progress output.
func CollectedPaths(cs []Copy) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Src)
	}
	return strings.Join(out, " ")
}

// WriteJSON writes the plan as one line of JSON, so several plans are JSON
// Lines. Not indented: a large workspace's plan is tens of megabytes, and
// indenting it doubled the time and memory of encoding (jq indents).
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // ">=22", "a && b" read as written
	return enc.Encode(p)
}

// WriteText writes the plan for people: stages in order with levels, inputs and
// commands.
func (p *Plan) WriteText(w io.Writer) {
	fmt.Fprintf(w, "target %s: %s (%s) preset %s\n", p.Target, p.Package, p.Dir, p.Preset)
	fmt.Fprintf(w, "  node %s (%s), pnpm %s (%s), libc %s, runtime %s\n", p.Node.Version, p.Node.Source, p.PNPM.Version, p.PNPM.Source, p.Libc, p.Runtime)
	if len(p.BuildEnv) > 0 {
		fmt.Fprintf(w, "  build env: %s\n", strings.Join(p.BuildEnv, " "))
	}
	for i, lvl := range p.Levels {
		fmt.Fprintf(w, "  level %d: %s\n", i, strings.Join(lvl, ", "))
	}
	if len(p.Sets) > 0 {
		fmt.Fprintln(w, "  closures: a build needs the builds of the sets it reaches, reads their inputs and excludes their outputs")
	}
	for _, set := range p.Sets {
		fmt.Fprintf(w, "  set %s:", set.ID)
		if set.Build != "" {
			fmt.Fprintf(w, " %s", set.Build)
			if len(set.Outputs) > 0 {
				fmt.Fprintf(w, " (outputs %s)", strings.Join(set.Outputs, " "))
			}
		}
		if len(set.Inputs) > 0 {
			fmt.Fprintf(w, " inputs %s", strings.Join(set.Inputs, " "))
		}
		for _, a := range set.Aliases {
			fmt.Fprintf(w, " %s from %s", a.Dest, a.Src)
		}
		if len(set.Sets) > 0 {
			fmt.Fprintf(w, "; reaches %s", strings.Join(set.Sets, " "))
		}
		fmt.Fprintln(w)
	}
	for _, s := range p.Stages {
		fmt.Fprintf(w, "\n[%s] on %s platform", s.ID, s.Platform)
		if s.PerTarget {
			fmt.Fprint(w, ", once per target platform")
		}
		if s.Kind == KindBuild {
			fmt.Fprintf(w, ", level %d", s.Level)
		}
		fmt.Fprintln(w)
		if s.Image != "" {
			fmt.Fprintf(w, "  image:   %s\n", s.Image)
		}
		if len(s.Needs) > 0 {
			fmt.Fprintf(w, "  needs:   %s\n", strings.Join(s.Needs, ", "))
		}
		if len(s.Inputs) > 0 {
			fmt.Fprintf(w, "  inputs:  %s\n", strings.Join(s.Inputs, " "))
		}
		if len(s.ContextInputs) > 0 {
			fmt.Fprintf(w, "  inputs:  %s (from the context)\n", strings.Join(s.ContextInputs, " "))
		}
		for _, a := range s.Aliases {
			fmt.Fprintf(w, "  alias:   %s -> %s\n", a.Src, a.Dest)
		}
		if len(s.Sets) > 0 {
			fmt.Fprintf(w, "  closure: sets %s and what they reach", strings.Join(s.Sets, " "))
			if len(s.Beside) > 0 {
				fmt.Fprintf(w, "; %s built beside it (a cycle)", strings.Join(s.Beside, " "))
			}
			fmt.Fprintln(w)
		}
		if len(s.Excludes) > 0 {
			fmt.Fprintf(w, "  exclude: %s\n", strings.Join(s.Excludes, " "))
		}
		if s.Workdir != "" {
			fmt.Fprintf(w, "  workdir: %s\n", s.Workdir)
		}
		for _, r := range s.Run {
			fmt.Fprintf(w, "  run:     %s\n", r)
		}
		if v := s.OnBuildPlatform; v != nil {
			fmt.Fprintf(w, "  when the target platform is the build platform: from %s, run %s\n", v.From, strings.Join(v.Run, " && "))
		}
		for _, c := range s.Caches {
			fmt.Fprintf(w, "  cache:   %s (%s, %s)\n", c.Target, c.Name, c.Sharing)
		}
		for _, c := range s.Collect {
			fmt.Fprintf(w, "  collect: %s -> %s (if present)\n", c.Src, c.Dest)
		}
		for _, c := range s.Copies {
			from := c.From
			if c.Collected {
				from += " (collected)"
			}
			fmt.Fprintf(w, "  copy:    %s:%s -> %s", from, c.Src, c.Dest)
			if len(c.Excludes) > 0 {
				fmt.Fprintf(w, " (without %s)", strings.Join(c.Excludes, " "))
			}
			if c.Layer != "" {
				fmt.Fprintf(w, ", %s layer", c.Layer)
			}
			fmt.Fprintln(w)
		}
		for _, f := range s.Files {
			fmt.Fprintf(w, "  file:    %s %s\n", f.Path, f.Data)
		}
		for _, h := range s.Helpers {
			fmt.Fprintf(w, "  helper:  %s\n", h)
		}
		for _, m := range s.Mounts {
			fmt.Fprintf(w, "  mount:   %s\n", m.describe())
		}
		if s.Secrets {
			fmt.Fprintf(w, "  secrets: %s\n", secretIDs(p.Secrets))
		}
		if len(s.Outputs) > 0 {
			guess := ""
			if s.Guessed {
				guess = " (a guess nothing in package.json names: an empty one if the build writes none)"
			}
			fmt.Fprintf(w, "  outputs: %s%s\n", strings.Join(s.Outputs, " "), guess)
		}
	}
	ic := p.Image
	fmt.Fprintf(w, "\nimage: user %s, workdir %s, entrypoint %q, cmd %q\n", ic.User, ic.WorkingDir, ic.Entrypoint, ic.Cmd)
	if len(ic.Ports) > 0 {
		fmt.Fprintf(w, "  ports: %s\n", strings.Join(ic.Ports, " "))
	}
	if ic.Healthcheck != nil {
		fmt.Fprintf(w, "  healthcheck: %q\n", ic.Healthcheck.Test)
	}
	pf := p.Platforms
	if len(pf.Prebuilt) > 0 {
		fmt.Fprintf(w, "  prebuilt per platform: %d packages of %s; each target platform gets its own\n", len(pf.Prebuilt), strings.Join(families(pf.Prebuilt), ", "))
	}
	where := "on the target platform"
	if !pf.CrossSelect {
		where = "in pnpm deploy, on the build platform"
	}
	if len(pf.Native) > 0 {
		fmt.Fprintf(w, "  native builds (%s): %s (%s)\n", where, strings.Join(pf.Native, " "), pf.Source)
	} else if pf.AllNative {
		fmt.Fprintf(w, "  native builds (%s): every dependency with an install script (%s)\n", where, pf.Source)
	}
	if t := p.Trace; t != nil {
		fmt.Fprintf(w, "  traced (%s): the dependencies and workspace packages ship only the files %s loads", t.Tracer, strings.Join(t.Entries, ", "))
		if len(t.Modules) > 0 {
			fmt.Fprintf(w, ", with %s preloaded", strings.Join(t.Modules, ", "))
		}
		fmt.Fprint(w, ", each one's nearest package.json, and whole the packages with native addons it reaches")
		if len(t.Files) > 0 {
			fmt.Fprintf(w, "; node reads %s", strings.Join(t.Files, ", "))
		}
		if len(t.Include) > 0 {
			fmt.Fprintf(w, "; include: %s", strings.Join(t.Include, " "))
		}
		fmt.Fprintln(w, "; the app's own files ship whole")
	}
	for _, s := range p.Stages {
		for _, m := range s.Mounts {
			if s.Kind == KindNative && m.Image != "" {
				fmt.Fprintf(w, "  shared libraries: those the addons link that %s lacks come from the build image %s; one the build image lacks fails the build\n", m.Image, s.Image)
			}
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// describe says what a mount starts as, where, and what the stage keeps of it.
func (m Mount) describe() string {
	from := "an empty directory"
	switch {
	case m.Image != "":
		from = "image " + m.Image
	case m.Stage != "" && m.Extra:
		from = "what " + m.Stage + " keeps"
	case m.Stage != "":
		from = m.Stage
	case m.Layer != "":
		from = "the runtime's " + m.Layer + " layer"
	case len(m.Layers) > 0:
		from = "the untraced tree (the " + strings.Join(m.Layers, ", ") + " layers merged)"
	case m.URL != "":
		from = "BuildKit's download of " + m.URL
		if len(m.OS)+len(m.CPU) > 0 {
			from += " (for " + strings.Join(append(slices.Clone(m.OS), m.CPU...), ",") + ")"
		}
	}
	switch m.Keep {
	case KeepResult:
		return fmt.Sprintf("%s at %s, written; the stage's result", from, m.Target)
	case KeepExtra:
		return fmt.Sprintf("%s at %s, written; kept for the stages that mount it", from, m.Target)
	case KeepCollect:
		return fmt.Sprintf("%s at %s, written; what the collect steps copy", from, m.Target)
	}
	return fmt.Sprintf("%s at %s, read-only", from, m.Target)
}

func secretIDs(secrets []Secret) string {
	var ids []string
	for _, s := range secrets {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ", ")
}

// families shortens package keys (name@version) to their scopes (@img/*) or
// names, for a summary.
func families(keys []string) []string {
	var out []string
	for _, k := range keys {
		name, _, _ := strings.Cut(k, "(")
		if i := strings.LastIndex(name, "@"); i > 0 {
			name = name[:i]
		}
		if scope, _, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
			name = scope + "/*"
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
