package plan

import (
	"slices"
	"time"

	"github.com/monokit/monokit/internal/diag"
)

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
	// Sets are the workspace packages of the build stages' closures, each
	// once, in directory order (see Set).
	Sets []Set `json:"sets,omitempty"`
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
	// Trace is what the trace stage starts from, when the image ships the
	// production tree cut to what the app loads (prune: trace).
	Trace *Trace `json:"trace,omitempty"`
	// Notes are defaults taken and things the user should know.
	Notes []string `json:"notes,omitempty"`
	Pos   diag.Pos `json:"-"`
}

// Trace is what a traced tree keeps, besides what these reach: the files
// node runs (relative to AppRoot), the modules it preloads, the files it
// reads itself, and the target's include: globs.
type Trace struct {
	Tracer  string   `json:"tracer"`
	Entries []string `json:"entries"`
	Modules []string `json:"modules,omitempty"`
	Files   []string `json:"files,omitempty"`
	Include []string `json:"include,omitempty"`
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
	add := func(list []string, ref string) []string {
		if slices.Contains(list, ref) {
			return list
		}
		return append(list, ref)
	}
	for _, s := range p.Stages {
		if s.Image != "" {
			if s.Platform == OnTarget {
				onTarget = add(onTarget, s.Image)
			} else {
				onBuild = add(onBuild, s.Image)
			}
		}
		for _, m := range s.Mounts {
			if m.Image != "" {
				onTarget = add(onTarget, m.Image)
			}
		}
	}
	return onBuild, onTarget
}

// Version is a resolved tool version and where it came from.
type Version struct {
	Version string   `json:"version"` // exact ("24.11.1") or a major ("24")
	Major   int      `json:"major"`
	Source  string   `json:"source"` // what decided it, for the plan
	Pos     diag.Pos `json:"-"`
}
