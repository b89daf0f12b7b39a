package planner

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/monokit/monokit/diag"
	"github.com/monokit/monokit/pnpm"
)

// Kind says what a stage does.
type Kind string

// Stage kinds, in the order a plan lists them.
const (
	KindToolchain Kind = "toolchain" // build image plus pnpm
	KindDeps      Kind = "deps"      // pnpm install from metadata files only
	KindBuild     Kind = "build"     // one workspace package's build
	KindApp       Kind = "app"       // the target package's generate and build
	KindPrune     Kind = "prune"     // the production tree
	KindNative    Kind = "native"    // dependencies' install scripts, on the target platform
	KindSelect    Kind = "select"    // a traced tree's prebuilt packages, for the target platform
	KindWorkspace Kind = "workspace" // the workspace packages' files laid onto the production tree
	KindRuntime   Kind = "runtime"   // the runtime image
)

// Platform says where a stage runs: on the build platform (the worker's, no
// emulation) or on the target platform.
type Platform string

// Platforms a stage runs on.
const (
	OnBuild  Platform = "build"
	OnTarget Platform = "target"
)

// BuildRoot is where the workspace lives in build stages; AppRoot is where the
// production tree lives in the runtime image.
const (
	BuildRoot = "/repo"
	PruneRoot = "/prune"
	// TreeMount is where a stage that writes the production tree mounts its
	// result, so the tree is never copied out of a build filesystem: the tree is
	// TreeDir while the stage runs, PruneRoot in its result. (pnpm deploy
	// removes its target directory, so that cannot be the mount point itself.)
	TreeMount = "/out"
	TreeDir   = TreeMount + PruneRoot
	// LibsRoot is where the native stage's result holds the shared libraries
	// its addons link that the runtime image lacks, at the paths they take in
	// the runtime image (LibsDir while it runs).
	LibsRoot = "/libs"
	LibsDir  = TreeMount + LibsRoot
	// OverlayMount is where the workspace stage writes the files it adds to
	// the production tree (mounted read-only at TreeMount), at their paths in
	// it under PruneRoot (OverlayDir while it runs): the runtime lays them on
	// as a layer of their own, so editing a workspace package leaves the
	// tree's layer as it was.
	OverlayMount = "/monokit/overlay"
	OverlayDir   = OverlayMount + PruneRoot
	// RuntimeImageMount is where the native stage sees the runtime image,
	// read-only, to tell which libraries it already has.
	RuntimeImageMount = "/monokit/runtime"
	// CollectMount is where an app's Run also copies the files it ships that
	// may not exist (its package.json files entries, Next.js's public/). Later
	// stages copy the mount's content instead of copying those paths from the
	// build filesystem: a copy that tolerates a missing path is a wildcard copy,
	// and BuildKit checksums a wildcard's source by walking the whole build
	// filesystem, node_modules included, on every rebuild of the app.
	CollectMount = "/monokit/collect"
	AppRoot      = "/app"
	StoreDir     = "/pnpm/store"
	CacheDir     = "/root/.cache/pnpm"
	// NativeScript runs install scripts in the production tree (plan2llb writes it);
	// NativeData is its input, a NativeInput.
	NativeScript = "/usr/local/lib/monokit/native-build.js"
	NativeData   = "/usr/local/lib/monokit/native.json"
	// GeneratedScript collects what generate: commands wrote and lays it onto
	// the production tree; GeneratedData is the latter's input, a
	// GeneratedInput. GenerateMarker is touched before the commands run;
	// GeneratedOut is where the app's exec collects what they wrote, and
	// GeneratedMount where the prune sees it.
	GeneratedScript = "/usr/local/lib/monokit/generated.js"
	GeneratedData   = "/usr/local/lib/monokit/generated.json"
	GenerateMarker  = "/tmp/monokit-generate.start"
	GeneratedOut    = "/monokit/generate-out"
	GeneratedMount  = "/monokit/generated"
	// SelectScript fits a traced production tree to the target platform.
	SelectScript = "/usr/local/lib/monokit/select-platform.js"
	// StoreScript is what SelectScript and GeneratedScript share about pnpm's
	// virtual store; a stage that runs either has it beside them.
	StoreScript = "/usr/local/lib/monokit/pnpm-store.js"
	SelectData  = "/usr/local/lib/monokit/select.json"
	// WorkspaceScript lays the workspace packages' files onto the production
	// tree, as pnpm deploy would have copied them; WorkspaceData is its input,
	// a WorkspaceInput.
	WorkspaceScript = "/usr/local/lib/monokit/workspace.js"
	WorkspaceData   = "/usr/local/lib/monokit/workspace.json"
	// Packlist is npm-packlist, which pnpm 8 to 10 use to choose a
	// package's files when they deploy it; the toolchain installs
	// PacklistVersion globally for WorkspaceScript.
	Packlist        = "/usr/local/lib/node_modules/npm-packlist"
	PacklistVersion = "5.1.3"
)

