package solver

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
)

// runtimeChoice is the runtime and build images of a target.
type runtimeChoice struct {
	kind         string // distroless, alpine or image
	image        string
	buildImage   string
	libc         string
	user         string
	node         string // node binary in the runtime image
	distrolessOK bool
}

// distrolessNode are the Node.js lines distroless publishes on Debian 13.
var distrolessNode = []int{22, 24, 26}

// runtimeName is the target's runtime: its own, else the manifest's, else
// distroless.
func runtimeName(m *manifest.Manifest, t *manifest.Target) manifest.String {
	rt := t.Runtime
	if rt.Value == "" {
		rt = m.Runtime
	}
	if rt.Value == "" {
		rt.Value = manifest.RuntimeDistroless
	}
	return rt
}

func resolveRuntime(m *manifest.Manifest, t *manifest.Target, node plan.Version, preset string) (runtimeChoice, error) {
	rt := runtimeName(m, t)
	var c runtimeChoice
	switch {
	case preset == manifest.PresetStatic:
		// A static site runs no Node.js: the manifest's runtime is for its
		// node targets, and a target's own is a mistake.
		if t.Runtime.Value != "" {
			return c, diag.Errorf(t.Runtime.Pos, "target %q is a static site (preset static): monokit-serve on distroless/static (%s) serves it, and runtime: %s does not apply; remove runtime: from the target", t.Name, ServeImage, t.Runtime.Value)
		}
		c = runtimeChoice{kind: manifest.PresetStatic, image: ServeImage, libc: manifest.LibcGlibc, user: "65532:65532"}
	case rt.Value == manifest.RuntimeDistroless:
		if !slices.Contains(distrolessNode, node.Major) {
			return c, diag.Errorf(node.Pos, "target %q: distroless publishes Node.js %s only, not %s (%s); pick one of those or set runtime: alpine", t.Name, joinInts(distrolessNode), node.Version, node.Source)
		}
		c = runtimeChoice{kind: rt.Value, image: fmt.Sprintf("gcr.io/distroless/nodejs%d-debian13", node.Major), libc: manifest.LibcGlibc, user: "65532:65532", node: "/nodejs/bin/node"}
	case rt.Value == manifest.RuntimeAlpine:
		c = runtimeChoice{kind: rt.Value, image: fmt.Sprintf("node:%s-alpine", node.Version), libc: manifest.LibcMusl, user: "1000:1000", node: "/usr/local/bin/node"}
	default:
		libc := t.Libc.Value
		if libc == "" {
			libc = manifest.LibcGlibc
		}
		c = runtimeChoice{kind: "image", image: rt.Value, libc: libc, user: "65532:65532", node: "node"}
	}
	if t.User.Value != "" {
		c.user = t.User.Value
		if !strings.Contains(c.user, ":") {
			c.user += ":" + c.user
		}
	}
	c.buildImage = glibcBuildImage(node)
	if c.libc == manifest.LibcMusl {
		c.buildImage = fmt.Sprintf("node:%s-alpine", node.Version)
	}
	if b := m.Images.Build.Value; b != "" {
		c.buildImage = b
	}
	return c, nil
}

func joinInts(v []int) string {
	var s []string
	for _, i := range v {
		s = append(s, strconv.Itoa(i))
	}
	return strings.Join(s, ", ")
}

// runtimeStage assembles the image on the target platform with file
// operations only, in three layers: the production tree from the last stage
// that wrote it, with the shared libraries the native stage found its addons
// need; the workspace packages' files in it; then (for node apps) the app's
// own files from its build.
func (b *builder) runtimeStage() error {
	if b.plan.Preset == manifest.PresetStatic {
		b.add(b.staticRuntime())
		return nil
	}
	var deps []plan.Copy
	if b.tree != "" {
		deps = b.dependenciesLayer()
	}
	rt := plan.Stage{ID: "runtime", Kind: plan.KindRuntime, Image: b.rt.image, Needs: copySources(deps), Platform: plan.OnTarget, Copies: deps}
	if b.overlay != "" {
		rt.Needs = append(rt.Needs, b.overlay)
		rt.Copies = append(rt.Copies, plan.Copy{From: b.overlay, Src: plan.PruneRoot + "/", Dest: plan.AppRoot + "/", Layer: plan.LayerWorkspace})
	}
	if b.plan.Preset == manifest.PresetNext && b.tree != "" {
		// The rest of the standalone tree: the server, the app's build and
		// the workspace packages' traced files, so an app edit pushes
		// this layer alone.
		rt.Copies = append(rt.Copies, plan.Copy{From: b.tree, Src: plan.PruneRoot + "/", Dest: plan.AppRoot + "/", Excludes: []string{"node_modules"}, Layer: plan.LayerApp})
	}
	if b.plan.Preset != manifest.PresetNext {
		app := "app:" + b.pkg.ID()
		rt.Needs = append(rt.Needs, app)
		for _, c := range b.appFiles(app) {
			c.Layer = plan.LayerApp
			rt.Copies = append(rt.Copies, c)
		}
	}
	if b.traced && b.tree != "" {
		copies, err := b.trace(rt.Copies)
		if err != nil {
			return err
		}
		rt.Copies, rt.Needs = copies, copySources(copies)
	}
	b.add(rt)
	return nil
}

