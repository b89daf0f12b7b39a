package pnpm

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// jsonKeys maps "a/b/c" key paths of a JSON document to the position of the key,
// so errors about a package.json field can say which line it is on. It is linear
// in the document: a package.json may hold tens of thousands of keys on one line.
func jsonKeys(file string, data []byte) map[string]diag.Pos {
	out := map[string]diag.Pos{}
	dec := json.NewDecoder(bytes.NewReader(data))
	lines := newLineIndex(data)
	type frame struct {
		obj    bool
		prefix string // the key path of this container, with a trailing "/"
		key    string
		want   bool // next string token in this object is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		end := int(dec.InputOffset())
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				prefix := ""
				if n := len(stack); n > 0 {
					stack[n-1].want = stack[n-1].obj
					prefix = stack[n-1].prefix + stack[n-1].key + "/"
				}
				stack = append(stack, frame{obj: t == '{', want: t == '{', prefix: prefix})
			case '}', ']':
				stack = stack[:len(stack)-1]
				if len(stack) > 0 {
					stack[len(stack)-1].want = stack[len(stack)-1].obj
				}
			}
			continue
		case string:
			if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].want {
				stack[n-1].want = false
				// A key's path is the keys its enclosing objects were reached by, then
				// itself; the frame remembers it for values nested under it.
				out[stack[n-1].prefix+t] = lines.pos(file, stringStart(data, end))
				stack[n-1].key = t
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].want = true
		}
	}
}

// stringStart is the offset of the opening quote of the JSON string that
// ends (its closing quote included) at end: the nearest quote before the
// closing one that no backslash escapes. The decoded string is no measure of
// it: an escape (\u0061) is longer than what it spells, and an invalid
// UTF-8 byte shorter than the U+FFFD it decodes to.
func stringStart(data []byte, end int) int {
	for q := end - 2; q >= 0; q-- {
		if data[q] != '"' {
			continue
		}
		bs := 0
		for q-bs > 0 && data[q-bs-1] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			return q
		}
	}
	return 0
}

// lineIndex holds the offset at which each line starts, so a position costs a
// binary search instead of a scan from the start.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	l := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

func (l lineIndex) pos(file string, off int) diag.Pos {
	off = max(off, 0)
	i, _ := slices.BinarySearch(l, off+1) // the first line starting after off
	return diag.Pos{File: file, Line: i, Col: off - l[i-1] + 1}
}

// posAt converts a byte offset into a 1-based line and column.
func posAt(file string, data []byte, off int) diag.Pos {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return diag.Pos{File: file, Line: line, Col: col}
}

// jsonError gives a JSON decoding error the position it happened at.
func jsonError(file string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return diag.Errorf(posAt(file, data, int(syn.Offset)), "invalid JSON: %v", syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the document"
		}
		return diag.Errorf(posAt(file, data, int(typ.Offset)), "%s: want %s, got a JSON %s", field, goTypeName(typ.Type.String()), typ.Value)
	}
	return diag.Errorf(diag.Pos{File: file}, "invalid JSON: %v", err)
}

func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "map["):
		return "an object"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	}
	return t
}
