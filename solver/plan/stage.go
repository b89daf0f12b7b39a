package plan

import (
	"slices"
	"strings"

	"github.com/monokit/monokit/internal/diag"
)

// Kind says what a stage does.
type Kind string

// Stage kinds, in the order a plan lists them.
const (
	KindToolchain Kind = "toolchain" // build image plus pnpm
	KindDeps      Kind = "deps"      // pnpm install from metadata files only
	KindBuild     Kind = "build"     // one workspace package's build
	KindGenerate  Kind = "generate"  // the target package's setup and generate:, beside the builds
	KindApp       Kind = "app"       // the target package's generate and build
	KindPrune     Kind = "prune"     // the production tree
	KindNative    Kind = "native"    // dependencies' install scripts, on the target platform
	KindSelect    Kind = "select"    // a traced tree's prebuilt packages, for the target platform
	KindWorkspace Kind = "workspace" // the workspace packages' files laid onto the production tree
	KindTrace     Kind = "trace"     // the production tree cut to what the app loads
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
	// Aliases put a context directory (or file) at another path of the
	// repository, after Inputs: a workspace package whose directory is a
	// symlink to another directory of the context gets that directory's
	// files at its own path (BuildKit copies a symlink as a symlink, and
	// outputs copied onto one fail). Excludes under Dest apply.
	Aliases []Alias `json:"aliases,omitempty"`
	// Sets name the closure of a build's package by the plan's Sets it
	// reaches directly; Plan.Expander lists what they add to Needs, Inputs,
	// Aliases and Excludes. Beside are sets of the closure built beside this
	// one (a dependency cycle): neither needed nor excluded.
	Sets   []string `json:"sets,omitempty"`
	Beside []string `json:"beside,omitempty"`
	// ContextInputs are inputs of the install that are not workspace
	// metadata (the bin files of workspace packages, the files the root
	// project's install scripts name): they come from the
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
	Outputs []string `json:"outputs,omitempty"`
	// Guessed says Outputs are monokit's guess, which nothing in package.json
	// names: a build that writes none (a type check, tsc with noEmit) gets
	// an empty one and a warning instead of failing, as pnpm build passes.
	Guessed  bool     `json:"guessed,omitempty"`
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
	// FixedTime gives every file copied one modification time
	// (SOURCE_DATE_EPOCH's, else the Unix epoch), so a layer whose files
	// are the same is the same blob, which a push skips: Next.js writes its
	// standalone tree anew on every build, and a clean CI runner its whole
	// production tree.
	FixedTime bool `json:"fixedTime,omitempty"`
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

// Mount is a filesystem mounted at Target while Run runs. It starts as Image
// (for the target platform), as the result of a stage this one needs (or,
// with Extra, what that stage keeps as KeepExtra), as the file BuildKit
// downloads from URL, or empty. It is read-only unless Keep says what the
// stage keeps of it once Run is done.
type Mount struct {
	Target string `json:"target"`
	Image  string `json:"image,omitempty"`
	Stage  string `json:"stage,omitempty"`
	Extra  bool   `json:"extra,omitempty"`
	Keep   Keep   `json:"keep,omitempty"`
	// Layer mounts the runtime image's layer of that name (LayerDependencies)
	// as the runtime stage assembles it: the very layer the image ships,
	// which every build loads. A stage that reads the production tree there
	// needs neither the deploy's result nor the native stage's once they are
	// cached: BuildKit keeps a result only while it is used, and a layer
	// that merely copies a result keeps the result's cache key, not the
	// result (its garbage collector, a prune or a registry cache may drop
	// the result, and the deploy would then run again to remake it). The
	// layer's copies come from stages the mounting stage needs.
	Layer string `json:"layer,omitempty"`
	// Layers mounts the runtime image's layers of those names merged, the
	// later ones on top: the tree the image would ship, in one directory.
	Layers []string `json:"layers,omitempty"`
	// URL is fetched by BuildKit (llb.HTTP: cached, fetched in parallel with
	// the rest of the graph), alone in the mount as File; the stage checks
	// it. It is mounted only for the target platforms OS and CPU allow.
	URL  string `json:"url,omitempty"`
	File string `json:"file,omitempty"`
	// OS and CPU are npm's os and cpu fields: a list of names, each
	// negated with "!", or empty for every platform.
	OS  []string `json:"os,omitempty"`
	CPU []string `json:"cpu,omitempty"`
	// CrossOnly mounts it only when the target platform is not the build
	// platform: what the build platform needs, its own build already has.
	CrossOnly bool `json:"crossOnly,omitempty"`
}

// On reports whether the mount is for a target platform (os and cpu as npm
// names them: linux, x64).
func (m Mount) On(os, cpu string) bool { return Allows(m.OS, os) && Allows(m.CPU, cpu) }

// Allows reports whether one of npm's os, cpu or libc lists admits v, as
// npm and pnpm read them: a "!v" refuses it; else any other "!" entries
// alone admit it; else v (or "any") must be listed.
func Allows(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	if slices.Contains(list, "!"+v) {
		return false
	}
	var admitted []string
	for _, e := range list {
		if !strings.HasPrefix(e, "!") {
			admitted = append(admitted, e)
		}
	}
	return len(admitted) == 0 || slices.Contains(admitted, v) || slices.Contains(admitted, "any")
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

// File is a file a stage writes before it runs.
type File struct {
	Path string `json:"path"`
	Data string `json:"data"`
}

// Alias is a copy of Src, a path of the build context, to Dest, a path of
// the repository, both relative to the root.
type Alias struct {
	Src  string `json:"src"`
	Dest string `json:"dest"`
}
