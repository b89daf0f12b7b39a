package pnpm

import (
	"bytes"
	"math"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// A fast path for reading pnpm-lock.yaml.
//
// pnpm writes the lockfile itself, in a small part of YAML: block mappings
// and sequences, with plain or quoted scalars and flow collections each on
// one line. yaml.v3 spends about 0.3 s and 100 MB on a 5 MB lockfile;
// scanDocuments reads that part in a fraction of it and builds the trees
// yaml.v3 would (as nodes). It accepts only what it reads exactly: anything else
// (a comment, an anchor, a tag, a block scalar, an escape, a scalar over
// several lines, a tab, a null) leaves the whole file to yaml.v3.
// TestScanDocumentsAgreesWithYAML and FuzzScanDocuments hold the two to the
// same result.

// scanDocuments returns the top-level mapping of each of the file's
// documents, as decodeDocuments would; ok is false when the scanner cannot
// read the file exactly.
func scanDocuments(data []byte) (docs []*node, ok bool) {
	return scanDocumentsTo(data, nil)
}

// sink takes the entries of a document's top-level packages and snapshots
// mappings as they are scanned; the tree then holds those mappings empty.
type sink func(section string, k, v *node)

// scanDocumentsTo is scanDocuments handing each document's section entries
// to newSink(document's index), when newSink is not nil.
func scanDocumentsTo(data []byte, newSink func(doc int) sink) (docs []*node, ok bool) {
	if len(data) >= math.MaxInt32 {
		return nil, false // offsets are int32; yaml.v3 reads what is larger
	}
	// The offset at which each line starts, and the end: a 40 MB lockfile
	// has millions of lines, and an offset is a sixth of a slice header.
	starts := []int32{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, int32(i+1))
		}
	}
	if int(starts[len(starts)-1]) != len(data) {
		starts = append(starts, int32(len(data)))
	}
	n := len(starts) - 1 // lines
	start := 0           // the current document's first line
	for i := 0; i <= n; i++ {
		if i < n {
			l := bytes.TrimSuffix(data[starts[i]:starts[i+1]], []byte("\n"))
			switch {
			case string(l) == "---":
			case bytes.HasPrefix(l, []byte("---")), bytes.HasPrefix(l, []byte("...")), bytes.HasPrefix(l, []byte("%")):
				return nil, false // a marker with content, an end, a directive: not written by pnpm
			default:
				continue
			}
		}
		sc := &scanner{data: data, starts: starts[start : i+1], first: start + 1}
		if newSink != nil {
			sc.sink = newSink(len(docs))
		}
		if _, _, more := sc.peek(); more {
			doc, ok := sc.document()
			if !ok {
				return nil, false
			}
			docs = append(docs, doc)
		} else if sc.i < sc.lines() {
			return nil, false
		}
		start = i + 1
	}
	return docs, true
}

// scanner reads one document's lines: line i is data[starts[i]:starts[i+1]],
// and first is the file's line number of line 0.
type scanner struct {
	data   []byte
	starts []int32
	first  int
	i      int
	slab   []node // nodes are allocated in blocks: a 5 MB lockfile has ~300,000
	// depth is how many collections enclose the one being read; past
	// maxDepth the file is left to yaml.v3, which has a limit of its own.
	depth int
	// sink, when set, takes the entries of the top-level packages and
	// snapshots mappings; section is the top-level key being read.
	sink    sink
	section string
}

func (s *scanner) lines() int { return len(s.starts) - 1 }

func (s *scanner) line(i int) []byte { return s.data[s.starts[i]:s.starts[i+1]] }

// maxDepth is deeper than pnpm nests (importers → project → kind → name →
// fields is five) and far below what would strain the stack.
const maxDepth = 64

// enter counts a nested collection being read (block and flow read each
// through it); ok is false past maxDepth. The caller defers s.leave().
func (s *scanner) enter() bool {
	s.depth++
	return s.depth <= maxDepth
}

func (s *scanner) leave() { s.depth-- }

func (s *scanner) node(kind yaml.Kind, line, col int) *node {
	if len(s.slab) == 0 {
		s.slab = make([]node, 4096)
	}
	n := &s.slab[0]
	s.slab = s.slab[1:]
	n.Kind, n.Line, n.Column = kind, int32(line), int32(col)
	return n
}

// document reads a document's top-level block mapping.
func (s *scanner) document() (*node, bool) {
	l, ind, ok := s.peek()
	if !ok || ind != 0 || l[0] == '-' {
		return nil, false
	}
	m, ok := s.mapping(0)
	if !ok || s.i < s.lines() {
		return nil, false
	}
	return m, true
}

