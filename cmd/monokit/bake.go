package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
)

// bakeCmd prints a bake file with a target for every target of the manifest,
// and a default group of them all: docker buildx bake then builds every
// image in one invocation, sharing one build graph.
func bakeCmd(args []string, w, stderr io.Writer) error {
	f := newFlags("bake", false, stderr)
	if err := f.fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("monokit bake: %v", err)}
	}
	m, dir, file, err := f.manifest()
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(dir, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("monokit bake: the manifest %s is outside %s; bake reads it from the context", file, dir)
	}
	syntax := ""
	if zeroConfig(dir, f.file) {
		// The file is the workspace's package.json: the Dockerfile frontend
		// hands it to monokit through BUILDKIT_SYNTAX, as
		// `docker buildx build -f package.json --build-arg BUILDKIT_SYNTAX=…`.
		syntax = solver.FrontendImage
	}
	_, err = io.WriteString(w, bakeFile(m, filepath.ToSlash(rel), syntax))
	return err
}

// bakeName is what a bake target may be named: a manifest target name may
// also hold dots.
var bakeName = regexp.MustCompile(`[^a-zA-Z0-9_-]`)

// bakeFile is the HCL bake file for m, whose manifest is at dockerfile in
// the context (the bake file's directory); a syntax is the frontend image a
// zero-config build names as BUILDKIT_SYNTAX.
func bakeFile(m *manifest.Manifest, dockerfile, syntax string) string {
	var b strings.Builder
	names := slices.Sorted(maps.Keys(m.Targets))
	var blocks []string
	for _, name := range names {
		blocks = append(blocks, bakeName.ReplaceAllString(name, "_"))
	}
	fmt.Fprintf(&b, "# Written by monokit bake: docker buildx bake builds every target below.\n")
	fmt.Fprintf(&b, "group \"default\" {\n  targets = [%s]\n}\n", hclList(blocks))
	for i, name := range names {
		fmt.Fprintf(&b, "\ntarget %s {\n", hclString(blocks[i]))
		fmt.Fprintf(&b, "  context    = \".\"\n  dockerfile = %s\n  target     = %s\n", hclString(dockerfile), hclString(name))
		if syntax != "" {
			fmt.Fprintf(&b, "  args       = { BUILDKIT_SYNTAX = %s }\n", hclString(syntax))
		}
		if len(m.Platforms) > 0 {
			var ps []string
			for _, p := range m.Platforms {
				ps = append(ps, p.Value)
			}
			fmt.Fprintf(&b, "  platforms  = [%s]\n", hclList(ps))
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func hclList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, hclString(s))
	}
	return strings.Join(q, ", ")
}

// hclString quotes s for HCL: a Go-quoted string is one, once its template
// sequences are escaped (${ and %{ would be interpolated).
func hclString(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}
