package plan

import (
	"slices"
	"testing"
)

// TestSetEnv: a later source of a variable (the start script's NODE_ENV, the
// manifest's env) replaces the earlier one in place instead of repeating it.
func TestSetEnv(t *testing.T) {
	env := SetEnv([]string{"NODE_ENV=production"}, "NODE_ENV=staging", "A=1")
	env = SetEnv(env, "A=2", "B=x=y")
	if want := []string{"NODE_ENV=staging", "A=2", "B=x=y"}; !slices.Equal(env, want) {
		t.Errorf("env %q, want %q", env, want)
	}
}
