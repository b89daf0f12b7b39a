package plan2llb

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
)

var (
	amd64 = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = ocispecs.Platform{OS: "linux", Architecture: "arm64"}
)

func nexusPlan(t *testing.T, target string) *plan.Plan {
	t.Helper()
	m, ws, err := testkit.Open(testkit.Example())
	if err != nil {
		t.Fatal(err)
	}
	p, err := solver.SolveTarget(m, ws, target)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testOptions(merge bool) Options {
	return Options{
		Context: llb.Local("context", llb.SessionID("test-session"), llb.SharedKeyHint("context")),
		Image: func(_ context.Context, ref string, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
			return llb.Image(ref, llb.Platform(p)), nil, nil
		},
		BuildPlatform:  amd64,
		TargetPlatform: arm64,
		MergeOp:        merge,
	}
}

// graphOf is a marshalled definition indexed for assertions.
type graphOf struct {
	ops  map[digest.Digest]*pb.Op
	root digest.Digest
}

func marshal(t *testing.T, st llb.State) (*llb.Definition, *graphOf) {
	t.Helper()
	def, err := st.Marshal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := &graphOf{ops: map[digest.Digest]*pb.Op{}}
	var last *pb.Op
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			t.Fatal(err)
		}
		g.ops[digest.FromBytes(dt)] = &op
		last = &op
	}
	g.root = digest.Digest(last.Inputs[0].Digest) // the terminal op points at the result
	return def, g
}

// ancestors returns every op reachable from d, d included.
func (g *graphOf) ancestors(d digest.Digest) map[digest.Digest]bool {
	seen := map[digest.Digest]bool{}
	var walk func(digest.Digest)
	walk = func(d digest.Digest) {
		if seen[d] {
			return
		}
		seen[d] = true
		for _, in := range g.ops[d].Inputs {
			walk(digest.Digest(in.Digest))
		}
	}
	walk(d)
	return seen
}

