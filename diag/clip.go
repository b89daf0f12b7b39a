package diag

import (
	"fmt"
	"unicode/utf8"
)

// MaxQuoted is how many bytes of a value an error quotes.
const MaxQuoted = 120

// Clip shortens s to about MaxQuoted bytes, on a rune boundary, and says how
// long it was.
func Clip(s string) string {
	if len(s) <= MaxQuoted {
		return s
	}
	n := MaxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:n], len(s))
}
