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
