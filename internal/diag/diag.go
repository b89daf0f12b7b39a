// Package diag is how monokit reports a mistake a user can fix: a position in a
// file of the build context, an error that carries it, and a "did you mean" hint.
// Every other package reports user errors with it; it imports nothing of monokit.
package diag

import (
	"errors"
	"fmt"
	"golang.org/x/text/unicode/norm" // NFC, to tell names that differ only in their Unicode form
	"slices"

	"github.com/moby/buildkit/util/suggest"
)

// Pos is a position in a file of the build context: the manifest, a package.json,
// pnpm-workspace.yaml or pnpm-lock.yaml. Line and Col are 1-based; 0 means unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Error is a mistake a user can fix, with where it is. Every package of monokit
// reports user errors with it, so the frontend can attach the right source snippet.
type Error struct {
	Pos Pos
	Err error
}

func (e *Error) Error() string {
	if e.Pos == (Pos{}) {
		return e.Err.Error()
	}
	return fmt.Sprintf("%s: %v", e.Pos, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at pos. A string argument longer than MaxArg is
// clipped: a value from the repository may be megabytes long, and an error
// quotes it only to show which one is meant. (Values an error quotes go
// through Clip, shorter.)
func Errorf(pos Pos, format string, args ...any) error {
	clipped := false
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > MaxArg {
			if !clipped { // the caller's slice, when it passed one, stays as it was
				args, clipped = slices.Clone(args), true
			}
			args[i] = clip(s, MaxArg)
		}
	}
	return &Error{Pos: pos, Err: fmt.Errorf(format, args...)}
}

// Positions returns the position of every *Error in err, including those joined
// with errors.Join, in order.
func Positions(err error) []Pos {
	var out []Pos
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var e *Error
		if errors.As(err, &e) && e.Pos != (Pos{}) {
			out = append(out, e.Pos)
		}
	}
	walk(err)
	return out
}

// Suggest returns a " (did you mean X?)" hint for the candidate closest to s
// (BuildKit's suggest: within two edits, as the Dockerfile frontend hints),
// or "" when none is close enough to be a likely typo.
func Suggest(s string, candidates []string) string {
	best, ok := suggest.Search(s, slices.Sorted(slices.Values(candidates)), true)
	if !ok {
		return ""
	}
	if best != s && norm.NFC.String(best) == norm.NFC.String(s) {
		// Identical on screen, not in bytes (é as one code point, or e
		// and a combining accent): say so, with the bytes escaped.
		return fmt.Sprintf(" (%+q looks the same but its bytes differ from %+q: Unicode normalizes them alike, file names and pnpm do not; write it as %+q)", best, s, best)
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
