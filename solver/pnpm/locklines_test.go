package pnpm_test

import (
	"strings"
	"testing"

	"github.com/monokit/monokit/solver/pnpm"
)

// A line over the limit is refused at its line, before either parser copies
// it; one just under it is read.
func TestLockfileLongLine(t *testing.T) {
	head := "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\npackages:\n\n  foo@1.0.0:\n    resolution: {integrity: sha512-"
	tail := "}\n\nsnapshots:\n\n  foo@1.0.0: {}\n"
	for _, tc := range []struct {
		value int
		err   string
	}{
		{1<<20 - 100, ""},
		{1 << 20, "pnpm-lock.yaml:10:1048577: line 10 is 1.0 MiB long"},
	} {
		lock := head + strings.Repeat("A", tc.value) + tail
		_, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(lock))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("value of %d bytes: %v", tc.value, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("value of %d bytes: got %v, want %q...", tc.value, err, tc.err)
		}
	}
}