// dependenciesLayer are the runtime's copies into its dependencies layer: the
// production tree from the last stage that wrote it, and, after a native
// stage, the shared libraries its addons need, which native-build.js writes
// under /usr/lib, where the runtime's loader looks. A Next.js app's tree is
// its standalone output, which holds the app too: its node_modules make the
// dependencies layer (runtimeStage adds the rest). The dependencies' times
// are fixed (plan.Copy.FixedTime): next build writes them anew.
func (b *builder) dependenciesLayer() []plan.Copy {
	out := []plan.Copy{{From: b.tree, Src: plan.PruneRoot + "/", Dest: plan.AppRoot + "/", Layer: plan.LayerDependencies, FixedTime: true}}
	if b.plan.Preset == manifest.PresetNext {
		out[0].Src, out[0].Dest = plan.PruneRoot+"/node_modules/", plan.AppRoot+"/node_modules/"
	}
	if b.plan.Stage("native") != nil {
		out = append(out, plan.Copy{From: "native", Src: plan.LibsRoot + "/", Dest: "/", Layer: plan.LayerDependencies, FixedTime: true})
	}
	return out
}

// copySources are the stages copies come from, each once, in order.
func copySources(cs []plan.Copy) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.From) {
			out = append(out, c.From)
		}
	}
	return out
}

// runtime fills in the image config of the runtime stage prune added: the image is
// assembled on the target platform with file operations only.
func (b *builder) runtime() error {
	ports := b.t.Ports
	ic := plan.ImageConfig{User: b.rt.user, WorkingDir: plan.AppRoot, Entrypoint: []string{b.rt.node}, StopSignal: "SIGTERM"}
	ic.Env = []string{"NODE_ENV=production"}
	if b.plan.Preset == manifest.PresetStatic {
		if len(ports) == 0 {
			port, _ := staticPort(b.site)
			ports = []manifest.Port{{Number: port, Protocol: "tcp"}}
		}
		ic = b.staticImage(ports)
	} else if b.plan.Preset != manifest.PresetNext {
		start, err := b.start()
		if err != nil {
			return err
		}
		// Environment the start script set (cross-env A=1 node ...) comes
		// before the manifest's, which wins.
		ic.Cmd = append([]string{"--import", stopOnSIGTERM}, start.nodeArgs()...)
		ic.Env = plan.SetEnv(ic.Env, start.env...)
	}
	if b.plan.Preset == manifest.PresetNext {
		if len(ports) == 0 {
			ports = []manifest.Port{{Number: 3000, Protocol: "tcp"}}
		}
		// Next.js's standalone server binds to HOSTNAME, which container runtimes
		// set to the container ID: listen everywhere instead.
		ic.Env = plan.SetEnv(ic.Env, "HOSTNAME=0.0.0.0", "PORT="+strconv.Itoa(ports[0].Number), "NEXT_TELEMETRY_DISABLED=1")
		ic.Cmd = []string{path.Join(b.pkg.Dir, "server.js")}
	}
	for _, e := range b.t.Env {
		ic.Env = plan.SetEnv(ic.Env, e.Key+"="+e.Value)
	}
	for _, p := range ports {
		ic.Ports = append(ic.Ports, fmt.Sprintf("%d/%s", p.Number, p.Protocol))
	}
	if b.plan.Preset == manifest.PresetNext && len(b.t.Start) > 0 {
		for _, s := range b.t.Start {
			ic.Cmd = append(ic.Cmd, s.Value)
		}
	}
	if h := b.t.Healthcheck; h != nil {
		port := h.Port
		if port == 0 && len(ports) == 0 {
			return diag.Errorf(h.Pos, "target %q: healthcheck has no port to check; add port: to the target or to the healthcheck", b.t.Name)
		}
		if port == 0 {
			port = ports[0].Number
		}
		test := []string{"CMD", b.rt.node, "-e", healthScript(port, h.Path.Value, h.Timeout)}
		if b.plan.Preset == manifest.PresetStatic {
			test = []string{"CMD", ServeBinary, "probe", fmt.Sprintf("http://127.0.0.1:%d%s", port, h.Path.Value)}
		}
		ic.Healthcheck = &plan.Healthcheck{
			Test:        test,
			Interval:    h.Interval,
			Timeout:     h.Timeout,
			StartPeriod: h.StartPeriod,
			Retries:     h.Retries,
		}
	}
	ic.Labels = b.labels()
	b.plan.Image = ic
	return nil
}

