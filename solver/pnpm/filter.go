package pnpm

import (
	"fmt"
	"regexp"
	"strings"
)

// filterName matches a name that pnpm's selector grammar reads as a name
// pattern and nothing else: no leading '.' (a path, or "...x", dependents),
// no leading '!' (exclusion), no braces or brackets (a directory or a
// diff).
var filterName = regexp.MustCompile(`^[^.!{}\[\]][^{}\[\]]*$`)

// Filter is the --filter selector that picks the package and no other, by
// its directory and its name together (`@x/web{apps/web}`): pnpm selects the
// packages whose name matches and whose directory is the one in braces, so a
// name that is also a pattern (`@x/*`) or a directory selects only this
// package. Measured with pnpm 9, 10 and 11: `{packages/ui}` selects the
// package there and not one nested below it, and `@x/*{apps/star}` the
// package named `@x/*` alone. A name the grammar cannot hold selects by the
// directory alone; the root, by ".". A directory the braces cannot hold
// (`}`) and such a name together cannot be selected.
func (p *Package) Filter() (string, error) {
	// A name with a lone surrogate (kept as its escape) cannot reach pnpm
	// in an argument: Node.js reads arguments as UTF-8.
	safe := filterName.MatchString(p.Name) && !strings.HasSuffix(p.Name, "^") && !p.surrogate
	switch {
	case p.Dir == "." && safe:
		return p.Name, nil
	case p.Dir == ".":
		return ".", nil
	case strings.ContainsAny(p.Dir, "}\x00\n") && safe:
		return p.Name, nil
	case strings.ContainsAny(p.Dir, "}\x00\n"):
		return "", fmt.Errorf("%s: pnpm's --filter cannot select this package: its directory holds '}' and its name %q is filter syntax; rename one of them", p.Dir, p.Name)
	case safe:
		return p.Name + "{" + p.Dir + "}", nil
	}
	return "{" + p.Dir + "}", nil
}