// NodeModules excludes every node_modules from what a stage copies from the
// context: installs happen in the build, never come from the client.
const NodeModules = "**/node_modules"

// Per-target stages run on the build platform once per target platform, with
// these set to the target's os and cpu as npm names them (linux, x64, arm64).
const (
	TargetOSEnv  = "MONOKIT_TARGET_OS"
	TargetCPUEnv = "MONOKIT_TARGET_CPU"
)

// Stage is one step of a plan.
type Stage struct {
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	Package string `json:"package,omitempty"`
	Dir     string `json:"dir,omitempty"`
	// Level is the topological level of a package build: it depends only on
	// builds of lower levels, and builds of one level are independent.
	Level int `json:"level,omitempty"`
	// Image is the base image of toolchain and runtime stages.
	Image string `json:"image,omitempty"`
	// OnBuildPlatform replaces Image and Run for a target stage when the
	// target platform is the build platform.
	OnBuildPlatform *Variant `json:"onBuildPlatform,omitempty"`
	// Needs are the stages whose results this one starts from or copies.
	Needs []string `json:"needs,omitempty"`
	// Inputs are the build-context paths and globs (relative to the repository
	// root) the stage reads; Excludes are left out of them, always ending with
	// NodeModules.
	Inputs   []string `json:"inputs,omitempty"`
	Excludes []string `json:"excludes,omitempty"`
	// ContextInputs are inputs of the install that are not workspace
	// metadata (the bin files of workspace packages): they come from the
	// build context, not from the metadata the frontend transferred to plan.
	ContextInputs []string `json:"contextInputs,omitempty"`
	// Run are shell commands run in order in Workdir by one exec, each by a
	// shell of its own (nothing one holds reaches the next), stopping at the
	// first failure; empty for file-only stages. After a build, the exec
	// checks that every output exists.
	Run []string `json:"run,omitempty"`
	// Workdir is the absolute directory Run starts in; empty: the image's.
	Workdir string `json:"workdir,omitempty"`
	// Title is what progress output names the exec (RUN <command>, COLLECT
	// <paths>) when Run holds more than the user's commands; empty names it
	// RUN and Run itself.
	Title string `json:"title,omitempty"`
	// Env is set for Run.
	Env []string `json:"env,omitempty"`
	// Copies are file operations from the needed stages.
	Copies []Copy `json:"copies,omitempty"`
	// Outputs are the paths the stage produces, relative to the repository root for
	// package builds, absolute otherwise.
	Outputs  []string `json:"outputs,omitempty"`
	Platform Platform `json:"platform"`
	// PerTarget says a build-platform stage runs once per target platform, with
	// TargetOSEnv and TargetCPUEnv set.
	PerTarget bool `json:"perTarget,omitempty"`
	// Caches are the persistent cache mounts Run uses.
	Caches []CacheMount `json:"caches,omitempty"`
	// Files are written before Run (the data a script reads).
	Files []File `json:"files,omitempty"`
	// Collect are copied by Run, those that exist, into CollectMount: Src is
	// absolute in the stage, Dest relative to the mount.
	Collect []Copy `json:"collect,omitempty"`
	// Mounts are what Run sees besides the stage's filesystem: images and
	// needed stages read-only, and the mounts it writes and the stage keeps.
	Mounts []Mount `json:"mounts,omitempty"`
	// Helpers are monokit's scripts (GeneratedScript, ...) Run calls; they are
	// written before it runs, as Files are.
	Helpers []string `json:"helpers,omitempty"`
	// Secrets are mounted into Run, never into its result.
	Secrets bool     `json:"secrets,omitempty"`
	Pos     diag.Pos `json:"-"`
}