func (g *graphOf) execs(match string) []digest.Digest {
	var out []digest.Digest
	for d, op := range g.ops {
		if e := op.GetExec(); e != nil && strings.Contains(strings.Join(e.Meta.Args, " "), match) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// execIn is the exec in dir that runs pnpm run build (a directory may have a
// generate exec too).
func (g *graphOf) execIn(dir string) digest.Digest {
	for d, op := range g.ops {
		if e := op.GetExec(); e != nil && e.Meta.Cwd == dir && strings.Contains(strings.Join(e.Meta.Args, " "), "pnpm run build") {
			return d
		}
	}
	return ""
}

func TestBackendGraph(t *testing.T) {
	for _, merge := range []bool{true, false} {
		t.Run(map[bool]string{true: "merge", false: "copy"}[merge], func(t *testing.T) {
			res, err := Build(context.Background(), nexusPlan(t, "backend"), testOptions(merge))
			if err != nil {
				t.Fatal(err)
			}
			_, g := marshal(t, res.State)
			all := g.ancestors(g.root)

			// One exec vertex per package build, each in its own directory.
			builds := map[string]digest.Digest{}
			for _, dir := range []string{"packages/shared-types", "packages/shared-utils", "packages/shared-database", "services/backend"} {
				d := g.execIn("/repo/" + dir)
				if d == "" || !all[d] {
					t.Fatalf("no build exec for %s", dir)
				}
				builds[dir] = d
			}
			if n := len(g.execs("pnpm run build")); n != 4 {
				t.Errorf("%d build execs, want 4", n)
			}
			// shared-utils and shared-database are independent; both need shared-types.
			utils, db, types := builds["packages/shared-utils"], builds["packages/shared-database"], builds["packages/shared-types"]
			if g.ancestors(utils)[db] || g.ancestors(db)[utils] {
				t.Error("shared-utils and shared-database depend on each other")
			}
			if !g.ancestors(utils)[types] || !g.ancestors(db)[types] {
				t.Error("shared-utils or shared-database does not build after shared-types")
			}
			// Generate runs in an exec of its own, beside the package
			// builds (it needs none of them), and before the app's build.
			gens := g.execs("db:generate")
			if len(gens) != 1 {
				t.Fatalf("%d generate execs, want 1", len(gens))
			}
			generate := gens[0]
			for _, id := range []digest.Digest{utils, db, types} {
				if g.ancestors(generate)[id] {
					t.Errorf("generate waits for the build %s", g.ops[id].GetExec().Meta.Cwd)
				}
			}
			if app := builds["services/backend"]; app == generate || !g.ancestors(app)[generate] {
				t.Error("the app's build does not run after generate")
			}

			// The deploy sees the install alone: no package build, no app,
			// so no source edit re-runs it or the native stage on top.
			deploys := g.execs("deploy --prod")
			if len(deploys) != 1 {
				t.Fatalf("%d deploy execs", len(deploys))
			}
			for _, id := range []digest.Digest{utils, db, types, builds["services/backend"]} {
				if g.ancestors(deploys[0])[id] {
					t.Errorf("pnpm deploy depends on the build %s", g.ops[id].GetExec().Meta.Cwd)
				}
			}
			// The workspace packages' files are laid on afterwards, from their
			// builds, and what generate wrote (a mount of its own): not
			// after the app's build, so it runs beside it, and an app edit
			// whose generate writes the same does not re-run it
			// (TestIncrementalRebuilds).
			lays := g.execs(helpers.WorkspaceScript)
			if len(lays) != 1 {
				t.Fatalf("%d workspace execs", len(lays))
			}
			gen := false
			for _, m := range g.ops[lays[0]].GetExec().Mounts {
				if strings.HasPrefix(m.Dest, plan.GeneratedMount+"/") && g.ops[lays[0]].Inputs[m.Input].Digest == string(generate) {
					gen = true
				}
			}
			if !gen {
				t.Errorf("the workspace stage does not mount what the generate exec kept at %s", plan.GeneratedMount)
			}
			if g.ancestors(lays[0])[builds["services/backend"]] {
				t.Error("the workspace stage waits for the app's build")
			}
			if !g.ancestors(lays[0])[utils] || !g.ancestors(lays[0])[deploys[0]] {
				t.Errorf("the workspace stage does not see shared-utils' build and the deployed tree")
			}

			// The install sees metadata files only.
			installs := g.execs("pnpm install")
			if len(installs) != 1 {
				t.Fatalf("%d install execs", len(installs))
			}
			for d := range g.ancestors(installs[0]) {
				f := g.ops[d].GetFile()
				if f == nil {
					continue
				}
				for _, a := range f.Actions {
					if cp := a.GetCopy(); cp != nil {
						for _, inc := range cp.IncludePatterns {
							if !strings.HasSuffix(inc, "package.json") && !strings.HasPrefix(inc, "pnpm-") {
								t.Errorf("install input %q is not a metadata file", inc)
							}
						}
					}
				}
			}
			// Cache mounts with locked sharing on install and deploy.
			for _, d := range append(installs, g.execs("deploy --prod")...) {
				var caches int
				for _, m := range g.ops[d].GetExec().Mounts {
					if m.MountType == pb.MountType_CACHE {
						caches++
						if m.CacheOpt.Sharing != pb.CacheSharingOpt_LOCKED || !strings.Contains(m.CacheOpt.ID, "linux-amd64-glibc-node24") {
							t.Errorf("cache mount %+v", m.CacheOpt)
						}
					}
				}
				if caches != 2 {
					t.Errorf("%d cache mounts on %v, want store and metadata", caches, g.ops[d].GetExec().Meta.Args)
				}
			}

			// Only esbuild's install script executes on the target platform; the
			// build and the deploy, which selects arm64 packages, run on the build one.
			for d := range all {
				op := g.ops[d]
				if e := op.GetExec(); e != nil && op.Platform != nil {
					args := strings.Join(e.Meta.Args, " ")
					native := strings.Contains(args, helpers.NativeScript+" "+plan.TreeDir+" "+helpers.NativeData)
					if want := map[bool]string{true: "arm64", false: "amd64"}[native]; op.Platform.Architecture != want {
						t.Errorf("exec on %s, want %s: %v", op.Platform.Architecture, want, args)
					}
					if strings.Contains(args, "deploy") && !slices.Contains(e.Meta.Env, plan.TargetCPUEnv+"=arm64") {
						t.Errorf("deploy env %v lacks %s=arm64", e.Meta.Env, plan.TargetCPUEnv)
					}
				}
				if src := op.GetSource(); src != nil && strings.Contains(src.Identifier, "distroless") && op.Platform.Architecture != "arm64" {
					t.Errorf("runtime image on %s", op.Platform.Architecture)
				}
			}
			// Closure: nothing of ui or the frontend.
			for d := range all {
				if strings.Contains(g.ops[d].String(), "packages/ui") || strings.Contains(g.ops[d].String(), "apps/frontend") {
					t.Errorf("op outside backend's closure: %v", g.ops[d])
				}
			}
			// The runtime layer is copied as root:root.
			var chowned bool
			for d := range all {
				if f := g.ops[d].GetFile(); f != nil {
					for _, a := range f.Actions {
						if cp := a.GetCopy(); cp != nil && cp.Dest == "/app/" {
							chowned = cp.Owner != nil && cp.Owner.User.GetByID() == 0 && cp.Owner.Group.GetByID() == 0
						}
					}
				}
			}
			if !chowned {
				t.Error("the production tree is not copied to /app owned by root")
			}
			var merges int
			for d := range all {
				if g.ops[d].GetMerge() != nil {
					merges++
				}
			}
			if merge != (merges > 0) {
				t.Errorf("merge=%v but %d merge ops", merge, merges)
			}
		})
	}
}

func TestSecretsStayOutOfLayers(t *testing.T) {
	p := nexusPlan(t, "backend")
	p.Secrets = []plan.Secret{{ID: "npmrc", Target: "/root/.npmrc"}, {ID: "token", Env: "NPM_TOKEN", Required: true}}
	for i := range p.Stages {
		if len(p.Stages[i].Run) > 0 && p.Stages[i].Kind != plan.KindToolchain {
			p.Stages[i].Secrets = true
		}
	}
	res, err := Build(context.Background(), p, testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	def, g := marshal(t, res.State)
	install := g.ops[g.execs("pnpm install")[0]].GetExec()
	var file, env bool
	for _, m := range install.Mounts {
		if m.MountType == pb.MountType_SECRET && m.Dest == "/root/.npmrc" && m.SecretOpt.ID == "npmrc" && m.SecretOpt.Optional {
			file = true
		}
	}
	for _, s := range install.Secretenv {
		if s.ID == "token" && s.Name == "NPM_TOKEN" && !s.Optional {
			env = true
		}
	}
	if !file || !env {
		t.Errorf("install secrets: file %v env %v (%+v %+v)", file, env, install.Mounts, install.Secretenv)
	}
	for _, dt := range def.Def {
		if bytes.Contains(dt, []byte("NPM_TOKEN=")) {
			t.Error("a secret value reached the definition")
		}
	}
}

// TestDeterministic plans and converts each target again and again: map
// iteration anywhere from the workspace scan to the LLB must not show.
func TestDeterministic(t *testing.T) {
	for _, target := range []string{"frontend", "backend"} {
		t.Run(target, func(t *testing.T) { deterministic(t, target) })
	}
}

func deterministic(t *testing.T, target string) {
	build := func() [][]byte {
		res, err := Build(context.Background(), nexusPlan(t, target), testOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		def, _ := marshal(t, res.State)
		return def.Def
	}
	want := build()
	for range 10 {
		got := build()
		if len(got) != len(want) {
			t.Fatal("definition changed between builds")
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatal("definition changed between builds")
			}
		}
	}
}

func TestFrontendPrune(t *testing.T) {
	res, err := Build(context.Background(), nexusPlan(t, "frontend"), testOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	app := g.execIn("/repo/apps/frontend")
	if app == "" {
		t.Fatal("no exec in the app's directory")
	}
	// public/ may not exist: the app's exec collects it into a scratch mount,
	// and the prune copies that mount's content.
	e := g.ops[app].GetExec()
	collectMount := int64(-1)
	for _, m := range e.Mounts {
		if m.Dest == plan.CollectMount && m.Input == -1 {
			collectMount = m.Output
		}
	}
	if collectMount < 0 || !strings.Contains(strings.Join(e.Meta.Args, " "), "cp -a /repo/apps/frontend/public "+plan.CollectMount+"/apps/frontend/public") {
		t.Fatalf("app exec collects nothing into %s: mounts %v, args %q", plan.CollectMount, e.Mounts, e.Meta.Args)
	}
	var standalone, public bool
	for d := range g.ancestors(g.root) {
		f := g.ops[d].GetFile()
		if f == nil {
			continue
		}
		for _, a := range f.Actions {
			cp := a.GetCopy()
			if cp == nil {
				continue
			}
			// A wildcard copy makes BuildKit walk its whole source filesystem.
			if cp.AllowWildcard {
				t.Errorf("wildcard copy of %s", cp.Src)
			}
			standalone = standalone || strings.TrimSuffix(cp.Src, "/") == "/repo/apps/frontend/.next/standalone"
			if a.SecondaryInput < 0 {
				continue
			}
			if in := g.ops[d].Inputs[a.SecondaryInput]; cp.Src == "/" && digest.Digest(in.Digest) == app && in.Index == collectMount {
				public = true
			}
		}
	}
	if !standalone || !public {
		t.Errorf("standalone copied %v, collected public copied %v", standalone, public)
	}
	if n := len(g.execs("deploy")); n != 0 {
		t.Errorf("next preset ran pnpm deploy %d times", n)
	}
}

// TestNoWildcardCopies: BuildKit checksums a wildcard copy's source by walking
// all of it, and the sources here are build filesystems with node_modules, so
// files that may be missing are collected by the app's exec instead.
func TestNoWildcardCopies(t *testing.T) {
	for _, target := range []string{"backend", "frontend"} {
		res, err := Build(context.Background(), nexusPlan(t, target), testOptions(true))
		if err != nil {
			t.Fatal(err)
		}
		_, g := marshal(t, res.State)
		for d := range g.ancestors(g.root) {
			if f := g.ops[d].GetFile(); f != nil {
				for _, a := range f.Actions {
					if cp := a.GetCopy(); cp != nil && (cp.AllowWildcard || cp.AllowEmptyWildcard) {
						t.Errorf("%s: wildcard copy of %s", target, cp.Src)
					}
				}
			}
		}
	}
	res, err := Build(context.Background(), nexusPlan(t, "backend"), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	if n := len(g.execs("cp -a /repo/services/backend/dist " + plan.CollectMount + "/dist")); n != 1 {
		t.Errorf("%d execs collect the backend's dist (its files field), want 1", n)
	}
}

// TestBuildReturnsImage: the converter returns the image config with the
// state, from the runtime image's config and the request's labels, as
// dockerfile2llb does; the frontend only passes it on.
func TestBuildReturnsImage(t *testing.T) {
	p := nexusPlan(t, "backend")
	runtime := &dockerspec.DockerOCIImage{}
	runtime.Config.Env = []string{"PATH=/nodejs/bin:/usr/bin"}
	o := testOptions(true)
	o.Image = func(_ context.Context, ref string, pl ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
		if ref == p.Stage("runtime").Image {
			return llb.Image(ref, llb.Platform(pl)), runtime, nil
		}
		return llb.Image(ref, llb.Platform(pl)), nil, nil
	}
	o.Labels = map[string]string{"org.example.ci": "42"}
	res, err := Build(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.BaseImage != runtime {
		t.Errorf("base image %+v, want the runtime image's config", res.BaseImage)
	}
	if res.Image.Config.Labels["org.example.ci"] != "42" || res.Image.Config.User != p.Image.User || res.Image.Platform.Architecture != "arm64" {
		t.Errorf("image config %+v", res.Image.Config)
	}
}

// TestSelectCopiesItsInputs: the select stage runs on the toolchain with the
// context files the plan lists for it (the repository's .npmrc) and the
// plan's environment pointing npm at them.
func TestSelectCopiesItsInputs(t *testing.T) {
	p := nexusPlan(t, "frontend")
	sel := p.Stage("select")
	sel.Inputs = []string{".npmrc"}
	sel.Env = []string{"npm_config_globalconfig=/repo/.npmrc"}
	g, exec := selectExec(t, p, testOptions(true))
	if env := g.ops[exec].GetExec().Meta.Env; !slices.Contains(env, "npm_config_globalconfig=/repo/.npmrc") {
		t.Errorf("select env %q", env)
	}
	var copied bool
	for d := range g.ancestors(exec) {
		if f := g.ops[d].GetFile(); f != nil {
			for _, a := range f.Actions {
				if cp := a.GetCopy(); cp != nil && slices.Equal(cp.IncludePatterns, []string{".npmrc"}) && cp.Dest == "/repo/" {
					copied = true
				}
			}
		}
	}
	if !copied {
		t.Error("the select exec does not see .npmrc from the context")
	}
}

// selectExec converts p and returns the graph and its one select exec.
func selectExec(t *testing.T, p *plan.Plan, o Options) (*graphOf, digest.Digest) {
	t.Helper()
	res, err := Build(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	execs := g.execs("select-platform.js")
	if len(execs) != 1 {
		t.Fatalf("%d select execs", len(execs))
	}
	return g, execs[0]
}

// TestSelectFetchesTargetPackages: the select exec of an arm64 image built on
// amd64 mounts BuildKit's downloads of the arm64 packages the plan names
// (sharp's), as files at the paths the script reads, and of no other
// platform's, nor Next.js's compiler, which the traced server never loads;
// for amd64 itself, whose traced tree already holds its packages, nothing is
// downloaded.
func TestSelectFetchesTargetPackages(t *testing.T) {
	p := nexusPlan(t, "frontend")
	urls := func(o Options) map[string]string {
		g, exec := selectExec(t, p, o)
		sel := g.ops[exec]
		out := map[string]string{} // URL -> mount target
		for _, m := range sel.GetExec().Mounts {
			if m.Input < 0 || int(m.Input) >= len(sel.Inputs) {
				continue
			}
			if src := g.ops[digest.Digest(sel.Inputs[m.Input].Digest)].GetSource(); src != nil && strings.HasPrefix(src.Identifier, "https://") {
				if !m.Readonly || src.Attrs["http.filename"] != "package.tgz" {
					t.Errorf("%s: mounted %+v with attrs %v", src.Identifier, m, src.Attrs)
				}
				out[src.Identifier] = m.Dest
			}
		}
		return out
	}
	got := urls(testOptions(true))
	for url, dest := range map[string]string{
		"https://registry.npmjs.org/@img/sharp-linux-arm64/-/sharp-linux-arm64-0.34.5.tgz":                "/monokit/fetch/@img+sharp-linux-arm64@0.34.5",
		"https://registry.npmjs.org/@img/sharp-libvips-linux-arm64/-/sharp-libvips-linux-arm64-1.2.4.tgz": "/monokit/fetch/@img+sharp-libvips-linux-arm64@1.2.4",
	} {
		if got[url] != dest {
			t.Errorf("%s mounted at %q, want %q", url, got[url], dest)
		}
	}
	for url := range got {
		if !strings.Contains(url, "arm64") || strings.Contains(url, "musl") || strings.Contains(url, "darwin") || strings.Contains(url, "win32") || strings.Contains(url, "swc") {
			t.Errorf("the arm64 glibc image downloads %s", url)
		}
	}
	native := testOptions(true)
	native.TargetPlatform = amd64
	if got := urls(native); len(got) != 0 {
		t.Errorf("the build platform's image downloads %v", got)
	}
}

// TestCABundleAndProxy: a CA secret is mounted into the steps that mount
// secrets (toolchain included) and named by NODE_EXTRA_CA_CERTS in theirs
// only; the toolchain mounts the repository's .npmrc without copying it; and
// every exec carries the proxy settings outside its environment.
func TestCABundleAndProxy(t *testing.T) {
	p := nexusPlan(t, "backend")
	p.Secrets = []plan.Secret{{ID: "corp-ca", CA: true}}
	for i := range p.Stages {
		switch p.Stages[i].Kind {
		case plan.KindToolchain:
			p.Stages[i].Secrets = true
			p.Stages[i].Inputs = []string{".npmrc"}
		case plan.KindDeps:
			p.Stages[i].Secrets = true
		default:
			p.Stages[i].Secrets = false
		}
	}
	o := testOptions(true)
	o.Proxy = &llb.ProxyEnv{HTTPSProxy: "http://proxy.corp:3128", NoProxy: "localhost"}
	res, err := Build(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	caEnv := plan.CAEnv + "=/run/secrets/corp-ca"
	mounts := func(e *pb.ExecOp) (ca, npmrc bool) {
		for _, m := range e.Mounts {
			ca = ca || m.MountType == pb.MountType_SECRET && m.Dest == "/run/secrets/corp-ca" && m.SecretOpt.ID == "corp-ca"
			npmrc = npmrc || m.Dest == plan.BuildRoot && m.Readonly
		}
		return ca, npmrc
	}
	for name, match := range map[string]string{"toolchain": "npm install --global", "install": "pnpm install"} {
		e := g.ops[g.execs(match)[0]].GetExec()
		ca, npmrc := mounts(e)
		if !ca || !slices.Contains(e.Meta.Env, caEnv) {
			t.Errorf("%s: CA mounted %v, env %q", name, ca, e.Meta.Env)
		}
		if npmrc != (name == "toolchain") {
			t.Errorf("%s: .npmrc mounted read-only at %s: %v", name, plan.BuildRoot, npmrc)
		}
	}
	execs := 0
	for _, op := range g.ops {
		e := op.GetExec()
		if e == nil {
			continue
		}
		execs++
		if e.Meta.ProxyEnv == nil || e.Meta.ProxyEnv.HttpsProxy != "http://proxy.corp:3128" || e.Meta.ProxyEnv.NoProxy != "localhost" {
			t.Errorf("exec %q: proxy %+v", e.Meta.Args, e.Meta.ProxyEnv)
		}
		for _, kv := range e.Meta.Env {
			if strings.Contains(kv, "proxy.corp") {
				t.Errorf("exec %q: the proxy reached the environment: %s", e.Meta.Args, kv)
			}
		}
		if ca, _ := mounts(e); !ca && slices.Contains(e.Meta.Env, caEnv) {
			t.Errorf("exec %q names the CA bundle without mounting it", e.Meta.Args)
		}
	}
	if execs < 4 {
		t.Errorf("only %d execs", execs)
	}
}
