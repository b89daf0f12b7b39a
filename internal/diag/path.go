package diag

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ValidateRelPath checks a path or glob relative to the repository root: it may not
// leave the build context. Every path from the repository that monokit reads or
// copies goes through it.
func ValidateRelPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.ContainsRune(p, 0):
		return fmt.Errorf("%q holds a NUL byte, which no file name can", Clip(p))
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q is absolute; paths are relative to the repository root", Clip(p))
	case slices.Contains(strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune("/{},", r) }), ".."):
		// A glob's {a,b} alternatives are split too: "{..,x}/etc" leaves.
		return fmt.Errorf("%q leaves the build context; monokit reads nothing outside it", Clip(p))
	}
	return nil
}
