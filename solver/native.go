package solver

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// crossSelectSince is the first pnpm with --os, --cpu and --libc (pnpm#7510).
var crossSelectSince = semver.MustParse("10.14.0")

// prodPackages are the registry packages ("name@version") of the target's
// production tree: the app's and its production workspace dependencies'.
func (b *builder) prodPackages() []string {
	var importers []string
	for _, p := range append([]*pnpm.Package{b.pkg}, b.ws.ProdClosure(b.pkg)...) {
		importers = append(importers, p.Dir)
	}
	return b.ws.Lockfile.ProdPackages(importers)
}

// platforms reads the production tree's platform-specific and native packages
// from the lockfile and pnpm's build settings.
func (b *builder) platforms(prod []string) plan.Platforms {
	pl := plan.Platforms{CrossSelect: !versionBefore(b.plan.PNPM.Version, crossSelectSince)}
	allow, never, pos, src := b.buildSettings()
	for _, key := range prod {
		lp := b.ws.Lockfile.Packages[key]
		if lp == nil {
			continue
		}
		if lp.PlatformSpecific() {
			pl.Prebuilt = append(pl.Prebuilt, key)
		}
		if lp.Optional {
			pl.Optional = append(pl.Optional, key)
		}
		if b.runsBuild(lp, allow, never) {
			pl.Native = append(pl.Native, key)
		}
	}
	pl.Source, pl.Pos = src, pos
	switch {
	case b.plan.PNPM.Major >= 10 && b.ws.Config.DangerouslyAllowAllBuilds:
		pl.AllNative, pl.Source = true, "dangerouslyAllowAllBuilds in "+pnpm.WorkspaceFile
	case b.plan.PNPM.Major < 10 && strings.HasPrefix(b.ws.Lockfile.Version, "9."):
		pl.AllNative, pl.Source = true, fmt.Sprintf("pnpm %s runs every dependency's install scripts and lockfile 9.0 does not record which have one", b.plan.PNPM.Version)
		pl.Pos = b.plan.PNPM.Pos
	case b.plan.PNPM.Major < 10:
		pl.Source = "requiresBuild in " + pnpm.LockFile
	}
	return pl
}

// buildSettings are the package selectors pnpm 10+ allows and denies builds for:
// allowBuilds (10.26+, the only setting from 11), onlyBuiltDependencies and
// neverBuiltDependencies, from pnpm-workspace.yaml and the root package.json.
func (b *builder) buildSettings() (allow, never []string, pos diag.Pos, src string) {
	c := b.ws.Config
	for sel, v := range c.AllowBuilds {
		if on, ok := v.(bool); ok && on || v == "true" {
			allow = append(allow, sel)
		} else {
			never = append(never, sel)
		}
	}
	allow = append(allow, c.OnlyBuiltDependencies...)
	never = append(never, c.NeverBuiltDependencies...)
	if len(allow) > 0 {
		key := "allowBuilds"
		if len(c.AllowBuilds) == 0 {
			key = "onlyBuiltDependencies"
		}
		pos, src = b.ws.ConfigPos(key), pnpm.WorkspaceFile
	}
	if pj := b.ws.Root.JSON; len(pj.PNPM.OnlyBuiltDependencies) > 0 {
		allow = append(allow, pj.PNPM.OnlyBuiltDependencies...)
		pos, src = pj.Pos("pnpm/onlyBuiltDependencies"), pj.File
	}
	never = append(never, b.ws.Root.JSON.PNPM.NeverBuiltDependencies...)
	if src != "" {
		src = "the builds " + src + " allows"
	}
	slices.Sort(allow)
	return allow, never, pos, src
}

// runsBuild reports whether pnpm runs the package's install script: one
// the build settings allow (pnpm 10+), or, before pnpm 10, one lockfile
// 6.0 marks requiresBuild; never one they deny.
func (b *builder) runsBuild(lp *pnpm.LockPackage, allow, never []string) bool {
	if matchAny(never, lp) {
		return false
	}
	if b.plan.PNPM.Major >= 10 {
		return matchAny(allow, lp)
	}
	return lp.RequiresBuild
}

func matchAny(selectors []string, p *pnpm.LockPackage) bool {
	for _, s := range selectors {
		if pnpm.MatchPackage(s, p.Name, p.Version) {
			return true
		}
	}
	return false
}

// versionBefore reports whether a version (10, 10.14.0, 11.0.0-rc.1) is
// older than min; false when it is not one.
func versionBefore(v string, min *semver.Version) bool {
	got, err := semver.NewVersion(v)
	return err == nil && got.LessThan(min)
}

// native runs the production dependencies' install scripts on the target
// platform, in the build image for that platform with the system packages
// compilers need (python3, make, g++) and the build environment (node-gyp
// takes Node.js's headers from nodedir), then copies the shared libraries the
// addons link that the runtime image lacks.
//
// On a target platform that is the build platform, the install already ran
// these scripts: the stage starts from it, which has the system packages
// too, and copies each package as built, so a one-platform build compiles
// once.
//
// pnpm before 10.14 cannot deploy for another platform (platformcheck
// refuses one), and its deploy runs the scripts itself (taking what the
// install built from the store's side-effects cache): the stage then only
// adds the libraries.
func (b *builder) native(pf plan.Platforms) error {
	in := helpers.NativeInput{Packages: pf.Native, Optional: pf.Optional, Libs: plan.LibsDir, Runtime: plan.RuntimeImageMount,
		Built: plan.BuildRoot + "/node_modules/.pnpm"}
	if pf.AllNative {
		in.Packages = nil
	}
	if len(in.Packages) > 0 {
		in.Entries = b.ws.StoreEntries(in.Packages, b.plan.PNPM.Major)
	}
	script := "node " + helpers.NativeScript + " " + plan.TreeDir + " " + helpers.NativeData
	run := append(b.systemPackages(), script)
	if !pf.CrossSelect {
		// Nothing compiles here: no compilers. (Another target platform
		// gets what the deploy compiled for this one, as the plan's note
		// says; the loader there finds no libraries for it.)
		in.Ran, in.Built, run = true, "", []string{script}
	}
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	b.add(plan.Stage{ID: "native", Kind: plan.KindNative, Image: b.rt.buildImage, Needs: []string{b.tree, "deps"}, Platform: plan.OnTarget,
		Run: run, Env: toolchainEnv, Caches: b.systemCaches(), Outputs: []string{plan.PruneRoot, plan.LibsRoot}, Pos: pf.Pos,
		Files: []plan.File{{Path: helpers.NativeData, Data: string(data)}}, Helpers: []string{helpers.NativeScript, helpers.StoreScript},
		Workdir: plan.TreeDir, Mounts: []plan.Mount{{Image: b.rt.image, Target: plan.RuntimeImageMount}, {Stage: b.tree, Target: plan.TreeMount, Keep: plan.KeepResult}},
		OnBuildPlatform: &plan.Variant{From: "deps", Run: []string{script}}})
	b.tree = "native"
	return nil
}
