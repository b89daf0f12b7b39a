package pnpm

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/monokit/monokit/internal/diag"
)

// jsYAMLTags are the tags of js-yaml's default schema, which pnpm reads its
// YAML files with; it refuses any other ("unknown tag").
var jsYAMLTags = []string{"!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq", "!!binary", "!!timestamp", "!!merge", "!!omap", "!!pairs", "!!set"}

// strictYAML refuses what js-yaml refuses and yaml.v3's node tree keeps: a
// key given twice in one mapping ("duplicated mapping key") and a tag js-yaml
// does not know (!!python/object:list, a local !tag), each at its position.
// With dups false, only tags: the lockfile's reader checks the keys it reads
// (duplicateKey), whichever parser read the file.
func strictYAML(file string, n *yaml.Node, dups bool) error {
	if n == nil {
		return nil
	}
	if n.Style&yaml.TaggedStyle != 0 && !slices.Contains(jsYAMLTags, n.Tag) {
		return diag.Errorf(diag.Pos{File: file, Line: n.Line, Col: n.Column}, "unknown tag %s: pnpm reads YAML with js-yaml, which refuses it; remove the tag", diag.Clip(n.Tag))
	}
	if n.Kind == yaml.MappingNode && dups {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if seen[k.Value] {
				return diag.Errorf(diag.Pos{File: file, Line: k.Line, Col: k.Column}, "%q is a key for the second time in this mapping: pnpm refuses it (duplicated mapping key); keep one", diag.Clip(k.Value))
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if err := strictYAML(file, c, dups); err != nil {
			return err
		}
	}
	return nil
}

// duplicateKey is the first key given twice in mapping n of the lockfile's
// node tree, or nil.
func duplicateKey(n *node) *node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] && k.Value != "<<" {
			return k
		}
		seen[k.Value] = true
	}
	return nil
}

func duplicateKeyError(file string, k *node) error {
	return diag.Errorf(pos(file, k), "%q is a key for the second time in this mapping: pnpm refuses it (duplicated mapping key); run pnpm install and commit the lockfile", diag.Clip(k.Value))
}
