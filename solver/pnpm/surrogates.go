package pnpm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// A package.json name may hold a lone UTF-16 surrogate ("x\ud800"), which
// Go's encoding/json turns into U+FFFD, so that it would collide with a
// name spelling U+FFFD. Measured with pnpm 9.15.9, 10.34.9 and 11.28.10:
// JavaScript keeps the surrogate; pnpm installs and runs such a package and
// keeps it apart from "x\ufffd" (both are projects, each --filter selects its
// own); a dependency on it fails in pnpm 10 and 11 ("URI malformed"). monokit
// keeps such a name with the surrogate as its JSON escape ("x\ud800", valid
// UTF-8 that commands and messages can hold), so it stays distinct, and
// selects the package by its directory (Filter), since no argument can
// carry the surrogate to pnpm.

// jsonStringEscaped decodes raw, a JSON string literal, keeping each lone
// surrogate as its escape, \udXXX; ok is false when raw holds none
// (encoding/json's reading is then exact) or is no string.
func jsonStringEscaped(raw []byte) (string, bool) {
	s := string(raw)
	if len(s) < 2 || s[0] != '"' || !strings.Contains(strings.ToLower(s), `\ud`) {
		return "", false
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	lone := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if lo, ok := hex4(s, i+3); ok && lo >= 0xdc00 && lo <= 0xdfff {
						b.WriteRune(utf16.DecodeRune(r, lo))
						i += 6
						continue
					}
				}
				lone = true
				fmt.Fprintf(&b, "\\u%04x", r)
				continue
			}
			b.WriteRune(r)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		default: // '"', '\\', '/'
			b.WriteByte(s[i])
		}
	}
	return b.String(), lone
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 16)
	return rune(n), err == nil
}

// escapedSurrogate is a lone surrogate as jsonStringEscaped keeps it.
var escapedSurrogate = regexp.MustCompile(`\\ud[89a-f][0-9a-f]{2}`)

// sameName reports whether a dependency's name, as pnpm-lock.yaml or
// encoding/json spells it (a lone surrogate read as U+FFFD), is the
// package's name.
func sameName(p *Package, dep string) bool {
	if p.Name == dep {
		return true
	}
	return p.surrogate && escapedSurrogate.ReplaceAllString(p.Name, "\ufffd") == dep
}
