package plan2llb

import (
	"context"
	"fmt"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"

	"github.com/monokit/monokit/solver/plan"
)

// exec runs a stage's commands in its Workdir with its mounts, caches and
// secrets, and returns its result: its filesystem, or the mount it keeps as
// its result. What it keeps of other mounts goes to extras and collected.
func (b *graph) exec(ctx context.Context, base llb.State, s plan.Stage) (llb.State, error) {
	st := withEnv(base, s.Env)
	if s.Workdir != "" {
		st = st.Dir(s.Workdir)
	}
	if s.PerTarget {
		st = targetEnv(st, b.o.TargetPlatform)
	}
	run := []llb.RunOption{shell(s.Run)}
	for _, m := range s.Mounts {
		if !b.mounted(m) {
			continue
		}
		src, err := b.mountSource(ctx, s, m)
		if err != nil {
			return llb.State{}, err
		}
		var opts []llb.MountOption
		if m.Keep == "" {
			opts = append(opts, llb.Readonly)
		}
		run = append(run, llb.AddMount(m.Target, src, opts...))
	}
	run = append(run, b.caches(s)...)
	run = append(run, b.secrets(s)...)
	name := s.Title
	if name == "" {
		name = "RUN " + strings.Join(s.Run, " && ")
	}
	es := st.Run(append(run, b.runOptions(s, name)...)...)
	result := es.Root()
	for _, m := range s.Mounts {
		switch m.Keep {
		case plan.KeepResult:
			result = es.GetMount(m.Target)
		case plan.KeepExtra:
			b.extras[s.ID] = es.GetMount(m.Target)
		case plan.KeepCollect:
			b.collected[s.ID] = es.GetMount(m.Target)
		}
	}
	return result, nil
}

// mounted reports whether the mount is for this target platform: a
// download only for the platforms it names, and, when CrossOnly, not for the
// build platform.
func (b *graph) mounted(m plan.Mount) bool {
	tp := b.o.TargetPlatform
	if m.CrossOnly && platforms.OnlyStrict(b.o.BuildPlatform).Match(tp) {
		return false
	}
	return m.On(tp.OS, plan.NodeArch(tp.Architecture))
}

// mountSource is what a mount starts as: an image for the target platform, a
// needed stage's result or what it keeps, a layer of the runtime image, a
// file BuildKit downloads, or an empty directory.
func (b *graph) mountSource(ctx context.Context, s plan.Stage, m plan.Mount) (llb.State, error) {
	switch {
	case m.URL != "":
		return llb.HTTP(m.URL, llb.Filename(m.File), llb.WithCustomName("FETCH "+m.URL)), nil
	case m.Image != "":
		img, _, err := b.o.Image(ctx, m.Image, b.o.TargetPlatform)
		return img, err
	case m.Stage != "" && m.Extra:
		if _, err := b.need(s, m.Stage); err != nil {
			return llb.State{}, err
		}
		st, ok := b.extras[m.Stage]
		if !ok {
			return llb.State{}, fmt.Errorf("plan2llb: stage %s mounts what %s keeps, which keeps nothing", s.ID, m.Stage)
		}
		return st, nil
	case m.Stage != "":
		return b.need(s, m.Stage)
	case m.Layer != "":
		return b.namedLayer(s, m.Layer)
	case len(m.Layers) > 0:
		return b.mergedLayers(s, m.Layers)
	}
	return llb.Scratch(), nil
}

// secrets mounts the plan's secrets into stage s, if it mounts them. A CA
// bundle is also named by NODE_EXTRA_CA_CERTS, for this step only: a run
// option's environment does not reach the step's result.
func (b *graph) secrets(s plan.Stage) []llb.RunOption {
	if !s.Secrets {
		return nil
	}
	var out []llb.RunOption
	for _, sec := range b.plan.Secrets {
		var opts []llb.SecretOption
		if !sec.Required {
			opts = append(opts, llb.SecretOptional)
		}
		if sec.Env != "" {
			out = append(out, llb.AddSecretWithDest(sec.ID, nil, append(opts, llb.SecretAsEnvName(sec.Env))...))
			continue
		}
		out = append(out, llb.AddSecret(sec.File(), append(opts, llb.SecretID(sec.ID))...))
		if sec.CA {
			out = append(out, llb.AddEnv(plan.CAEnv, sec.File()))
		}
	}
	return out
}

// caches are the stage's persistent cache mounts, as the plan declares them.
func (b *graph) caches(s plan.Stage) []llb.RunOption {
	sharing := map[string]llb.CacheMountSharingMode{plan.CacheLocked: llb.CacheMountLocked, plan.CacheShared: llb.CacheMountShared, plan.CachePrivate: llb.CacheMountPrivate}
	var out []llb.RunOption
	for _, c := range s.Caches {
		out = append(out, llb.AddMount(c.Target, llb.Scratch(), llb.AsPersistentCacheDir(b.cacheID(c.Name), sharing[c.Sharing])))
	}
	return out
}

// cacheID namespaces a cache mount by the build platform and the plan's cache key
// (libc and Node.js major), so stores of incompatible native builds never mix.
func (b *graph) cacheID(name string) string {
	p := b.o.BuildPlatform
	arch := p.Architecture
	if p.Variant != "" {
		arch += p.Variant
	}
	id := fmt.Sprintf("monokit/%s/%s-%s-%s", name, p.OS, arch, b.plan.CacheKey)
	if b.o.CacheNS != "" {
		id = b.o.CacheNS + "/" + id
	}
	return id
}

// shell runs each command in a /bin/sh -e of its own, in order, stopping at the
// first that fails. The commands are arguments, not text of one script: a
// heredoc, an exit or a trailing backslash in a user's command cannot swallow
// or skip monokit's commands after it.
func shell(cmds []string) llb.RunOption {
	return llb.Args(append([]string{"/bin/sh", "-c", `for c in "$@"; do /bin/sh -ec "$c" || exit; done`, "sh"}, cmds...))
}

func withEnv(st llb.State, env []string) llb.State {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		st = st.AddEnv(k, v)
	}
	return st
}

// runOptions are what every exec of stage s carries besides its command and
// mounts: its constraints, and the proxy settings.
func (b *graph) runOptions(s plan.Stage, name string) []llb.RunOption {
	var out []llb.RunOption
	for _, o := range b.constraints(s, name) {
		out = append(out, o)
	}
	if b.o.Proxy != nil {
		out = append(out, llb.WithProxy(*b.o.Proxy))
	}
	return out
}
