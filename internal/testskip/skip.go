// Package testskip skips a test, or fails it where the suite allows no skip.
package testskip

import (
	"os"
	"testing"
)

// NoSkipEnv set to 1 (hack/test sets it, and so CI) makes Skip fail the
// test instead: what the suite needs is there, so a skip would hide a
// feature that was never tested.
const NoSkipEnv = "MONOKIT_NO_SKIP"

// Skip skips the test with why, or, under NoSkipEnv, fails it with why.
func Skip(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(NoSkipEnv) == "1" {
		t.Fatalf("%s, and %s=1 (hack/test) allows no skip", why, NoSkipEnv)
	}
	t.Skip(why)
}