// stopOnSIGTERM makes node exit on SIGTERM when the app has no handler of its
// own. Node.js as the container's PID 1 ignores SIGTERM by default, so
// docker stop of an app without a handler (Astro's standalone server, most
// Express apps) waits 10 s and kills it; an app with a handler (a graceful
// shutdown) runs its own. A data: URL, so the image needs no file for it.
const stopOnSIGTERM = "data:text/javascript,process.on('SIGTERM',()=>{if(process.listenerCount('SIGTERM')<2)process.exit(143)})"

// healthScript probes the endpoint with Node's own fetch: runtime images may have
// no shell, curl or wget.
func healthScript(port int, p string, timeout interface{ Milliseconds() int64 }) string {
	ms := timeout.Milliseconds()
	if ms <= 0 {
		ms = 5000
	}
	// The URL as a JSON string is a JavaScript string literal: whatever the
	// path holds, it stays data.
	url, _ := json.Marshal(fmt.Sprintf("http://127.0.0.1:%d%s", port, p))
	return fmt.Sprintf("fetch(%s,{signal:AbortSignal.timeout(%d)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))", url, ms)
}

// start is what node runs: the manifest's start, else what inferStart reads
// from the package's scripts or main, with the environment a script set.
func (b *builder) start() (startCommand, error) {
	if b.started == nil {
		sc, err := b.readStart()
		b.started = &startResult{sc, err}
	}
	return b.started.sc, b.started.err
}

type startResult struct {
	sc  startCommand
	err error
}

func (b *builder) readStart() (startCommand, error) {
	if len(b.t.Start) > 0 {
		var sc startCommand
		for _, s := range b.t.Start {
			sc.args = append(sc.args, s.Value)
		}
		return sc, nil
	}
	sc, examined := inferStart(b.pkg.JSON)
	if examined != nil {
		return sc, diag.Errorf(b.t.Pos, "target %q: cannot tell how to start %s: %s; add start: [dist/main.js] (node's arguments) to the target", b.t.Name, b.pkg.ID(), strings.Join(examined, "; "))
	}
	if sc.site != nil {
		return sc, diag.Errorf(b.t.Preset.Pos, "target %q: preset %s, but %s serves static files (%s), which no Node.js process does in the image; remove preset: (a static site runs on monokit-serve) or add start: with node's arguments", b.t.Name, b.plan.Preset, b.pkg.ID(), sc.site.from)
	}
	if sc.bin != "" {
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("start: %s %s, from %s: node runs the bin's file, which the workspace stage links at %s", sc.bin, strings.Join(sc.args, " "), sc.from, path.Join(BinDir, sc.bin)))
		return sc, nil
	}
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("start: node %s, from %s", strings.Join(sc.args, " "), sc.from))
	return sc, nil
}

// labels are the OCI annotations from package.json, then the manifest's.
func (b *builder) labels() map[string]string {
	pj := b.pkg.JSON
	l := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			l["org.opencontainers.image."+k] = v
		}
	}
	set("title", pj.Name)
	set("version", pj.Version)
	set("description", pj.Description)
	set("licenses", pj.License)
	set("source", strings.TrimPrefix(b.pkg.JSON.Repo(), "git+"))
	set("url", pj.Homepage)
	for _, kv := range b.t.Labels {
		l[kv.Key] = kv.Value
	}
	return l
}
