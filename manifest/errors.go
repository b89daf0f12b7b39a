package manifest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) error {
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

// Suggest returns a " (did you mean X?)" hint for the candidate closest to s, or ""
// when none is close enough to be a likely typo.
func Suggest(s string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range slices.Sorted(slices.Values(candidates)) {
		d := distance(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(2, len(s)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
