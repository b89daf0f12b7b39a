package diag

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ValidateRelPath checks a path or glob relative to the repository root: it may not
// leave the build context.
func ValidateRelPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q is absolute; paths are relative to the repository root", p)
	case slices.Contains(strings.Split(p, "/"), ".."):
		return fmt.Errorf("%q leaves the build context; monokit reads nothing outside it", p)
	}
	return nil
}