// peek skips blank lines and returns the next line without its newline and
// its indent; ok is false at the end or on a line the scanner does not read.
func (s *scanner) peek() (line []byte, indent int, ok bool) {
	for ; s.i < s.lines(); s.i++ {
		l := bytes.TrimSuffix(s.line(s.i), []byte("\n"))
		if len(bytes.TrimLeft(l, " ")) == 0 {
			if len(l) > 0 {
				return nil, 0, false // spaces only: not written by pnpm
			}
			continue
		}
		if !printable(l) || l[len(l)-1] == ' ' {
			return nil, 0, false
		}
		ind := len(l) - len(bytes.TrimLeft(l, " "))
		return l, ind, true
	}
	return nil, 0, false
}

// at is the next line of a block at indent n: more is false at the block's
// end (the end of the lines, or a line indented less); ok is false on a line
// the scanner does not read, or one indented more.
func (s *scanner) at(n int) (line []byte, more, ok bool) {
	l, ind, ok := s.peek()
	switch {
	case !ok:
		return nil, false, s.i >= s.lines()
	case ind < n:
		return nil, false, true
	case ind > n:
		return nil, false, false
	}
	return l, true, true
}

// mapping reads "key: value" and "key:" lines at indent n; a "key:" line's
// value is the block below it, indented more.
func (s *scanner) mapping(n int) (*node, bool) {
	var m *node
	for {
		l, more, ok := s.at(n)
		if !ok || more && l[n] == '-' {
			return nil, false
		}
		if !more {
			break
		}
		line := s.first + s.i
		k, after, ok := s.key(l, n, line)
		if !ok {
			return nil, false
		}
		if m == nil {
			m = s.node(yaml.MappingNode, int(k.Line), int(k.Column))
		}
		if s.depth == 0 {
			s.section = k.Value
		}
		s.i++
		var v *node
		if len(after) == 0 {
			if v, ok = s.block(n); !ok {
				return nil, false
			}
		} else {
			if after[0] != ' ' {
				return nil, false
			}
			col := len(l) - len(after) + 1
			for len(after) > 0 && after[0] == ' ' {
				after, col = after[1:], col+1
			}
			if v, ok = s.inline(after, line, col); !ok {
				return nil, false
			}
		}
		if s.sink != nil && s.depth == 1 && (s.section == "packages" || s.section == "snapshots") {
			s.sink(s.section, k, v) // and its nodes are garbage from here
			continue
		}
		m.Content = append(m.Content, k, v)
	}
	return m, m != nil
}

// block reads the block value of a "key:" line at indent n: a sequence or
// a mapping indented more. Every nested block is read through here.
func (s *scanner) block(n int) (*node, bool) {
	defer s.leave()
	if !s.enter() {
		return nil, false
	}
	next, ind, ok := s.peek()
	if !ok || ind <= n {
		return nil, false // a null, or a line not read here
	}
	if next[ind] == '-' {
		return s.sequence(ind)
	}
	return s.mapping(ind)
}

// sequence reads "- value" lines at indent n, each value on its line.
func (s *scanner) sequence(n int) (*node, bool) {
	var q *node
	for {
		l, more, ok := s.at(n)
		if !ok || more && (len(l) < n+3 || l[n] != '-' || l[n+1] != ' ' || l[n+2] == ' ') {
			return nil, false
		}
		if !more {
			break
		}
		line := s.first + s.i
		if q == nil {
			q = s.node(yaml.SequenceNode, line, n+1)
		}
		v, ok := s.inline(l[n+2:], line, n+3)
		if !ok {
			return nil, false
		}
		q.Content = append(q.Content, v)
		s.i++
	}
	return q, q != nil
}

// maxKey is the longest key, in bytes, the scanner reads: yaml.v3 takes no
// implicit key longer than 1,024 characters.
const maxKey = 1000

// key reads a mapping key at l[n:] and returns what follows its colon.
func (s *scanner) key(l []byte, n, line int) (*node, []byte, bool) {
	b := l[n:]
	var k *node
	var after []byte
	switch b[0] {
	case '\'', '"':
		v, end, ok := quoted(b)
		if !ok || end >= len(b) || b[end] != ':' || end > maxKey {
			return nil, nil, false
		}
		k = s.node(yaml.ScalarNode, line, n+1)
		k.Value, k.Quoted = v, true
		after = b[end+1:]
	default:
		end := plainEnd(b, false)
		if end == 0 || end >= len(b) || b[end] != ':' || end > maxKey {
			return nil, nil, false
		}
		k = s.node(yaml.ScalarNode, line, n+1)
		k.Value = string(bytes.TrimRight(b[:end], " "))
		after = b[end+1:]
	}
	return k, after, true
}

