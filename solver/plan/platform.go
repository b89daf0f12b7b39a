package plan

import (
	"slices"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/diag"
)

// Platforms is what the production tree of a target holds that depends on the
// platform, and how monokit selects it for each target platform.
type Platforms struct {
	// CrossSelect says the repository's pnpm takes --os/--cpu/--libc (10.14 and
	// later), so the production tree of any target platform is selected on the
	// build platform.
	CrossSelect bool `json:"crossSelect"`
	// Prebuilt are the platform-specific packages (os/cpu/libc in the lockfile)
	// of the production tree, for every platform: each target gets only its own.
	Prebuilt []string `json:"prebuilt,omitempty"`
	// Native are the packages whose install scripts pnpm runs (allowBuilds,
	// onlyBuiltDependencies, requiresBuild): they may compile for the platform
	// they run on, so their scripts run on the target platform.
	Native []string `json:"native,omitempty"`
	// AllNative says every dependency's install scripts run and the lockfile
	// does not say which have one (dangerouslyAllowAllBuilds, or pnpm 9).
	AllNative bool `json:"allNative,omitempty"`
	// Optional are the production tree's packages that only optional
	// dependencies reach: when their install script fails, pnpm warns and
	// goes on (the package's parent falls back without it), and so does the
	// native stage.
	Optional []string `json:"optional,omitempty"`
	// Source says where Native comes from, for messages.
	Source string   `json:"source,omitempty"`
	Pos    diag.Pos `json:"-"`
}

// HasNative reports whether install scripts must run on the target platform.
func (p Platforms) HasNative() bool { return len(p.Native) > 0 || p.AllNative }

// NodeArch is the process.arch (what npm's cpu field names) of an OCI
// architecture, or "" when Node.js has no build for it.
func NodeArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x64"
	case "386":
		return "ia32"
	case "arm64", "arm", "s390x", "riscv64", "loong64":
		return goarch
	case "ppc64le":
		return "ppc64"
	}
	return ""
}

// CheckPlatform refuses a target platform the plan cannot build correctly
// from a worker on build that can run what runnable says (nil: anything),
// before anything runs: a pnpm too old to select another platform's prebuilt
// packages, or native builds the worker cannot execute.
func (plan *Plan) CheckPlatform(build, tp ocispecs.Platform, runnable func(ocispecs.Platform) bool) error {
	if tp.OS != "linux" {
		return diag.Errorf(plan.Pos, "target %q: %s is not a linux platform; monokit builds linux images only (linux/amd64, linux/arm64, ...)", plan.Target, platforms.Format(tp))
	}
	if NodeArch(tp.Architecture) == "" {
		return diag.Errorf(plan.Pos, "target %q: Node.js has no build for %s; pick linux/amd64 or linux/arm64 (or another platform Node.js publishes)", plan.Target, platforms.Format(tp))
	}
	if platforms.Only(build).Match(tp) {
		return nil
	}
	pf := plan.Platforms
	if !pf.CrossSelect && (len(pf.Prebuilt) > 0 || len(pf.Native) > 0) {
		all := append(slices.Clone(pf.Prebuilt), pf.Native...)
		return diag.Errorf(plan.PNPM.Pos, "target %q: pnpm %s cannot select the %s packages of %d platform-specific packages (%s) from %s (--os/--cpu/--libc arrived in pnpm 10.14); set packageManager to pnpm@10.14.0 or later, or build on a %s builder",
			plan.Target, plan.PNPM.Version, platforms.Format(tp), len(all), strings.Join(families(all), ", "), platforms.Format(build), platforms.Format(tp))
	}
	if !pf.HasNative() || !slices.ContainsFunc(plan.Stages, func(s Stage) bool { return s.Kind == KindNative }) || runnable == nil || runnable(tp) {
		return nil
	}
	what := "every dependency with an install script"
	if len(pf.Native) > 0 {
		what = strings.Join(pf.Native, ", ")
	}
	return diag.Errorf(pf.Pos, "target %q: %s run install scripts (%s), which must run on %s, and this builder cannot run %s: register QEMU on the builder host (docker run --privileged --rm tonistiigi/binfmt --install %s), add a %s node to the builder (docker buildx create --append), or, if those packages ship prebuilt binaries, stop allowing their builds",
		plan.Target, what, pf.Source, platforms.Format(tp), platforms.Format(tp), tp.Architecture, platforms.Format(tp))
}
