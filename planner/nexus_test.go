package planner

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/monokit/monokit/manifest"
	"github.com/monokit/monokit/pnpm"
)

func loadNexus(t *testing.T) (*manifest.Manifest, *pnpm.Workspace) {
	t.Helper()
	m, ws, err := Open("../examples/nexus", "")
	if err != nil {
		t.Fatal(err)
	}
	return m, ws
}

func stageIDs(p *Plan) []string {
	var ids []string
	for _, s := range p.Stages {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestNexusBackendPlan(t *testing.T) {
	m, ws := loadNexus(t)
	p, err := SolveTarget(m, ws, "backend")
	if err != nil {
		t.Fatal(err)
	}
	wantStages := []string{"toolchain", "deps", "build:@nexus/shared-types", "build:@nexus/shared-database", "build:@nexus/shared-utils", "app:@nexus/backend", "prune", "native", "runtime"}
	if got := stageIDs(p); !slices.Equal(got, wantStages) {
		t.Errorf("stages = %v, want %v", got, wantStages)
	}
	wantLevels := [][]string{{"build:@nexus/shared-types"}, {"build:@nexus/shared-database", "build:@nexus/shared-utils"}}
	if len(p.Levels) != 2 || !slices.Equal(p.Levels[0], wantLevels[0]) || !slices.Equal(p.Levels[1], wantLevels[1]) {
		t.Errorf("levels = %v, want %v", p.Levels, wantLevels)
	}
	for _, path := range p.ContextPaths {
		if strings.Contains(path, "packages/ui") || strings.Contains(path, "apps/frontend") {
			t.Errorf("context path %q is outside backend's closure", path)
		}
	}
	deps := p.Stage("deps")
	wantDeps := []string{"pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml", "packages/shared-database/package.json", "packages/shared-types/package.json", "packages/shared-utils/package.json", "services/backend/package.json"}
	if !slices.Equal(deps.Inputs, wantDeps) {
		t.Errorf("deps inputs = %v, want %v", deps.Inputs, wantDeps)
	}
	utils := p.Stage("build:@nexus/shared-utils")
	if !slices.Equal(utils.Needs, []string{"deps", "build:@nexus/shared-types"}) {
		t.Errorf("shared-utils needs %v", utils.Needs)
	}
	if utils.Inputs[0] != "packages/shared-utils" || !slices.Contains(utils.Excludes, "packages/shared-utils/dist") || !slices.Contains(utils.Outputs, "packages/shared-utils/dist") {
		t.Errorf("shared-utils inputs %v excludes %v outputs %v", utils.Inputs, utils.Excludes, utils.Outputs)
	}
	// Dependents see their closure's sources (a package may export TypeScript
	// source) and its outputs from the builds only, never from the context.
	if !slices.Contains(utils.Inputs, "packages/shared-types") || !slices.Contains(utils.Excludes, "packages/shared-types/dist") {
		t.Errorf("shared-utils inputs %v excludes %v: want shared-types' sources without its dist", utils.Inputs, utils.Excludes)
	}
	app := p.Stage("app:@nexus/backend")
	// Generate first, then the build, then monokit's output check and the
	// collect of what the image takes (its files field: dist).
	if len(app.Run) != 6 || app.Run[1] != "pnpm run db:generate" || app.Run[3] != "pnpm run build" ||
		!strings.HasPrefix(app.Run[4], "for o in dist;") || app.Run[5] != "if [ -e /repo/services/backend/dist ] || [ -L /repo/services/backend/dist ]; then mkdir -p "+CollectMount+" && cp -a /repo/services/backend/dist "+CollectMount+"/dist; fi" {
		t.Errorf("app run = %q: generate must come first", app.Run)
	}
	if got := app.Needs; !slices.Equal(got, []string{"deps", "build:@nexus/shared-database", "build:@nexus/shared-types", "build:@nexus/shared-utils"}) {
		t.Errorf("app needs %v", got)
	}
	prune := p.Stage("prune")
	if !strings.Contains(prune.Run[0], "deploy --prod") || !strings.Contains(prune.Run[0], "--legacy") {
		t.Errorf("prune run = %v", prune.Run)
	}
	// The production install does not wait for, or depend on, the app's sources.
	// It sees what the app's generate: commands write (the app's exec keeps it
	// in a mount of its own) and lays it onto the tree.
	if want := []string{"deps", "build:@nexus/shared-database", "build:@nexus/shared-types", "build:@nexus/shared-utils", "app:@nexus/backend"}; !slices.Equal(prune.Needs, want) || len(prune.Inputs) != 0 {
		t.Errorf("prune needs %v inputs %v, want %v and no inputs", prune.Needs, prune.Inputs, want)
	}
	if len(prune.Run) != 2 || prune.Run[1] != "node "+GeneratedScript+" place "+GeneratedData || !reflect.DeepEqual(prune.Mounts, []Mount{{Stage: "app:@nexus/backend", Extra: true, Target: GeneratedMount}, {Target: TreeMount, Keep: KeepResult}}) {
		t.Errorf("prune run %v mounts %v: want the generated files placed from what the app's exec keeps", prune.Run, prune.Mounts)
	}
	if !slices.Contains(app.Mounts, Mount{Target: GeneratedOut, Keep: KeepExtra}) || !strings.Contains(app.Run[2], GeneratedScript+" collect") || app.Title != "RUN pnpm run db:generate && pnpm run build" {
		t.Errorf("app mounts %v, run %q, title %q: want the generate: commands' files collected between them and the build, and kept", app.Mounts, app.Run, app.Title)
	}
	var in GeneratedInput
	if err := json.Unmarshal([]byte(prune.Files[0].Data), &in); err != nil || in.App != "services/backend" || len(in.Packages) != 3 {
		t.Errorf("generated.js input %+v (%v): want the app's dir and its three workspace dependencies", in, err)
	}
	rt := p.Stage("runtime")
	if rt.Platform != OnTarget || len(rt.Run) != 0 || rt.Image != "gcr.io/distroless/nodejs24-debian13" {
		t.Errorf("runtime = %+v", rt)
	}
	// The app's own files come from its build: its files field lists dist,
	// which the app stage collects (an entry may be missing) and the runtime
	// copies from there. Last, the shared libraries the native stage found
	// the addons need, at the root.
	if len(rt.Copies) != 3 || !reflect.DeepEqual(rt.Copies[1], Copy{From: "app:@nexus/backend", Src: "/", Dest: "/app/", Collected: true}) ||
		!reflect.DeepEqual(rt.Copies[2], Copy{From: "native", Src: LibsRoot + "/", Dest: "/"}) {
		t.Errorf("runtime copies = %+v", rt.Copies)
	}
	if n := p.Stage("native"); n == nil || !reflect.DeepEqual(n.Mounts, []Mount{{Image: rt.Image, Target: RuntimeImageMount}, {Stage: "prune", Target: TreeMount, Keep: KeepResult}}) {
		t.Errorf("the native stage does not mount the runtime image: %+v", n)
	}
	if c := p.Stage("app:@nexus/backend").Collect; !reflect.DeepEqual(c, []Copy{{Src: "/repo/services/backend/dist", Dest: "dist"}}) {
		t.Errorf("app collects %+v, want dist", c)
	}
	ic := p.Image
	if ic.User != "65532:65532" || !slices.Equal(ic.Entrypoint, []string{"/nodejs/bin/node"}) || !slices.Equal(ic.Cmd, []string{"dist/main.js"}) {
		t.Errorf("image = %+v", ic)
	}
	if ic.Healthcheck == nil || !strings.Contains(ic.Healthcheck.Test[3], "http://127.0.0.1:3001/health/live") {
		t.Errorf("healthcheck = %+v", ic.Healthcheck)
	}
	if ic.Labels["org.opencontainers.image.title"] != "@nexus/backend" || ic.Labels["org.opencontainers.image.licenses"] != "ISC" {
		t.Errorf("labels = %v", ic.Labels)
	}
	if p.PNPM.Version != "10.34.9" || p.PNPM.Source != "packageManager" || p.Node.Major != 24 {
		t.Errorf("versions: node %+v pnpm %+v", p.Node, p.PNPM)
	}
}

func TestNexusFrontendPlan(t *testing.T) {
	m, ws := loadNexus(t)
	p, err := SolveTarget(m, ws, "frontend")
	if err != nil {
		t.Fatal(err)
	}
	if p.Preset != manifest.PresetNext {
		t.Errorf("preset = %q, want next (inferred from the next dependency)", p.Preset)
	}
	want := []string{"toolchain", "deps", "build:@nexus/shared-types", "build:@nexus/ui", "app:@nexus/frontend", "prune", "select", "runtime"}
	if got := stageIDs(p); !slices.Equal(got, want) {
		t.Errorf("stages = %v, want %v", got, want)
	}
	// The standalone trace is fitted to each target platform: sharp's and
	// next's platform packages swapped, devDependencies such as typescript gone.
	sel := p.Stage("select")
	var data struct{ Prod, Parents []string }
	if err := json.Unmarshal([]byte(sel.Files[0].Data), &data); err != nil {
		t.Fatal(err)
	}
	if !sel.PerTarget || sel.Platform != OnBuild || !slices.Equal(data.Parents, []string{"next@15.5.9", "sharp@0.34.5"}) ||
		slices.Contains(data.Prod, "typescript@5.9.3") || !slices.Contains(data.Prod, "react@19.2.1") || p.Stage("runtime").Copies[0].From != "select" {
		t.Errorf("select = %+v, parents %v", sel, data.Parents)
	}
	prune := p.Stage("prune")
	if app := p.Stage("app:@nexus/frontend"); !slices.Equal(app.Caches, []CacheMount{{Name: "apps/frontend/.next/cache", Target: "/repo/apps/frontend/.next/cache", Sharing: CacheLocked}}) {
		t.Errorf("next build caches %v, want its .next/cache", app.Caches)
	}
	if len(prune.Run) != 0 || len(prune.Copies) != 3 || !strings.HasSuffix(prune.Copies[0].Src, "apps/frontend/.next/standalone/") {
		t.Errorf("prune = %+v", prune)
	}
	if !slices.Equal(p.Image.Cmd, []string{"apps/frontend/server.js"}) || !slices.Contains(p.Image.Env, "HOSTNAME=0.0.0.0") {
		t.Errorf("image = %+v", p.Image)
	}
}
