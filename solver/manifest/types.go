package manifest

import (
	"time"

	"github.com/monokit/monokit/internal/diag"
)

// Manifest is a decoded monokit.yaml. Fields left empty are filled from the
// workspace by the planner (node and pnpm versions, presets) or take the defaults
// documented on each field.
type Manifest struct {
	Version int
	// Node is the Node.js major or exact version. Empty: engines.node, .nvmrc or
	// devEngines.runtime of the root package.json, else the current LTS.
	Node String
	// PNPM is the pnpm version. Empty: packageManager or devEngines.packageManager.
	PNPM String
	// Platforms are the default target platforms when --platform is not given.
	Platforms []String
	// Runtime is the default runtime of targets: distroless (default), alpine, or an
	// image reference.
	Runtime String
	Images  Images
	// SystemPackages are added to the build image (apt or apk), for native modules
	// that compile from source.
	SystemPackages []String
	// Inputs are root-level files and globs every package build sees, in addition
	// to DefaultInputs.
	Inputs []String
	// Args are build arguments every target's package builds see, set with
	// --build-arg NAME=value, else their default; undeclared ones reach nothing.
	Args []Arg
	// BuildEnv is fixed environment for every target's package builds.
	BuildEnv []KV
	// Packages holds per-package overrides, keyed by package name or directory.
	Packages map[string]*Package
	// Targets are the images this manifest builds, keyed by target name.
	Targets map[string]*Target
	Pos     diag.Pos
}

// DefaultInputs are the root-level files every package build sees: shared compiler
// configuration that builds commonly extend from outside their package.
var DefaultInputs = []string{"tsconfig*.json", "turbo.json", "babel.config.*", ".babelrc*", ".swcrc", "nx.json"}

// String is a scalar with the position it came from.
type String struct {
	Value string
	Pos   diag.Pos
}

// Images overrides the images monokit picks.
type Images struct {
	// Build replaces the build image (default node:<node>-trixie-slim for glibc
	// runtimes, -bookworm-slim for releases older than Debian 13 variants,
	// node:<node>-alpine for musl ones). It must carry node and npm.
	Build String
	Pos   diag.Pos
}

// Package overrides how one workspace package is built.
type Package struct {
	Key string // the name or directory it was keyed by
	// Build is the command that builds the package; default: `pnpm run build` when
	// package.json has a build script.
	Build String
	// Inputs are extra paths, relative to the repository root, the build reads.
	Inputs []String
	// Outputs are the paths, relative to the package, the build writes and its
	// dependents read. Default: derived from package.json (main, exports, files), else dist.
	Outputs []String
	Pos     diag.Pos
}

// Target is one image.
type Target struct {
	// Description is the comment above the target's name, as --call
	// targets shows it (an inferred manifest says there why the target was
	// chosen).
	Description string
	Name        string
	// Package is the workspace package name or directory.
	Package String
	// Preset is node, next or static; inferred from the package's scripts and
	// dependencies when empty.
	Preset String
	// Build replaces the package's build command.
	Build String
	// Generate are commands run in the package directory before its build
	// (for example `pnpm run db:generate`), beside the builds of the
	// workspace packages it depends on.
	Generate []String
	// Start are the arguments to node, relative to the package directory.
	Start       []String
	Ports       []Port
	Healthcheck *Healthcheck
	Env         []KV
	// Args and BuildEnv are this target's, added to the manifest's (a name
	// given in both takes the target's).
	Args     []Arg
	BuildEnv []KV
	// Runtime is distroless, alpine or an image reference; default the manifest's.
	Runtime String
	// Libc of an image-reference runtime: glibc (default) or musl.
	Libc String
	// User is the numeric uid[:gid] the app runs as; default the runtime's non-root user.
	User    String
	Labels  []KV
	Secrets []Secret
	// Prune is how the production tree is cut: deploy (pnpm deploy --prod,
	// the default) or trace (only the files the app's entry points reach).
	Prune String
	// Include are globs, relative to the image's /app, that a traced tree
	// keeps whatever the trace saw: files the app reads at paths tracing
	// cannot compute.
	Include []String
	Pos     diag.Pos
}

// Port is an exposed port.
type Port struct {
	Number   int
	Protocol string // tcp or udp
	Pos      diag.Pos
}

// Healthcheck is an HTTP GET the image's HEALTHCHECK runs with node itself, so it
// works in images without a shell, curl or wget.
type Healthcheck struct {
	Path        String
	Port        int // default the target's first port
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
	Pos         diag.Pos
}

// KV is a key and value with a position, kept in file order.
type KV struct {
	Key, Value string
	Pos        diag.Pos
}

// Arg is a declared build argument. Without a default and a --build-arg, it
// is not set at all, as a Dockerfile ARG.
type Arg struct {
	Name       string
	Default    string
	HasDefault bool
	// Description is the comment above the argument or after it on its
	// line, as a Dockerfile's comment above an ARG: --call outline shows it.
	Description string
	Pos         diag.Pos
}

// Secret is a BuildKit secret mounted into install and build steps, never into a
// layer.
type Secret struct {
	ID string
	// Env exposes the secret as this environment variable instead of a file.
	Env string
	// Target is the file path; default /run/secrets/<id>.
	Target   string
	Required bool
	// CA marks a PEM bundle of certificate authorities (a TLS-intercepting
	// proxy's, a private registry's) that Node.js, npm and pnpm trust in every
	// step that mounts the secret: NODE_EXTRA_CA_CERTS names its file there.
	CA  bool
	Pos diag.Pos
}

// Runtime kinds.
const (
	RuntimeDistroless = "distroless"
	RuntimeAlpine     = "alpine"
)

// Presets.
const (
	PresetNode = "node"
	PresetNext = "next"
	// PresetStatic: the build writes a static site, which monokit-serve
	// serves; no Node.js runs in the image.
	PresetStatic = "static"
)

// How a target's production tree is cut (Target.Prune).
const (
	PruneDeploy = "deploy"
	PruneTrace  = "trace"
)

// Libc values.
const (
	LibcGlibc = "glibc"
	LibcMusl  = "musl"
)
