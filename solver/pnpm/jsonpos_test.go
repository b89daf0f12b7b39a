package pnpm

import (
	"fmt"
	"strings"
	"testing"
)

// TestLineIndex: the binary search gives posAt's answer at every offset.
func TestLineIndex(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n\n  \"b\": {\"c\": 2}\n}")
	l := newLineIndex(data)
	for off := 0; off <= len(data); off++ {
		if got, want := l.pos("f", off), posAt("f", data, off); got != want {
			t.Errorf("offset %d: %v, want %v", off, got, want)
		}
	}
}

// oneLineKeys is a package.json with n dependencies on one line.
func oneLineKeys(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"name":"x","dependencies":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"dep-%d":"^1.0.0"`, i)
	}
	b.WriteString("}}")
	return []byte(b.String())
}

func TestJSONKeysOneLine(t *testing.T) {
	keys := jsonKeys("package.json", oneLineKeys(3))
	if p := keys["dependencies/dep-2"]; p.Line != 1 || p.Col != 63 {
		t.Errorf("dependencies/dep-2 at %v, want 1:63", p)
	}
}

// BenchmarkJSONKeysOneLine: 80,000 keys on one line (about 1.5 MB) took 28.6 s
// when each position was found by scanning from the start.
func BenchmarkJSONKeysOneLine(b *testing.B) {
	data := oneLineKeys(80_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		jsonKeys("package.json", data)
	}
}

// TestJSONKeysEscaped: a key is where its string starts, however many bytes
// its escapes or invalid UTF-8 take (FuzzPackageJSON found keys placed by
// their decoded length: inside the string, or lines before it).
func TestJSONKeysEscaped(t *testing.T) {
	data := "{\"n\\u0061me\": \"a\",\n \"dependencies\": {\"\\\"\\\\\": \"1\",\n\"\xff\xff\xff\xff\": \"2\"}}"
	keys := jsonKeys("package.json", []byte(data))
	for path, want := range map[string]string{"name": "1:2", "dependencies/\"\\": "2:19", "dependencies/\ufffd\ufffd\ufffd\ufffd": "3:1"} {
		if p := keys[path]; fmt.Sprintf("%d:%d", p.Line, p.Col) != want {
			t.Errorf("%q at %v, want %s", path, p, want)
		}
	}
}
