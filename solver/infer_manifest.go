package solver

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/pnpm"
)

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strconv.Quote(x)
	}
	return out
}

// FrontendImage is the monokit image an inferred manifest's syntax line and
// a zero-config bake file name.
const FrontendImage = "docker.io/monokit/monokit:1"

// InferredYAML is the manifest for the inferred targets, with a comment on
// every value saying why; skipped lists targets left out, with the reason.
// It is a YAML node tree that the encoder writes: repository text (a main
// field, a file name, a route) reaches it only as a scalar's value or as a
// one-line comment, never as YAML syntax.
func InferredYAML(targets []InferredTarget, skipped map[string]string) ([]byte, error) {
	ts := &yaml.Node{Kind: yaml.MappingNode}
	for _, t := range targets {
		body := &yaml.Node{Kind: yaml.MappingNode}
		body.Content = append(body.Content, key("package", ""), str(t.Package.Selector()))
		if t.Preset == manifest.PresetNext || t.Preset == manifest.PresetStatic {
			body.Content = append(body.Content, key("preset", ""), str(t.Preset))
		}
		if t.Port > 0 {
			body.Content = append(body.Content, key("port", t.PortWhy), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(t.Port)})
			if t.Health != "" {
				body.Content = append(body.Content, key("healthcheck", t.HealthOK), str(t.Health))
			}
		}
		ts.Content = append(ts.Content, key(t.Name, t.Why), body)
	}
	if len(targets) == 0 {
		ts.Style = yaml.FlowStyle
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		key("version", ""), {Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"},
		key("targets", ""), ts,
	}}
	var foot []string
	for _, name := range slices.Sorted(maps.Keys(skipped)) {
		foot = append(foot, comment("not a target: "+name+": "+skipped[name]))
	}
	doc.FootComment = strings.Join(foot, "\n")
	var b bytes.Buffer
	// The syntax line must be the file's first, for BuildKit.
	b.WriteString("# syntax=" + FrontendImage + "\n")
	b.WriteString("# Inferred from the workspace by monokit: each value says why it was chosen.\n")
	b.WriteString("# What this file sets is used as is; edit it freely.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}); err != nil {
		return nil, fmt.Errorf("monokit bug: encoding the inferred manifest: %w", err)
	}
	return b.Bytes(), nil
}

// key is a mapping key with why as its one-line comment.
func key(name, why string) *yaml.Node {
	n := str(name)
	if why != "" {
		n.HeadComment = comment(why)
	}
	return n
}

// str is a string scalar; the encoder quotes it when YAML would read it as
// anything else.
func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// comment is s as one comment line: whitespace runs become one space, other
// control characters are escaped as in a Go string, and it is clipped.
func comment(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
			continue
		}
		b.WriteRune(r)
	}
	return "# " + b.String()
}

// oneLine keeps a comment on one line, clipped on a rune boundary (the
// manifest refuses invalid UTF-8).
func oneLine(s string) string { return diag.Clip(strings.Join(strings.Fields(s), " ")) }

// InferManifest infers the targets, keeps those that plan, and returns the
// manifest's YAML and the manifest parsed from it.
func InferManifest(ws *pnpm.Workspace, sources fs.FS) ([]byte, *manifest.Manifest, error) {
	targets, skipped := Infer(ws, sources)
	for {
		if len(targets) == 0 {
			data, _ := InferredYAML(targets, skipped)
			return data, nil, fmt.Errorf("no target could be inferred from the workspace: no package that nothing depends on is a Next.js app or has a start script, a bin or a main%s; write a monokit.yaml (monokit schema documents it)", skippedSummary(skipped))
		}
		data, err := InferredYAML(targets, skipped)
		if err != nil {
			return nil, nil, err
		}
		m, err := manifest.Parse(InferredName, data)
		if err != nil {
			return data, nil, fmt.Errorf("monokit bug: the inferred manifest does not parse: %w", err)
		}
		var keep []InferredTarget
		for _, t := range targets {
			if _, err := SolveTarget(m, ws, t.Name); err != nil {
				skipped[t.Package.Dir] = err.Error()
				continue
			}
			keep = append(keep, t)
		}
		if len(keep) == len(targets) {
			return data, m, nil
		}
		targets = keep
	}
}

func skippedSummary(skipped map[string]string) string {
	if len(skipped) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(skipped)) {
		parts = append(parts, k+": "+oneLine(skipped[k]))
	}
	return " that plans (" + strings.Join(parts, "; ") + ")"
}
