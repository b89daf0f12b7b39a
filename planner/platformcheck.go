package planner

import (
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/monokit/monokit/diag"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

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
