package plan

import (
	"slices"
	"strings"
)

// SetEnv sets each KEY=value of kvs in env: in place when env has KEY, at the
// end otherwise, so a later source wins without a duplicate entry.
func SetEnv(env []string, kvs ...string) []string {
	for _, kv := range kvs {
		key, _, _ := strings.Cut(kv, "=")
		i := slices.IndexFunc(env, func(e string) bool { return strings.HasPrefix(e, key+"=") })
		if i >= 0 {
			env[i] = kv
		} else {
			env = append(env, kv)
		}
	}
	return env
}
