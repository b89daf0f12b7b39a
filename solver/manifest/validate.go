package manifest

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/monokit/monokit/internal/diag"
)

var (
	targetName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)
	envName    = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	secretID   = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)
	numericID  = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	nodeSpec   = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+\.[0-9]+)?$`) // a major or one exact release, as the planner resolves it
	pnpmSpec   = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$`)
)

// Validate reports every mistake in m, in file order, each with its position.
func (m *Manifest) Validate() error {
	var errs []error
	add := func(pos diag.Pos, format string, args ...any) { errs = append(errs, diag.Errorf(pos, format, args...)) }

	switch m.Version {
	case 1:
	case 0:
		add(m.Pos, "version is missing: add version: 1 at the top")
	default:
		add(m.Pos, "version %d is not supported: this monokit reads version 1", m.Version)
	}
	if m.Node.Value != "" && !nodeSpec.MatchString(m.Node.Value) {
		add(m.Node.Pos, "node: want a Node.js version such as \"24\" or \"24.11.1\", got %q", m.Node.Value)
	}
	if m.PNPM.Value != "" && !pnpmSpec.MatchString(m.PNPM.Value) {
		add(m.PNPM.Pos, "pnpm: want a pnpm version such as \"10.18.0\", got %q", m.PNPM.Value)
	}
	for _, p := range m.Platforms {
		if err := ValidatePlatform(p.Value); err != nil {
			add(p.Pos, "platforms: %v", err)
		}
	}
	if m.Runtime.Value != "" {
		if err := validateRuntime(m.Runtime.Value); err != nil {
			add(m.Runtime.Pos, "runtime: %v", err)
		}
	}
	if b := m.Images.Build; b.Value != "" {
		if _, err := reference.ParseNormalizedNamed(b.Value); err != nil {
			add(b.Pos, "images.build: %q is not an image reference: %v", b.Value, err)
		}
	}
	errs = append(errs, validateBuildEnv(m.Args, m.BuildEnv)...)
	for _, p := range m.SystemPackages {
		if !DebianPackage(p.Value) && !AlpinePackage(p.Value) {
			add(p.Pos, "system-packages: %q is not a Debian or Alpine package name (such as python3, g++ or libpq-dev, with an optional =version)", p.Value)
		}
	}
	for _, in := range m.Inputs {
		if err := diag.ValidateRelPath(in.Value); err != nil {
			add(in.Pos, "inputs: %v", err)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(m.Packages)) {
		p := m.Packages[key]
		for _, in := range p.Inputs {
			if err := diag.ValidateRelPath(in.Value); err != nil {
				add(in.Pos, "packages.%s.inputs: %v", key, err)
			}
		}
		for _, out := range p.Outputs {
			if err := validateOutput(out.Value); err != nil {
				add(out.Pos, "packages.%s.outputs: %v", key, err)
			}
		}
	}
	if len(m.Targets) == 0 {
		add(m.Pos, "targets is missing: name at least one image, for example targets: {api: {package: apps/api}}")
	}
	for _, name := range slices.Sorted(maps.Keys(m.Targets)) {
		errs = append(errs, m.Targets[name].validate()...)
	}
	sortByPos(errs)
	return errors.Join(errs...)
}

func (t *Target) validate() []error {
	var errs []error
	add := func(pos diag.Pos, format string, args ...any) {
		errs = append(errs, diag.Errorf(pos, "target %q: "+format, append([]any{t.Name}, args...)...))
	}
	if !targetName.MatchString(t.Name) {
		add(t.Pos, "a target name is letters, digits, '.', '_' and '-', starting with a letter or digit")
	}
	if t.Package.Value == "" {
		add(t.Pos, "package is missing: name the workspace package (its name or directory)")
	}
	switch t.Preset.Value {
	case "", PresetNode, PresetNext, PresetStatic:
	default:
		add(t.Preset.Pos, "unknown preset %q: want node, next or static%s", t.Preset.Value, diag.Suggest(t.Preset.Value, []string{PresetNode, PresetNext, PresetStatic}))
	}
	for _, s := range t.Start {
		if s.Value == "" {
			add(s.Pos, "start: empty argument")
		}
	}
	if t.Runtime.Value != "" {
		if err := validateRuntime(t.Runtime.Value); err != nil {
			add(t.Runtime.Pos, "runtime: %v", err)
		}
	}
	switch t.Libc.Value {
	case "", LibcGlibc, LibcMusl:
	default:
		add(t.Libc.Pos, "libc: want glibc or musl, got %q", t.Libc.Value)
	}
	if t.User.Value != "" {
		if uid, err := ParseUser(t.User.Value); err != nil {
			add(t.User.Pos, "user: %v", err)
		} else if uid == 0 {
			add(t.User.Pos, "user: %q is uid 0, root; monokit images run as a non-root user", t.User.Value)
		}
	}
	errs = append(errs, t.validatePrune()...)
	seenPorts := map[string]bool{}
	for _, p := range t.Ports {
		k := strconv.Itoa(p.Number) + "/" + p.Protocol
		if seenPorts[k] {
			add(p.Pos, "port %s is listed twice", k)
		}
		seenPorts[k] = true
	}
	if h := t.Healthcheck; h != nil {
		if !strings.HasPrefix(h.Path.Value, "/") {
			add(h.Path.Pos, "healthcheck: want a path starting with /, such as /health, got %q", h.Path.Value)
		} else if _, err := url.ParseRequestURI(h.Path.Value); err != nil || strings.ContainsAny(h.Path.Value, " \t\\") {
			// (It follows http://127.0.0.1:<port>: a path, whatever it holds.)
			add(h.Path.Pos, "healthcheck: %q is not a URL path such as /health?ready=1 (no spaces, control characters or backslashes)", h.Path.Value)
		}
		if h.Retries < 0 {
			add(h.Pos, "healthcheck: retries must not be negative")
		}
	}
	for _, e := range t.Env {
		if !envName.MatchString(e.Key) {
			add(e.Pos, "env: %q is not a valid variable name", e.Key)
		}
	}
	errs = append(errs, validateBuildEnv(t.Args, t.BuildEnv)...)
	seenSecrets := map[string]bool{}
	ca := ""
	for _, s := range t.Secrets {
		switch {
		case !secretID.MatchString(s.ID):
			add(s.Pos, "secrets: want an id such as npmrc, got %q", s.ID)
		case seenSecrets[s.ID]:
			add(s.Pos, "secrets: %q is listed twice", s.ID)
		case s.Env != "" && s.Target != "":
			add(s.Pos, "secrets: %q has both env and target; a secret is either a variable or a file", s.ID)
		case s.CA && s.Env != "":
			add(s.Pos, "secrets: %q is a CA bundle (ca: true), which Node.js reads from a file: drop env (it is mounted at /run/secrets/%s, or target)", s.ID, s.ID)
		case s.CA && ca != "":
			add(s.Pos, "secrets: %q and %q are both CA bundles (ca: true); NODE_EXTRA_CA_CERTS names one file: put the certificates in one PEM bundle", ca, s.ID)
		case s.Env != "" && !envName.MatchString(s.Env):
			add(s.Pos, "secrets: %q is not a valid variable name", s.Env)
		case s.Target != "" && !strings.HasPrefix(s.Target, "/"):
			add(s.Pos, "secrets: target %q must be an absolute path", s.Target)
		case s.Target != "" && (s.Target == "/" || path.Clean(s.Target) != s.Target):
			add(s.Pos, "secrets: target %q must name a file by a clean absolute path, such as /run/secrets/%s (no \"..\", \".\", \"//\" or trailing /)", s.Target, s.ID)
		}
		seenSecrets[s.ID] = true
		if s.CA && ca == "" {
			ca = s.ID
		}
	}
	return errs
}

// validateBuildEnv checks build argument and build environment names: each a
// variable name, declared once, and not both an argument and a fixed value.
func validateBuildEnv(args []Arg, env []KV) []error {
	var errs []error
	seen := map[string]bool{}
	for _, a := range args {
		switch {
		case !envName.MatchString(a.Name):
			errs = append(errs, diag.Errorf(a.Pos, "args: %q is not a valid variable name", a.Name))
		case seen[a.Name]:
			errs = append(errs, diag.Errorf(a.Pos, "args: %q is declared twice", a.Name))
		}
		seen[a.Name] = true
	}
	for _, e := range env {
		switch {
		case !envName.MatchString(e.Key):
			errs = append(errs, diag.Errorf(e.Pos, "build-env: %q is not a valid variable name", e.Key))
		case seen[e.Key]:
			errs = append(errs, diag.Errorf(e.Pos, "build-env: %q is also a build argument; keep one (an argument with a default if --build-arg may change it)", e.Key))
		}
		seen[e.Key] = true
	}
	return errs
}

// knownArchs are the architectures Node.js publishes Linux builds for.
var knownArchs = []string{"amd64", "arm64", "arm", "ppc64le", "s390x", "riscv64", "386", "loong64"}

// ValidatePlatform checks a platform string such as linux/arm64.
func ValidatePlatform(s string) error {
	p, err := platforms.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a platform such as linux/amd64: %v", diag.Clip(s), err)
	}
	if p.OS != "linux" {
		return fmt.Errorf("%q: only linux images are supported", diag.Clip(s))
	}
	if !slices.Contains(knownArchs, p.Architecture) {
		return fmt.Errorf("%q is not a platform: unknown architecture %q%s", diag.Clip(s), diag.Clip(p.Architecture), diag.Suggest(p.Architecture, knownArchs))
	}
	return nil
}

