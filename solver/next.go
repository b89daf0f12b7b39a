package solver

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// nextStandaloneDefault is the first Next.js release whose default output is
// "standalone" when NEXT_PRIVATE_STANDALONE is set (server/config-shared.js;
// read the same way through 16). A config that leaves output unset, or sets it
// to undefined (output: process.env.X ? "standalone" : undefined), gets it.
var nextStandaloneDefault = semver.MustParse("12.3.0")

// nextApp makes a Next.js app's build write standalone output, whether or not
// its next.config asks for it, and fails the build clearly when the config
// chose another output.
func (b *builder) nextApp(s *plan.Stage) error {
	// The build reads next.config: one that leads off the context would
	// be the build host's file, or a dangling link.
	for _, f := range nextConfigFiles {
		if err := ctxfs.CheckInside(b.ws.FS(), path.Join(b.pkg.Dir, f)); err != nil {
			return err
		}
	}
	s.Env = append(s.Env, "NEXT_TELEMETRY_DISABLED=1")
	// Next.js's build cache (webpack's, TypeScript's) persists between
	// builds, as Next.js advises for CI; it is never part of an output.
	s.Caches = []plan.CacheMount{lockedCache(path.Join(plan.BuildRoot, b.pkg.Dir, ".next/cache"))}
	asks := b.nextConfigMentions("standalone")
	v, pos := b.nextVersion()
	switch {
	case v != nil && v.LessThan(nextStandaloneDefault) && !asks:
		return diag.Errorf(pos, "target %q: Next.js %s writes standalone output only when next.config asks for it (Next.js 12.3 and later also take NEXT_PRIVATE_STANDALONE=true, which monokit sets); add output: \"standalone\" to %s's next.config or upgrade Next.js", b.t.Name, v, b.pkg.Dir)
	case !asks:
		b.plan.Notes = append(b.plan.Notes, fmt.Sprintf("%s's next.config does not ask for output: \"standalone\"; the build sets NEXT_PRIVATE_STANDALONE=true, which makes standalone the default output of Next.js 12.3 and later", b.pkg.Dir))
	}
	s.Env = append(s.Env, "NEXT_PRIVATE_STANDALONE=true")
	if s.Title == "" {
		s.Title = "RUN " + strings.Join(s.Run, " && ")
	}
	s.Run = append(s.Run, `[ -d .next/standalone ] || { echo "monokit: next build wrote no .next/standalone: next.config sets output to something else; leave it unset or set output: \"standalone\"" >&2; exit 1; }`)
	return nil
}

// nextConfigFiles are the names Next.js reads its config from.
var nextConfigFiles = []string{"next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"}

// nextCLI is a script that runs next build, next start or next dev.
var nextCLI = regexp.MustCompile(`(^|[\s;&|(])next\s+(build|start|dev)\b`)

// nextAppReason says why a package is a Next.js app, "" when it is not: it
// depends on next, and has a next.config or a build, start or dev script that
// runs the next CLI. The dependency alone is not enough: a NestJS server that serves a
// Next.js app depends on next and builds with nest build.
func nextAppReason(ws *pnpm.Workspace, p *pnpm.Package) string {
	if !p.JSON.HasDep("next") {
		return ""
	}
	for _, f := range nextConfigFiles {
		if _, err := ws.ReadFile(path.Join(p.Dir, f)); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return "it depends on next and has " + f
		}
	}
	for _, name := range []string{"build", "start", "dev"} {
		if m := nextCLI.FindStringSubmatch(p.JSON.Scripts[name]); m != nil {
			return fmt.Sprintf("it depends on next and its %s script runs next %s", name, m[2])
		}
	}
	return ""
}

// nextConfigMentions reports whether the app's next.config holds text.
func (b *builder) nextConfigMentions(text string) bool {
	for _, f := range nextConfigFiles {
		data, err := b.ws.ReadFile(path.Join(b.pkg.Dir, f))
		if err == nil && strings.Contains(string(data), text) {
			return true
		}
	}
	return false
}

// nextVersion is the Next.js version the lockfile resolves for the app, and
// where package.json asks for it; nil when the lockfile does not say.
func (b *builder) nextVersion() (*semver.Version, diag.Pos) {
	im := b.ws.Lockfile.Importers[b.pkg.Dir]
	if im == nil {
		return nil, diag.Pos{}
	}
	for _, kind := range pnpm.DepKinds {
		if d, ok := im.Deps[kind]["next"]; ok {
			v, err := semver.StrictNewVersion(pnpm.StripPeers(d.Version))
			if err != nil {
				return nil, diag.Pos{}
			}
			return v, b.pkg.JSON.Pos(kind + "/next")
		}
	}
	return nil, diag.Pos{}
}