// Variant is how a target stage runs on the build platform: from a stage it
// needs (which already holds what Run installs first on the image, and what
// that platform built), with its own commands.
type Variant struct {
	From string   `json:"from"`
	Run  []string `json:"run"`
}

// Copy is a file operation from a needed stage into this one.
type Copy struct {
	From string `json:"from"` // stage ID
	Src  string `json:"src"`  // absolute path in From
	Dest string `json:"dest"` // absolute path here
	// Collected copies from what From collected (its CollectMount) instead of
	// from its filesystem.
	Collected bool `json:"collected,omitempty"`
	// Excludes are patterns, relative to Src, left out of the copy.
	Excludes []string `json:"excludes,omitempty"`
	// Layer names the image layer a runtime copy goes into (Layer*):
	// consecutive copies of one layer make one.
	Layer string `json:"layer,omitempty"`
}

// The runtime image's layers, in order: what changes least first, so an edit
// rebuilds (and a push uploads) only the layers after it.
const (
	// LayerDependencies: the production tree of third-party packages and the
	// shared libraries their addons link.
	LayerDependencies = "dependencies"
	// LayerWorkspace: the workspace packages' files in that tree.
	LayerWorkspace = "workspace"
	// LayerApp: the app's own files, from its build.
	LayerApp = "app"
)

// CacheMount is a persistent cache a stage's Run mounts at Target. Name is its
// ID within the plan's namespace: BuildKit's ID adds the build platform and
// the plan's CacheKey (and BUILDKIT_CACHE_MOUNT_NS), so stores of incompatible
// native builds never mix. Sharing is BuildKit's: locked, shared or private.
type CacheMount struct {
	Name    string `json:"name"`
	Target  string `json:"target"`
	Sharing string `json:"sharing"`
}

// Cache sharing modes.
const (
	CacheLocked  = "locked"
	CacheShared  = "shared"
	CachePrivate = "private"
)

// lockedCache is a cache at target, one writer at a time (pnpm's store and
// apt's lists are not safe to share): pnpm's by their last element (store,
// pnpm), a package's by its path in the workspace.
func lockedCache(target string) CacheMount {
	name := path.Base(target)
	if rel, ok := strings.CutPrefix(target, BuildRoot+"/"); ok {
		name = rel
	}
	return CacheMount{Name: name, Target: target, Sharing: CacheLocked}
}

func lockedCaches(targets ...string) []CacheMount {
	var out []CacheMount
	for _, t := range targets {
		out = append(out, lockedCache(t))
	}
	return out
}

// SelectInput is what select-platform.js reads: the target's libc, the pnpm
// store, the production packages ("name@version"), those among them with
// platform-specific optional dependencies, and those dependencies.
type SelectInput struct {
	Libc     string   `json:"libc"`
	StoreDir string   `json:"storeDir"`
	Prod     []string `json:"prod"`
	Parents  []string `json:"parents"`
	// Platform are the parents' platform-specific packages for every
	// platform, pinned as the lockfile records them: the script fetches the
	// target's exactly, checking their integrity.
	Platform []pnpm.PinnedPackage `json:"platform"`
}

// Mount is a filesystem mounted at Target while Run runs. It starts as Image
// (for the target platform), as the result of a stage this one needs (or,
// with Extra, what that stage keeps as KeepExtra), or empty. It is read-only
// unless Keep says what the stage keeps of it once Run is done.
type Mount struct {
	Target string `json:"target"`
	Image  string `json:"image,omitempty"`
	Stage  string `json:"stage,omitempty"`
	Extra  bool   `json:"extra,omitempty"`
	Keep   Keep   `json:"keep,omitempty"`
}

// Keep is what a stage keeps of a writable mount.
type Keep string

// What a stage keeps of a writable mount.
const (
	// KeepResult: the mount is the stage's result, in place of its
	// filesystem, so the production tree is never copied out of a build
	// filesystem.
	KeepResult Keep = "result"
	// KeepExtra: what stages that mount this one with Extra see.
	KeepExtra Keep = "extra"
	// KeepCollect: what copies with Collected read (see Stage.Collect).
	KeepCollect Keep = "collect"
)

// GeneratedInput is what generated.js place reads: where the files generate:
// wrote are (mirroring the repository root), the deployed tree, the workspace
// packages the tree holds, and the app's directory (its files reach the image
// through its build, not the tree).
type GeneratedInput struct {
	Generated string `json:"generated"`
	Tree      string `json:"tree"`
	// Out is where the files go, at their paths in Tree.
	Out      string             `json:"out"`
	Packages []WorkspacePackage `json:"packages"`
	App      string             `json:"app"`
}

