package solver

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/monokit/monokit/diag"
	"github.com/monokit/monokit/manifest"
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

func resolveRuntime(m *manifest.Manifest, t *manifest.Target, node Version) (runtimeChoice, error) {
	rt := t.Runtime
	if rt.Value == "" {
		rt = m.Runtime
	}
	if rt.Value == "" {
		rt.Value = manifest.RuntimeDistroless
	}
	var c runtimeChoice
	switch rt.Value {
	case manifest.RuntimeDistroless:
		if !slices.Contains(distrolessNode, node.Major) {
			return c, diag.Errorf(node.Pos, "target %q: distroless publishes Node.js %s only, not %s (%s); pick one of those or set runtime: alpine", t.Name, joinInts(distrolessNode), node.Version, node.Source)
		}
		c = runtimeChoice{kind: rt.Value, image: fmt.Sprintf("gcr.io/distroless/nodejs%d-debian13", node.Major), libc: manifest.LibcGlibc, user: "65532:65532", node: "/nodejs/bin/node"}
	case manifest.RuntimeAlpine:
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

func joinInts(v []int) string {
	var s []string
	for _, i := range v {
		s = append(s, strconv.Itoa(i))
	}
	return strings.Join(s, ", ")
}

// prune produces the production tree once per target platform. For node apps it
// runs pnpm deploy on deps plus what the app's production workspace dependencies
// contribute, without the app's own sources, so editing the app does not re-run
// it; the runtime then adds the app's files from its build. For Next.js apps it
// gathers the standalone output.
//
// The deploy runs on the build platform and selects the target platform's
// prebuilt packages with --os/--cpu/--libc; install scripts that may compile for
// the platform they run on are left to a native stage on the target platform.
func (b *builder) prune() error {
	app := "app:" + b.pkg.ID()
	prod := b.prodPackages()
	pf := b.platforms(prod)
	b.plan.Platforms = pf
	s := Stage{ID: "prune", Kind: KindPrune, Platform: OnBuild, Outputs: []string{PruneRoot}}
	b.tree = "prune"
	switch b.plan.Preset {
	case manifest.PresetNext:
		dir := path.Join(BuildRoot, b.pkg.Dir)
		s.Needs = []string{app}
		s.Copies = []Copy{
			{From: app, Src: path.Join(dir, ".next/standalone") + "/", Dest: PruneRoot + "/"},
			{From: app, Src: path.Join(dir, ".next/static"), Dest: path.Join(PruneRoot, b.pkg.Dir, ".next/static")},
			{From: app, Src: "/", Dest: PruneRoot + "/", Collected: true},
		}
		// The trace was taken on the build platform from the whole install:
		// per target platform, swap in its prebuilt packages and drop what
		// production does not install.
		parents := b.ws.Lockfile.PlatformParents(prod)
		sel, err := json.Marshal(SelectInput{Libc: b.rt.libc, StoreDir: StoreDir, Prod: prod, Parents: parents, Platform: b.ws.Lockfile.PlatformPackages(parents)})
		if err != nil {
			return err
		}
		b.add(s)
		s = Stage{ID: "select", Kind: KindSelect, Platform: OnBuild, PerTarget: true, Needs: []string{"toolchain", "prune"},
			Files: []File{{Path: SelectData, Data: string(sel)}}, Helpers: []string{SelectScript},
			Run:    []string{"node " + SelectScript + " " + TreeDir + " " + SelectData},
			Caches: lockedCaches(StoreDir, CacheDir), Outputs: []string{PruneRoot}, Secrets: len(b.plan.Secrets) > 0}
		b.tree = "select"
	default:
		if b.pkg == b.ws.Root {
			return diag.Errorf(b.t.Package.Pos, "target %q: the workspace root cannot be deployed; point package: at a workspace package", b.t.Name)
		}
		closure := b.ws.ProdClosure(b.pkg)
		needs, sources := b.contributions(b.pkg, closure)
		s.Needs = append([]string{"deps"}, needs...)
		s.Inputs = sources
		s.Excludes = []string{NodeModules}
		cmd := fmt.Sprintf("pnpm --filter=%s deploy --prod --store-dir=%s", shellQuote(b.pkg.ID()), StoreDir)
		// pnpm 10 deploys from the shared lockfile only with injected workspace
		// packages; --legacy keeps the pnpm 9 behaviour for everyone else.
		if b.plan.PNPM.Major >= 10 && !b.ws.Lockfile.InjectWorkspacePackages && !b.ws.Config.InjectWorkspacePackages {
			cmd += " --legacy"
		}
		if pf.CrossSelect {
			s.PerTarget = true
			cmd += fmt.Sprintf(" --os=$%s --cpu=$%s --libc=%s", TargetOSEnv, TargetCPUEnv, b.rt.libc)
			if pf.HasNative() {
				cmd += " --ignore-scripts"
			}
		}
		s.Run = []string{cmd + " " + TreeDir}
		if gen := b.generate; gen != "" {
			// What the target's generate: commands wrote, laid onto the
			// deployed tree where pnpm deploy left it out.
			data, err := json.Marshal(b.generatedInput(closure))
			if err != nil {
				return err
			}
			s.Needs = append(s.Needs, gen)
			s.Mounts = []Mount{{Stage: gen, Target: GeneratedMount}}
			s.Helpers = []string{GeneratedScript}
			s.Files = []File{{Path: GeneratedData, Data: string(data)}}
			s.Run = append(s.Run, "node "+GeneratedScript+" place "+GeneratedData)
		}
		s.Caches = lockedCaches(StoreDir, CacheDir)
		s.Secrets = len(b.plan.Secrets) > 0
		if pf.CrossSelect && pf.HasNative() {
			in := NativeInput{Packages: pf.Native, Optional: pf.Optional, Libs: LibsDir, Runtime: RuntimeImageMount}
			if pf.AllNative {
				in.Packages = nil
			}
			data, err := json.Marshal(in)
			if err != nil {
				return err
			}
			run := "node " + NativeScript + " " + TreeDir + " " + NativeData
			b.add(s)
			// The build image for the target platform, with the system
			// packages compilers need (python3, make, g++) and the build
			// environment (node-gyp takes Node.js's headers from nodedir).
			s = Stage{ID: "native", Kind: KindNative, Image: b.rt.buildImage, Needs: []string{"prune"}, Platform: OnTarget,
				Run: append(b.systemPackages(), run), Env: toolchainEnv, Outputs: []string{PruneRoot, LibsRoot}, Pos: pf.Pos,
				Files: []File{{Path: NativeData, Data: string(data)}}, Helpers: []string{NativeScript},
				Mounts: []Mount{{Image: b.rt.image, Target: RuntimeImageMount}}}
			b.tree = "native"
		}
		if !pf.CrossSelect && pf.AllNative {
			b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s: install scripts run on the build platform; for another target platform, pnpm 10.14 or later runs them there", pf.Source))
		}
	}
	b.add(s)
	return nil
}

// runtimeStage assembles the image on the target platform with file
// operations only: the production tree from the last stage that wrote it,
// then (for node apps) the app's own files from its build, then the shared
// libraries the native stage found the addons need.
func (b *builder) runtimeStage() {
	rt := Stage{ID: "runtime", Kind: KindRuntime, Image: b.rt.image, Needs: []string{b.tree}, Platform: OnTarget,
		Copies: []Copy{{From: b.tree, Src: PruneRoot + "/", Dest: AppRoot + "/"}}}
	if b.plan.Preset != manifest.PresetNext {
		app := "app:" + b.pkg.ID()
		rt.Needs = append(rt.Needs, app)
		rt.Copies = append(rt.Copies, b.appFiles(app)...)
	}
	if b.tree == "native" {
		// native-build.js writes them under /usr/lib, where the runtime's
		// loader looks.
		rt.Copies = append(rt.Copies, Copy{From: "native", Src: LibsRoot + "/", Dest: "/"})
	}
	b.add(rt)
}

// appCollect is what the app's exec copies into CollectMount, those entries
// that exist: for Next.js apps public/, which the standalone server serves;
// for node apps what package.json's files lists (as pnpm deploy would copy
// it; a missing entry is skipped, so a plain copy from the build would fail).
func (b *builder) appCollect() []Copy {
	dir := path.Join(BuildRoot, b.pkg.Dir)
	if b.plan.Preset == manifest.PresetNext {
		return []Copy{{Src: path.Join(dir, "public"), Dest: path.Join(b.pkg.Dir, "public")}}
	}
	seen := map[string]bool{}
	var collect []Copy
	for _, f := range b.pkg.JSON.Files {
		f = strings.TrimPrefix(path.Clean(strings.TrimPrefix(f, "./")), "/")
		top, _, _ := strings.Cut(f, "/")
		if strings.HasPrefix(top, "!") || strings.ContainsAny(top, "*?[{") || top == "." || top == ".." || top == "package.json" || seen[top] {
			continue
		}
		seen[top] = true
		collect = append(collect, Copy{Src: path.Join(dir, top), Dest: top})
	}
	return collect
}

// appFiles are the app's own files in the image, from its build: what it
// collected (its files field), else its build outputs, else (no build) its
// sources.
func (b *builder) appFiles(app string) []Copy {
	s := b.plan.Stage(app)
	if len(s.Collect) > 0 {
		return []Copy{{From: app, Src: "/", Dest: AppRoot + "/", Collected: true}}
	}
	dir := path.Join(BuildRoot, b.pkg.Dir)
	if len(s.Outputs) == 0 {
		// No build (perhaps generate: commands): the app's sources are what
		// it ships, as pnpm deploy would copy them (its install's
		// node_modules is not), with what generate wrote beside them.
		return []Copy{{From: app, Src: dir + "/", Dest: AppRoot + "/", Excludes: []string{"node_modules"}}}
	}
	var out []Copy
	for _, o := range b.outputs(b.pkg) {
		rel := strings.TrimPrefix(strings.TrimPrefix(o, b.pkg.Dir), "/")
		out = append(out, Copy{From: app, Src: path.Join(BuildRoot, o), Dest: path.Join(AppRoot, rel)})
	}
	return out
}

// runtime fills in the image config of the runtime stage prune added: the image is
// assembled on the target platform with file operations only.
func (b *builder) runtime() error {
	ic := ImageConfig{User: b.rt.user, WorkingDir: AppRoot, Entrypoint: []string{b.rt.node}, StopSignal: "SIGTERM"}
	ic.Env = []string{"NODE_ENV=production"}
	if b.plan.Preset != manifest.PresetNext {
		start, err := b.start()
		if err != nil {
			return err
		}
		// Environment the start script set (cross-env A=1 node ...) comes
		// before the manifest's, which wins.
		ic.Cmd = start.args
		ic.Env = SetEnv(ic.Env, start.env...)
	}
	ports := b.t.Ports
	if b.plan.Preset == manifest.PresetNext {
		if len(ports) == 0 {
			ports = []manifest.Port{{Number: 3000, Protocol: "tcp"}}
		}
		// Next.js's standalone server binds to HOSTNAME, which container runtimes
		// set to the container ID: listen everywhere instead.
		ic.Env = SetEnv(ic.Env, "HOSTNAME=0.0.0.0", "PORT="+strconv.Itoa(ports[0].Number), "NEXT_TELEMETRY_DISABLED=1")
		ic.Cmd = []string{path.Join(b.pkg.Dir, "server.js")}
	}
	for _, e := range b.t.Env {
		ic.Env = SetEnv(ic.Env, e.Key+"="+e.Value)
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
		ic.Healthcheck = &Healthcheck{
			Test:        []string{"CMD", b.rt.node, "-e", healthScript(port, h.Path.Value, h.Timeout)},
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
