package diag

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLError turns a YAML error from go.yaml.in/yaml/v3 into an *Error with a
// position. A syntax error carries its line only inside the message; an error
// about the bytes themselves (a control character, invalid UTF-8) carries none,
// so the first such byte in data is found and named.
func YAMLError(file string, data []byte, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Pos: Pos{File: file, Line: line}, Err: errors.New("invalid YAML: " + m[2])}
	}
	if pos, what, ok := badYAMLByte(file, data); ok {
		return &Error{Pos: pos, Err: fmt.Errorf("invalid YAML: %s; YAML text is UTF-8 without control characters", what)}
	}
	return &Error{Pos: Pos{File: file}, Err: errors.New("invalid YAML: " + strings.TrimPrefix(msg, "yaml: "))}
}

// YAMLLineBreaks prepares a YAML file for yaml.v3, whose line numbers must
// be the file's. A lone \r (classic Mac OS line endings) is a line break to
// yaml.v3 and to pnpm's js-yaml alike, and to editors: the data returned has
// each turned into \n (a copy, of the same length, so offsets hold), and
// positions count lines as both readers do. U+0085, U+2028 and U+2029 are
// line breaks to yaml.v3 (YAML 1.1) but characters to js-yaml (YAML 1.2):
// the two would read different values, so the file is refused at the first.
// A few passes of bytes.Index: milliseconds over a 40 MB lockfile.
func YAMLLineBreaks(file string, data []byte) ([]byte, error) {
	off := -1
	for _, b := range []string{"\u0085", "\u2028", "\u2029"} {
		if j := bytes.Index(data, []byte(b)); j >= 0 && (off < 0 || j < off) {
			off = j
		}
	}
	if off >= 0 {
		data = LoneCRToLF(data)
		r, _ := utf8.DecodeRune(data[off:])
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		col := 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:off], '\n')+1:off]) // YAML counts characters
		return nil, &Error{Pos: Pos{File: file, Line: line, Col: col}, Err: fmt.Errorf("%U is a line break to yaml.v3 and not to pnpm's js-yaml, so the two read the file differently; remove it, or write it as \"\\u%04X\" in a double-quoted string", r, r)}
	}
	return LoneCRToLF(data), nil
}

// LoneCRToLF returns data with each \r that no \n follows turned into \n: a
// copy when there is one, data itself otherwise.
func LoneCRToLF(data []byte) []byte {
	var out []byte
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\r')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(data) && data[i] == '\n' {
			continue
		}
		if out == nil {
			out = bytes.Clone(data)
		}
		out[i-1] = '\n'
	}
	if out == nil {
		return data
	}
	return out
}

// badYAMLByte finds the first byte YAML does not allow in a document: invalid
// UTF-8, or a character outside YAML's printable set (YAML 1.2, 5.1).
func badYAMLByte(file string, data []byte) (Pos, string, bool) {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		var what string
		switch {
		case r == utf8.RuneError && n == 1:
			what = fmt.Sprintf("byte 0x%02x is not UTF-8", data[i])
		case r == '\t' || r == '\n' || r == '\r' || r == 0x85 || r == 0xFEFF:
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			what = fmt.Sprintf("control character %U", r)
		}
		if what != "" {
			return Pos{File: file, Line: line, Col: col}, what, true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return Pos{}, "", false
}

// A list or a mapping comes without its value: "cannot unmarshal !!seq into
// map[string]string".
var yamlTypeErr = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// YAMLTypeError turns a yaml.v3 TypeError into one *Error per mismatch, each at
// its line, naming the key whose value it is and saying, in YAML's words and
// not Go's, what was wanted and what was found.
func YAMLTypeError(file string, root *yaml.Node, te *yaml.TypeError) error {
	var errs []error
	for _, e := range te.Errors {
		m := yamlTypeErr.FindStringSubmatch(e)
		if m == nil {
			errs = append(errs, &Error{Pos: Pos{File: file}, Err: errors.New(e)})
			continue
		}
		line, _ := strconv.Atoi(m[1])
		pos, key := Pos{File: file, Line: line}, ""
		kind := yaml.ScalarNode
		switch m[2] {
		case "map":
			kind = yaml.MappingNode
		case "seq":
			kind = yaml.SequenceNode
		}
		if k, v := keyAtLine(root, line, kind); v != nil {
			pos.Col, key = v.Column, k+": "
		}
		got := yamlKind(m[2])
		if m[3] != "" || (m[2] != "seq" && m[2] != "map") {
			got += fmt.Sprintf(" %q", Clip(m[3]))
		}
		errs = append(errs, &Error{Pos: pos, Err: fmt.Errorf("%swant %s, got %s", key, yamlWant(m[4]), got)})
	}
	return errors.Join(errs...)
}

// keyAtLine finds the mapping entry, at any depth, whose value of that kind
// (a mapping, a list, else a scalar) starts on line, and returns its key
// path ("a.b") and value. A block mapping or list starts on its first
// entry's line, which its own first key shares.
func keyAtLine(n *yaml.Node, line int, kind yaml.Kind) (string, *yaml.Node) {
	if n == nil {
		return "", nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Line == line && (v.Kind == kind || kind == yaml.ScalarNode && v.Kind != yaml.MappingNode) {
				return k.Value, v
			}
			if sub, sv := keyAtLine(v, line, kind); sv != nil {
				return k.Value + "." + sub, sv
			}
		}
	}
	if n.Kind != yaml.MappingNode { // a document or a list: look inside
		for _, c := range n.Content {
			if k, v := keyAtLine(c, line, kind); v != nil {
				return k, v
			}
		}
	}
	return "", nil
}

func yamlKind(tag string) string {
	switch tag {
	case "str":
		return "the string"
	case "int", "float":
		return "the number"
	case "bool":
		return "the boolean"
	case "map":
		return "a mapping"
	case "seq":
		return "a list"
	case "null":
		return "null"
	}
	return "!!" + tag
}

func yamlWant(goType string) string {
	switch {
	case goType == "[]string":
		return "a list of strings"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping"
	case goType == "string":
		return "a string"
	case goType == "bool" || goType == "*bool":
		return "true or false"
	case strings.Contains(goType, "int") || strings.Contains(goType, "float"):
		return "a number"
	}
	return "another kind of value"
}