func validateRuntime(s string) error {
	switch s {
	case RuntimeDistroless, RuntimeAlpine:
		return nil
	}
	if !strings.ContainsAny(s, "/:@.") {
		return fmt.Errorf("want distroless, alpine or an image reference, got %q%s", diag.Clip(s), diag.Suggest(s, []string{RuntimeDistroless, RuntimeAlpine}))
	}
	if _, err := reference.ParseNormalizedNamed(s); err != nil {
		return fmt.Errorf("%q is not an image reference: %v", diag.Clip(s), err)
	}
	return nil
}

func sortByPos(errs []error) {
	line := func(err error) (int, int) {
		var e *diag.Error
		if errors.As(err, &e) {
			return e.Pos.Line, e.Pos.Col
		}
		return 0, 0
	}
	slices.SortStableFunc(errs, func(a, b error) int {
		la, ca := line(a)
		lb, cb := line(b)
		if la != lb {
			return la - lb
		}
		return ca - cb
	})
}

// ParseUser parses a runtime user, uid or uid:gid, each a number below 2^32 as
// the runtime reads it ("00" is 0), and returns the uid.
func ParseUser(s string) (uint32, error) {
	bad := fmt.Errorf("want a numeric uid or uid:gid such as 65532 (runtime images may have no /etc/passwd), got %q", diag.Clip(s))
	if !numericID.MatchString(s) {
		return 0, bad
	}
	u, g, _ := strings.Cut(s, ":")
	uid, err := strconv.ParseUint(u, 10, 32)
	if err != nil {
		return 0, bad
	}
	if g != "" {
		gid, err := strconv.ParseUint(g, 10, 32)
		switch {
		case err != nil:
			return 0, bad
		case gid == math.MaxUint32:
			return 0, fmt.Errorf("gid %d is (gid_t)-1, which setgid refuses (EINVAL); give a gid below it, such as 65532", gid)
		case gid == 0 && uid != 0: // uid 0 is refused as root
			return 0, fmt.Errorf("%q runs in group 0, root's group, whose files it could write; give a non-root gid, such as %s:%s", diag.Clip(s), u, u)
		}
	}
	if uid == math.MaxUint32 {
		return 0, fmt.Errorf("uid %d is (uid_t)-1, which setuid refuses (EINVAL); give a uid below it, such as 65532", uid)
	}
	return uint32(uid), nil
}

