package pnpm

import "go.yaml.in/yaml/v3"

// node is one YAML node of pnpm-lock.yaml, as the lockfile's readers use it.
// It is a third of yaml.v3's Node, which matters at the ~300,000 nodes of a
// 5 MB lockfile; scanDocuments builds it directly, and yaml.v3's trees are
// converted (fromYAML).
type node struct {
	Kind         yaml.Kind
	Line, Column int32
	// Quoted says the scalar was quoted: a string, whatever it reads.
	Quoted  bool
	Value   string
	Content []*node
	// orig is yaml.v3's node this was converted from, if it was.
	orig *yaml.Node
}

// fromYAML converts yaml.v3's tree. An alias reads as the node it names, as
// pnpm (js-yaml) reads it: `packages/a: *x` is importer x's entry again. The
// anchored node is converted once and shared, so nested aliases cost no more
// than the file's own nodes.
func fromYAML(y *yaml.Node) *node {
	return convertYAML(y, map[*yaml.Node]*node{})
}

func convertYAML(y *yaml.Node, seen map[*yaml.Node]*node) *node {
	if y.Kind == yaml.AliasNode && y.Alias != nil {
		y = y.Alias
	}
	if n, ok := seen[y]; ok {
		return n
	}
	n := &node{Kind: y.Kind, Line: int32(y.Line), Column: int32(y.Column), Value: y.Value, orig: y,
		Quoted: y.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0}
	if y.Anchor != "" {
		seen[y] = n
	}
	if len(y.Content) > 0 {
		n.Content = make([]*node, len(y.Content))
		for i, c := range y.Content {
			n.Content[i] = convertYAML(c, seen)
		}
	}
	return n
}

// decode decodes the node as yaml.v3 would: a quoted scalar is a string, a
// plain one resolves to a bool, number, null or string.
func (n *node) decode(v any) error {
	return n.toYAML().Decode(v)
}

func (n *node) toYAML() *yaml.Node {
	if n.orig != nil {
		return n.orig
	}
	y := &yaml.Node{Kind: n.Kind, Value: n.Value, Line: int(n.Line), Column: int(n.Column)}
	if n.Quoted {
		y.Style = yaml.SingleQuotedStyle
	}
	for _, c := range n.Content {
		y.Content = append(y.Content, c.toYAML())
	}
	return y
}
