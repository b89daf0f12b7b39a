package pnpm

import (
	"strings"

	"github.com/Masterminds/semver/v3"
)

// npm ranges, as far as pnpm's lockfile check needs them: whether a version
// satisfies a range (Masterminds/semver reads npm's syntax) and whether two
// ranges intersect, which Masterminds/semver does not offer. For that a range
// becomes a union of intervals over release versions; prerelease tags are
// compared by semver precedence but not given npm's special inclusion rule,
// which no override selector relies on.

// validRange reports whether s is a range npm's semver accepts; "" is "*".
func validRange(s string) bool {
	_, ok := parseRange(s)
	return ok
}

// satisfies reports whether version v satisfies range r (both valid).
func satisfies(v, r string) bool {
	sv, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	if err != nil {
		return false
	}
	ivs, ok := parseRange(r)
	if !ok {
		return false
	}
	for _, iv := range ivs {
		if iv.contains(sv) {
			return true
		}
	}
	return false
}

// intersects reports whether some version satisfies both ranges.
func intersects(a, b string) bool {
	x, ok1 := parseRange(a)
	y, ok2 := parseRange(b)
	if !ok1 || !ok2 {
		return false
	}
	for _, i := range x {
		for _, j := range y {
			if i.overlaps(j) {
				return true
			}
		}
	}
	return false
}

// bound is one end of an interval; a nil version is unbounded.
type bound struct {
	v    *semver.Version
	incl bool
}

type interval struct{ lo, hi bound }

func (iv interval) contains(v *semver.Version) bool {
	if iv.lo.v != nil {
		c := v.Compare(iv.lo.v)
		if c < 0 || c == 0 && !iv.lo.incl {
			return false
		}
	}
	if iv.hi.v != nil {
		c := v.Compare(iv.hi.v)
		if c > 0 || c == 0 && !iv.hi.incl {
			return false
		}
	}
	return true
}

func (iv interval) empty() bool {
	if iv.lo.v == nil || iv.hi.v == nil {
		return false
	}
	c := iv.lo.v.Compare(iv.hi.v)
	return c > 0 || c == 0 && !(iv.lo.incl && iv.hi.incl)
}

func (iv interval) overlaps(o interval) bool {
	return !interval{lo: maxLo(iv.lo, o.lo), hi: minHi(iv.hi, o.hi)}.empty()
}

func maxLo(a, b bound) bound {
	switch {
	case a.v == nil:
		return b
	case b.v == nil:
		return a
	}
	if c := a.v.Compare(b.v); c > 0 || c == 0 && !a.incl {
		return a
	}
	return b
}

func minHi(a, b bound) bound {
	switch {
	case a.v == nil:
		return b
	case b.v == nil:
		return a
	}
	if c := a.v.Compare(b.v); c < 0 || c == 0 && !a.incl {
		return a
	}
	return b
}

// parseRange turns an npm range into intervals: "||" separates alternatives,
// each a hyphen range or comparators joined by spaces.
func parseRange(s string) ([]interval, bool) {
	var out []interval
	for _, alt := range strings.Split(s, "||") {
		iv, ok := parseSet(strings.TrimSpace(alt))
		if !ok {
			return nil, false
		}
		if !iv.empty() {
			out = append(out, iv)
		}
	}
	return out, true
}

func parseSet(s string) (interval, bool) {
	all := interval{}
	if s == "" || s == "*" || s == "x" || s == "X" {
		return all, true
	}
	if lo, hi, ok := strings.Cut(s, " - "); ok {
		a, ok1 := comparator(">=" + strings.TrimSpace(lo))
		b, ok2 := comparator("<=" + strings.TrimSpace(hi))
		if !ok1 || !ok2 {
			return all, false
		}
		return interval{lo: maxLo(a.lo, b.lo), hi: minHi(a.hi, b.hi)}, true
	}
	// npm allows a space between an operator and its version (">= 1.2").
	fields := strings.Fields(s)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.Trim(f, "<>=~^") == "" && i+1 < len(fields) {
			f += fields[i+1]
			i++
		}
		c, ok := comparator(f)
		if !ok {
			return all, false
		}
		all = interval{lo: maxLo(all.lo, c.lo), hi: minHi(all.hi, c.hi)}
	}
	return all, true
}