// WorkspacePackage is a workspace package: its name and directory relative
// to the repository root.
type WorkspacePackage struct {
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// Manifest says the package's build rewrites its package.json (an
	// output), so the production tree takes the built one.
	Manifest bool `json:"manifest,omitempty"`
}

// WorkspaceInput is what workspace.js reads: the deployed tree, the
// repository root in the build, where npm-packlist is, and the workspace
// packages of the production closure (the app's own files come from its
// build).
type WorkspaceInput struct {
	Tree string `json:"tree"`
	// Out is where the files go, at their paths in Tree.
	Out      string             `json:"out"`
	Root     string             `json:"root"`
	Packlist string             `json:"packlist"`
	Packages []WorkspacePackage `json:"packages"`
}

// NativeInput is what native-build.js reads: the packages whose install
// scripts run ("name@version"; none: every package with one) and those among
// the tree's packages whose failure is a warning. Then, for every addon
// (.node file) in the tree, the shared libraries it links that the image
// mounted at Runtime lacks are copied from the build image into Libs, at the
// path the runtime's loader searches.
type NativeInput struct {
	Packages []string `json:"packages"`
	Optional []string `json:"optional"`
	Libs     string   `json:"libs"`
	Runtime  string   `json:"runtime"`
	// Built is the install's virtual store (node_modules/.pnpm), where pnpm
	// already ran these scripts on the build platform. It exists only when
	// the stage starts from the install (Stage.OnBuildPlatform): each package
	// is then copied from there, as built, instead of built again.
	Built string `json:"built,omitempty"`
	// Ran says pnpm deploy already ran the scripts in the tree (pnpm before
	// 10.14): only the libraries are added.
	Ran bool `json:"ran,omitempty"`
}

// File is a file a stage writes before it runs.
type File struct {
	Path string `json:"path"`
	Data string `json:"data"`
}

// Plan is everything needed to build one target, in order.
type Plan struct {
	Target  string  `json:"target"`
	Package string  `json:"package"`
	Dir     string  `json:"dir"`
	Preset  string  `json:"preset"`
	Node    Version `json:"node"`
	PNPM    Version `json:"pnpm"`
	Libc    string  `json:"libc"`
	// Runtime is distroless, alpine or image.
	Runtime string  `json:"runtime"`
	Stages  []Stage `json:"stages"`
	// Levels lists the package build stage IDs by topological level.
	Levels [][]string `json:"levels"`
	// CacheKey namespaces the pnpm store cache mount: os, arch, libc, Node.js major.
	CacheKey string      `json:"cacheKey"`
	Image    ImageConfig `json:"image"`
	Secrets  []Secret    `json:"secrets,omitempty"`
	// BuildEnv is the environment of every package build: the declared build
	// arguments that have a value, then the fixed build environment.
	BuildEnv []string `json:"buildEnv,omitempty"`
	// Platforms is what the production tree holds that depends on the platform.
	Platforms Platforms `json:"platforms"`
	// ContextPaths are the build-context paths the stages read besides the
	// workspace metadata (pnpm.MetadataPatterns), which the install reads: the
	// frontend transfers only these two sets.
	ContextPaths []string `json:"contextPaths"`
	// Notes are defaults taken and things the user should know.
	Notes []string `json:"notes,omitempty"`
	Pos   diag.Pos `json:"-"`
}

