package solver

import (
	"fmt"
	"path"
	"strconv"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// ServeImage is the runtime of static apps: monokit-serve (cmd/monokit-serve),
// a static binary, on distroless/static. It has no shell, no Node.js and no
// package manager, and runs as nonroot (65532).
const ServeImage = "docker.io/monokit/serve:1"

// ServeBinary is monokit-serve's path in ServeImage.
const ServeBinary = "/monokit-serve"

// staticSite is a static app: its build writes files that a static server
// serves, and no Node.js process runs.
type staticSite struct {
	root string // the directory the build writes, relative to the package
	spa  bool   // pages that are not files answer index.html
	port int    // the port the script serves on; 0: not said
	from string // why, for the plan's notes and the inferred manifest
}

// targetPreset is the target's preset, its own else inferred: next for a
// Next.js app, static for a static site, else node; and a static app's site.
func targetPreset(ws *pnpm.Workspace, t *manifest.Target, pkg *pnpm.Package) (string, staticSite) {
	preset := t.Preset.Value
	switch preset {
	case "":
		if nextAppReason(ws, pkg) != "" {
			return manifest.PresetNext, staticSite{}
		}
		if site, ok := staticApp(ws, pkg); ok {
			return manifest.PresetStatic, site
		}
		return manifest.PresetNode, staticSite{}
	case manifest.PresetStatic:
		if site, ok := staticApp(ws, pkg); ok {
			return preset, site
		}
		return preset, staticSite{spa: true, from: "preset: static in the manifest"}
	}
	return preset, staticSite{}
}

// staticRoot is the directory the static app's build writes, relative to
// the package: the package's outputs: in the manifest, else what its start
// script serves or its bundler writes, else dist.
func (b *builder) staticRoot() string {
	if o := override(b.m, b.pkg); o != nil && len(o.Outputs) > 0 {
		return path.Clean(o.Outputs[0].Value)
	}
	if r := path.Clean(b.site.root); b.site.root != "" && r != "." {
		return r
	}
	return "dist"
}

// staticRuntime is a static app's runtime: the site, owned by root, on the
// serve image, and monokit-serve's arguments.
func (b *builder) staticRuntime() plan.Stage {
	app := "app:" + b.pkg.ID()
	site := path.Join(plan.BuildRoot, b.pkg.Dir, b.staticRoot())
	return plan.Stage{ID: "runtime", Kind: plan.KindRuntime, Image: b.rt.image, Needs: []string{app}, Platform: plan.OnTarget,
		Copies: []plan.Copy{{From: app, Src: site + "/", Dest: plan.AppRoot + "/", Layer: plan.LayerApp}}}
}

// staticImage is the static app's image config: monokit-serve serves
// AppRoot on PORT, with SPA fallback when the app is a single-page app, and
// probes itself for the HEALTHCHECK (the image has no shell or Node.js).
func (b *builder) staticImage(ports []manifest.Port) plan.ImageConfig {
	ic := plan.ImageConfig{User: b.rt.user, WorkingDir: plan.AppRoot, Entrypoint: []string{ServeBinary}, Cmd: []string{"--root", plan.AppRoot}, StopSignal: "SIGTERM"}
	if b.site.spa {
		ic.Cmd = append(ic.Cmd, "--spa")
	}
	ic.Env = []string{"PORT=" + strconv.Itoa(ports[0].Number)}
	root := b.staticRoot()
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("static site: monokit-serve serves %s (%s)%s", path.Join(b.pkg.Dir, root), b.site.from, map[bool]string{true: ", with index.html for pages that are not files", false: ""}[b.site.spa]))
	return ic
}

// staticPort is the port a static app's start script serves on, else 3000
// (serve's default), and why.
func staticPort(site staticSite) (int, string) {
	if site.port > 0 {
		return site.port, "the start script serves on it"
	}
	return 3000, "monokit-serve's default (PORT)"
}