// partial is a version with some parts missing or wildcards (1, 1.x, 1.2.*).
type partial struct {
	parts []uint64 // 0 to 3 given numbers
	pre   string
}

func parsePartial(s string) (partial, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "=")
	var p partial
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		if s[i] == '-' {
			p.pre = s[i+1:]
			if j := strings.IndexByte(p.pre, '+'); j >= 0 {
				p.pre = p.pre[:j]
			}
		}
		s = s[:i]
	}
	if s == "" {
		return p, false
	}
	wild := false
	for i, part := range strings.Split(s, ".") {
		if i > 2 {
			return p, false
		}
		if part == "x" || part == "X" || part == "*" {
			wild = true
			continue
		}
		if wild {
			return p, false // 1.x.2
		}
		var n uint64
		if part == "" {
			return p, false
		}
		for _, r := range part {
			if r < '0' || r > '9' {
				return p, false
			}
			n = n*10 + uint64(r-'0')
		}
		p.parts = append(p.parts, n)
	}
	return p, true
}

func (p partial) version() *semver.Version {
	var n [3]uint64
	copy(n[:], p.parts)
	v := semver.New(n[0], n[1], n[2], "", "")
	if len(p.parts) == 3 && p.pre != "" {
		if pv, err := v.SetPrerelease(p.pre); err == nil {
			return &pv
		}
	}
	return v
}

// next is the lowest version above every version p matches: 1.2 → 1.3.0-0.
func (p partial) next(level int) *semver.Version {
	var n [3]uint64
	copy(n[:], p.parts)
	switch level {
	case 0:
		n = [3]uint64{n[0] + 1, 0, 0}
	case 1:
		n = [3]uint64{n[0], n[1] + 1, 0}
	default:
		n[2]++
	}
	v := semver.New(n[0], n[1], n[2], "", "")
	pv, _ := v.SetPrerelease("0")
	return &pv
}

// comparator reads one npm comparator (">=1.2", "^1", "~1.2.3", "1.x", "1.2.3").
func comparator(s string) (interval, bool) {
	op := strings.TrimRight(s[:len(s)-len(strings.TrimLeft(s, "<>=~^"))], " ")
	p, ok := parsePartial(strings.TrimSpace(s[len(op):]))
	if !ok {
		return interval{}, false
	}
	lo := bound{v: p.version(), incl: true}
	n := len(p.parts)
	switch op {
	case "", "=":
		if n == 3 {
			return interval{lo: lo, hi: lo}, true
		}
		if n == 0 {
			return interval{}, true
		}
		return interval{lo: lo, hi: bound{v: p.next(n - 1)}}, true
	case "^":
		// The first non-zero part given stays fixed.
		level := 0
		for level < n-1 && p.parts[level] == 0 {
			level++
		}
		if n == 0 {
			return interval{}, true
		}
		return interval{lo: lo, hi: bound{v: p.next(level)}}, true
	case "~", "~>":
		if n == 0 {
			return interval{}, true
		}
		return interval{lo: lo, hi: bound{v: p.next(min(n-1, 1))}}, true
	case ">=":
		return interval{lo: lo}, true
	case ">":
		if n < 3 && n > 0 {
			return interval{lo: bound{v: p.next(n - 1), incl: true}}, true
		}
		return interval{lo: bound{v: lo.v}}, true
	case "<=":
		if n < 3 && n > 0 {
			return interval{hi: bound{v: p.next(n - 1)}}, true
		}
		return interval{hi: lo}, true
	case "<":
		return interval{hi: bound{v: lo.v}}, true
	}
	return interval{}, false
}