// inline reads a value that is the rest of its line: a scalar or a flow
// collection.
func (s *scanner) inline(b []byte, line, col int) (*node, bool) {
	switch b[0] {
	case '{', '[':
		v, end, ok := s.flow(b, 0, line, col)
		return v, ok && end == len(b)
	case '\'', '"':
		v, end, ok := quoted(b)
		if !ok || end != len(b) {
			return nil, false
		}
		n := s.node(yaml.ScalarNode, line, col)
		n.Value, n.Quoted = v, true
		return n, true
	}
	if end := plainEnd(b, false); end != len(b) {
		return nil, false
	}
	n := s.node(yaml.ScalarNode, line, col)
	n.Value = string(b)
	return n, true
}

// flow reads the flow mapping or sequence at b[i] and returns the index after it.
func (s *scanner) flow(b []byte, i, line, col int) (*node, int, bool) {
	defer s.leave()
	if !s.enter() {
		return nil, 0, false
	}
	open := b[i]
	kind, closer := yaml.MappingNode, byte('}')
	if open == '[' {
		kind, closer = yaml.SequenceNode, ']'
	}
	n := s.node(kind, line, col+i)
	i = skipSpaces(b, i+1)
	if i < len(b) && b[i] == closer {
		return n, i + 1, true
	}
	for {
		if kind == yaml.MappingNode {
			k, next, ok := s.flowScalar(b, i, line, col)
			if !ok || next+1 >= len(b) || b[next] != ':' || b[next+1] != ' ' || next-i > maxKey {
				return nil, 0, false
			}
			n.Content = append(n.Content, k)
			i = skipSpaces(b, next+1)
		}
		if i >= len(b) {
			return nil, 0, false
		}
		var v *node
		var ok bool
		if b[i] == '{' || b[i] == '[' {
			v, i, ok = s.flow(b, i, line, col)
		} else {
			v, i, ok = s.flowScalar(b, i, line, col)
		}
		if !ok {
			return nil, 0, false
		}
		n.Content = append(n.Content, v)
		i = skipSpaces(b, i)
		switch {
		case i < len(b) && b[i] == closer:
			return n, i + 1, true
		case i+1 < len(b) && b[i] == ',' && b[i+1] == ' ':
			i = skipSpaces(b, i+1)
		default:
			return nil, 0, false
		}
	}
}

// flowScalar reads a quoted or plain scalar inside a flow collection.
func (s *scanner) flowScalar(b []byte, i, line, col int) (*node, int, bool) {
	if i >= len(b) {
		return nil, 0, false
	}
	if b[i] == '\'' || b[i] == '"' {
		v, end, ok := quoted(b[i:])
		if !ok {
			return nil, 0, false
		}
		n := s.node(yaml.ScalarNode, line, col+i)
		n.Value, n.Quoted = v, true
		return n, i + end, true
	}
	end := plainEnd(b[i:], true)
	if end == 0 {
		return nil, 0, false
	}
	v := bytes.TrimRight(b[i:i+end], " ")
	n := s.node(yaml.ScalarNode, line, col+i)
	n.Value = string(v)
	return n, i + end, true
}

// plainEnd is the length of the plain scalar at the start of b: it ends
// before ": ", a colon at the end, or (in a flow collection) a flow
// indicator. 0 means b does not start with a plain scalar the scanner reads.
func plainEnd(b []byte, inFlow bool) int {
	switch b[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return 0
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == ':' && (i+1 == len(b) || b[i+1] == ' ' || inFlow && isFlowIndicator(b[i+1])):
			return i
		case c == ' ' && i+1 < len(b) && b[i+1] == '#':
			return 0 // a comment
		case inFlow && isFlowIndicator(c):
			return i
		}
	}
	return len(b)
}

// isFlowIndicator: what ends a plain scalar in a flow collection, for
// yaml.v3 ('?' too).
func isFlowIndicator(c byte) bool {
	return c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}'
}

// quoted reads the single- or double-quoted scalar at the start of b and
// returns its value and the index after the closing quote. A double-quoted
// scalar with an escape is not read here.
func quoted(b []byte) (string, int, bool) {
	q := b[0]
	var buf []byte
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\\' && q == '"':
			return "", 0, false
		case c == q && q == '\'' && i+1 < len(b) && b[i+1] == '\'':
			if buf == nil {
				buf = append([]byte{}, b[1:i]...)
			}
			buf = append(buf, '\'')
			i++
		case c == q:
			if buf == nil {
				return string(b[1:i]), i + 1, true
			}
			return string(buf), i + 1, true
		case buf != nil:
			buf = append(buf, c)
		}
	}
	return "", 0, false // not closed on this line
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// printable is YAML's printable set without the tab, which the scanner
// leaves to yaml.v3.
func printable(l []byte) bool {
	for i := 0; i < len(l); {
		c := l[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(l[i:])
		if r == utf8.RuneError || r == 0xFEFF || r < 0xA0 && r != 0x85 || r > 0xD7FF && r < 0xE000 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}
