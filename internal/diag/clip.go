package diag

import (
	"fmt"
	"unicode/utf8"
)

// MaxQuoted is how many bytes of a value from the repository an error quotes.
const MaxQuoted = 200

// MaxArg is how long any string Errorf formats may be: the lists monokit
// writes itself (targets, packages, reasons) stay whole below it, and a value
// from the repository that reaches an error unclipped is cut there.
const MaxArg = 2048

// Clip shortens s to about MaxQuoted bytes, on a rune boundary, and says how
// long it was.
func Clip(s string) string { return clip(s, MaxQuoted) }

func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := max
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:n], len(s))
}