// ImageConfig is the runtime image's configuration.
type ImageConfig struct {
	User        string            `json:"user"`
	WorkingDir  string            `json:"workingDir"`
	Entrypoint  []string          `json:"entrypoint"`
	Cmd         []string          `json:"cmd"`
	Env         []string          `json:"env"`
	Ports       []string          `json:"ports,omitempty"`
	Healthcheck *Healthcheck      `json:"healthcheck,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	StopSignal  string            `json:"stopSignal,omitempty"`
}

// Healthcheck is an exec-form HEALTHCHECK.
type Healthcheck struct {
	Test        []string      `json:"test"`
	Interval    time.Duration `json:"interval,omitempty"`
	Timeout     time.Duration `json:"timeout,omitempty"`
	StartPeriod time.Duration `json:"startPeriod,omitempty"`
	Retries     int           `json:"retries,omitempty"`
}

// Secret is a BuildKit secret mounted into install and build steps.
type Secret struct {
	ID       string `json:"id"`
	Env      string `json:"env,omitempty"`
	Target   string `json:"target,omitempty"`
	Required bool   `json:"required,omitempty"`
	// CA is a PEM bundle that NODE_EXTRA_CA_CERTS names in each step that
	// mounts it (that step's environment only, not its result's).
	CA bool `json:"ca,omitempty"`
}

// CAEnv is the variable Node.js reads extra certificate authorities from, at
// startup: npm, pnpm and every package build are Node.js processes.
const CAEnv = "NODE_EXTRA_CA_CERTS"

// File is where the secret is mounted when it is a file.
func (s Secret) File() string {
	if s.Target != "" {
		return s.Target
	}
	return "/run/secrets/" + s.ID
}

// Stage returns the stage with the given ID, or nil.
func (p *Plan) Stage(id string) *Stage {
	for i := range p.Stages {
		if p.Stages[i].ID == id {
			return &p.Stages[i]
		}
	}
	return nil
}

// BaseImages are the images the plan's stages start from or mount: those on
// the build platform, and those on the target platform (each once, in plan
// order).
func (p *Plan) BaseImages() (onBuild, onTarget []string) {
	for _, s := range p.Stages {
		if s.Image != "" {
			if s.Platform == OnTarget {
				onTarget = append(onTarget, s.Image)
			} else {
				onBuild = append(onBuild, s.Image)
			}
		}
		for _, m := range s.Mounts {
			if m.Image != "" {
				onTarget = append(onTarget, m.Image)
			}
		}
	}
	return dedupe(onBuild), dedupe(onTarget)
}

// WriteJSON writes the plan as one line of JSON, so several plans are JSON
// Lines. Not indented: a large workspace's plan is tens of megabytes, and
// indenting it doubled the time and memory of encoding (jq indents).
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // ">=22", "a && b" read as written
	return enc.Encode(p)
}

// WriteText writes the plan for people: stages in order with levels, inputs and
// commands.
func (p *Plan) WriteText(w io.Writer) {
	fmt.Fprintf(w, "target %s: %s (%s) preset %s\n", p.Target, p.Package, p.Dir, p.Preset)
	fmt.Fprintf(w, "  node %s (%s), pnpm %s (%s), libc %s, runtime %s\n", p.Node.Version, p.Node.Source, p.PNPM.Version, p.PNPM.Source, p.Libc, p.Runtime)
	if len(p.BuildEnv) > 0 {
		fmt.Fprintf(w, "  build env: %s\n", strings.Join(p.BuildEnv, " "))
	}
	for i, lvl := range p.Levels {
		fmt.Fprintf(w, "  level %d: %s\n", i, strings.Join(lvl, ", "))
	}
	for _, s := range p.Stages {
		fmt.Fprintf(w, "\n[%s] on %s platform", s.ID, s.Platform)
		if s.PerTarget {
			fmt.Fprint(w, ", once per target platform")
		}
		if s.Kind == KindBuild {
			fmt.Fprintf(w, ", level %d", s.Level)
		}
		fmt.Fprintln(w)
		if s.Image != "" {
			fmt.Fprintf(w, "  image:   %s\n", s.Image)
		}
		if len(s.Needs) > 0 {
			fmt.Fprintf(w, "  needs:   %s\n", strings.Join(s.Needs, ", "))
		}
		if len(s.Inputs) > 0 {
			fmt.Fprintf(w, "  inputs:  %s\n", strings.Join(s.Inputs, " "))
		}
		if len(s.ContextInputs) > 0 {
			fmt.Fprintf(w, "  inputs:  %s (from the context)\n", strings.Join(s.ContextInputs, " "))
		}
		if len(s.Excludes) > 0 {
			fmt.Fprintf(w, "  exclude: %s\n", strings.Join(s.Excludes, " "))
		}
		if s.Workdir != "" {
			fmt.Fprintf(w, "  workdir: %s\n", s.Workdir)
		}
		for _, r := range s.Run {
			fmt.Fprintf(w, "  run:     %s\n", r)
		}
		if v := s.OnBuildPlatform; v != nil {
			fmt.Fprintf(w, "  when the target platform is the build platform: from %s, run %s\n", v.From, strings.Join(v.Run, " && "))
		}
		for _, c := range s.Caches {
			fmt.Fprintf(w, "  cache:   %s (%s, %s)\n", c.Target, c.Name, c.Sharing)
		}
		for _, c := range s.Collect {
			fmt.Fprintf(w, "  collect: %s -> %s (if present)\n", c.Src, c.Dest)
		}
		for _, c := range s.Copies {
			from := c.From
			if c.Collected {
				from += " (collected)"
			}
			fmt.Fprintf(w, "  copy:    %s:%s -> %s", from, c.Src, c.Dest)
			if len(c.Excludes) > 0 {
				fmt.Fprintf(w, " (without %s)", strings.Join(c.Excludes, " "))
			}
			if c.Layer != "" {
				fmt.Fprintf(w, ", %s layer", c.Layer)
			}
			fmt.Fprintln(w)
		}
		for _, f := range s.Files {
			fmt.Fprintf(w, "  file:    %s %s\n", f.Path, f.Data)
		}
		for _, h := range s.Helpers {
			fmt.Fprintf(w, "  helper:  %s\n", h)
		}
		for _, m := range s.Mounts {
			fmt.Fprintf(w, "  mount:   %s\n", m.describe())
		}
		if s.Secrets {
			fmt.Fprintf(w, "  secrets: %s\n", secretIDs(p.Secrets))
		}
		if len(s.Outputs) > 0 {
			fmt.Fprintf(w, "  outputs: %s\n", strings.Join(s.Outputs, " "))
		}
	}
	ic := p.Image
	fmt.Fprintf(w, "\nimage: user %s, workdir %s, entrypoint %q, cmd %q\n", ic.User, ic.WorkingDir, ic.Entrypoint, ic.Cmd)
	if len(ic.Ports) > 0 {
		fmt.Fprintf(w, "  ports: %s\n", strings.Join(ic.Ports, " "))
	}
	if ic.Healthcheck != nil {
		fmt.Fprintf(w, "  healthcheck: %q\n", ic.Healthcheck.Test)
	}
	pf := p.Platforms
	if len(pf.Prebuilt) > 0 {
		fmt.Fprintf(w, "  prebuilt per platform: %d packages of %s; each target platform gets its own\n", len(pf.Prebuilt), strings.Join(families(pf.Prebuilt), ", "))
	}
	where := "on the target platform"
	if !pf.CrossSelect {
		where = "in pnpm deploy, on the build platform"
	}
	if len(pf.Native) > 0 {
		fmt.Fprintf(w, "  native builds (%s): %s (%s)\n", where, strings.Join(pf.Native, " "), pf.Source)
	} else if pf.AllNative {
		fmt.Fprintf(w, "  native builds (%s): every dependency with an install script (%s)\n", where, pf.Source)
	}
	for _, s := range p.Stages {
		for _, m := range s.Mounts {
			if s.Kind == KindNative && m.Image != "" {
				fmt.Fprintf(w, "  shared libraries: those the addons link that %s lacks come from the build image %s; one the build image lacks fails the build\n", m.Image, s.Image)
			}
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// describe says what a mount starts as, where, and what the stage keeps of it.
func (m Mount) describe() string {
	from := "an empty directory"
	switch {
	case m.Image != "":
		from = "image " + m.Image
	case m.Stage != "" && m.Extra:
		from = "what " + m.Stage + " keeps"
	case m.Stage != "":
		from = m.Stage
	}
	switch m.Keep {
	case KeepResult:
		return fmt.Sprintf("%s at %s, written; the stage's result", from, m.Target)
	case KeepExtra:
		return fmt.Sprintf("%s at %s, written; kept for the stages that mount it", from, m.Target)
	case KeepCollect:
		return fmt.Sprintf("%s at %s, written; what the collect steps copy", from, m.Target)
	}
	return fmt.Sprintf("%s at %s, read-only", from, m.Target)
}

func secretIDs(secrets []Secret) string {
	var ids []string
	for _, s := range secrets {
		ids = append(ids, s.ID)
	}
	return strings.Join(ids, ", ")
}

// families shortens package keys to their scopes (@img/*) or names, for a summary.
func families(keys []string) []string {
	var out []string
	for _, k := range keys {
		name, _ := pnpm.SplitKey(k)
		if scope, _, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
			name = scope + "/*"
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}
