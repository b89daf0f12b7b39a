package solver

import (
	"slices"

	"github.com/monokit/monokit/solver/manifest"
)

// buildEnv is the environment of a target's package builds, as NAME=value in
// declaration order: the manifest's build arguments, then the target's (a
// target's declaration replaces the manifest's of the same name), each with its
// --build-arg value, else its default, else left unset as a Dockerfile ARG is;
// then the fixed build environment, the target's over the manifest's. Only
// declared names reach the builds, so only they are part of the cache keys.
// DeclaredArgs are the build arguments t's builds see, in the order they are
// declared: the manifest's, then the target's, which replace one of the same
// name.
func DeclaredArgs(m *manifest.Manifest, t *manifest.Target) []manifest.Arg {
	var out []manifest.Arg
	for _, args := range [][]manifest.Arg{m.Args, t.Args} {
		for _, a := range args {
			if i := slices.IndexFunc(out, func(o manifest.Arg) bool { return o.Name == a.Name }); i >= 0 {
				out[i] = a
				continue
			}
			out = append(out, a)
		}
	}
	return out
}

func buildEnv(m *manifest.Manifest, t *manifest.Target, given map[string]string) []string {
	var names []string
	values := map[string]string{}
	set := func(name, value string) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		values[name] = value
	}
	unset := func(name string) {
		names = slices.DeleteFunc(names, func(n string) bool { return n == name })
		delete(values, name)
	}
	for _, args := range [][]manifest.Arg{m.Args, t.Args} {
		for _, a := range args {
			switch v, ok := given[a.Name]; {
			case ok:
				set(a.Name, v)
			case a.HasDefault:
				set(a.Name, a.Default)
			default:
				unset(a.Name)
			}
		}
	}
	for _, env := range [][]manifest.KV{m.BuildEnv, t.BuildEnv} {
		for _, kv := range env {
			set(kv.Key, kv.Value)
		}
	}
	var out []string
	for _, n := range names {
		out = append(out, n+"="+values[n])
	}
	return out
}
