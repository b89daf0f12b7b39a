package diag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	if got := Clip("short"); got != "short" {
		t.Errorf("Clip(short) = %q", got)
	}
	long := strings.Repeat("é", 1000) // 2 bytes a rune: a cut may fall inside one
	got := Clip(long)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "… (2000 bytes)") || len(got) > MaxQuoted+40 {
		t.Errorf("Clip(2000 bytes) = %q", got)
	}
	err := Errorf(Pos{File: ".nvmrc", Line: 1}, "node %q is not a version", strings.Repeat("9", 50<<20))
	if n := len(err.Error()); n > MaxArg+100 {
		t.Errorf("an error quoting 50 MB is %d bytes long", n)
	}
}