// validateOutput checks an output: a file or directory the package's build
// writes, relative to the package. It is copied and checked for as it is
// named, so it is not a glob, and it is not the package itself, whose sources
// its dependents' builds must still see.
func validateOutput(o string) error {
	if err := diag.ValidateRelPath(o); err != nil {
		return err
	}
	switch {
	case path.Clean(o) == ".":
		return fmt.Errorf("%q is the package itself; name what its build writes, such as dist", diag.Clip(o))
	case strings.ContainsAny(o, "*?[{"):
		return fmt.Errorf("%q is a glob; outputs are paths the build writes, such as dist or lib/index.js", diag.Clip(o))
	}
	return nil
}

// validatePrune checks prune: and the include: globs that only a traced
// tree reads.
func (t *Target) validatePrune() []error {
	var errs []error
	add := func(pos diag.Pos, format string, args ...any) {
		errs = append(errs, diag.Errorf(pos, "target %q: "+format, append([]any{t.Name}, args...)...))
	}
	switch t.Prune.Value {
	case "", PruneDeploy, PruneTrace:
	default:
		add(t.Prune.Pos, "prune: want deploy or trace, got %q%s", diag.Clip(t.Prune.Value), diag.Suggest(t.Prune.Value, []string{PruneDeploy, PruneTrace}))
	}
	if len(t.Include) > 0 && t.Prune.Value != PruneTrace {
		add(t.Include[0].Pos, "include: is for a traced production tree, and this target's is pnpm deploy's, which keeps every file; add prune: trace or remove include:")
	}
	for _, g := range t.Include {
		if err := ValidateInclude(g.Value); err != nil {
			add(g.Pos, "include: %v", err)
		}
	}
	return errs
}

// ValidateInclude checks an include: glob: relative to the image's /app,
// inside it, and a pattern doublestar (and picomatch, which the trace
// matches with) can read.
func ValidateInclude(g string) error {
	if err := diag.ValidateRelPath(g); err != nil {
		return fmt.Errorf("%w (include: globs are relative to the image's /app)", err)
	}
	if !doublestar.ValidatePattern(g) {
		return fmt.Errorf("%q is not a valid glob (an unclosed [ or {, or a trailing \\)", diag.Clip(g))
	}
	return nil
}
