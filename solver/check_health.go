package solver

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// maxHealthSources bounds the files the rule lists per target; past it, the
// rule says nothing rather than walk a whole monorepo. What it reads of them
// is bounded by maxSourceBytes, as inference's is.
const maxHealthSources = 20000

// healthRouteMissing looks for what could serve path in the sources of the
// app's closure: a Next.js route file (app/…/route.ts, pages/….ts), else
// every segment of the path as a literal in some source ('/health',
// @Controller('health') with @Get('live')). It reads the sources as
// inference does (readSources: the app's own first, each once, at most
// maxSourceBytes). It returns the first segment it found nowhere, and false
// when it cannot say: there are too many files to list, or the cap stopped
// it before it found every segment.
func healthRouteMissing(fsys fs.FS, app *pnpm.Package, closure []*pnpm.Package, route string, next bool) (missing string, known bool) {
	segs := strings.FieldsFunc(route, func(r rune) bool { return r == '/' })
	if len(segs) == 0 {
		return "", true // "/" is served by whatever listens
	}
	files := sourceFiles(fsys, closure)
	if len(files) > maxHealthSources {
		return "", false
	}
	for _, f := range files {
		if next && nextRouteServes(f, segs) || fileRouteServes(f, segs) {
			return "", true
		}
	}
	found := make([]bool, len(segs))
	pats := make([]*regexp.Regexp, len(segs))
	for i, s := range segs {
		pats[i] = mentions(s)
	}
	own, deps := appFirst(app.Dir, files)
	read := readSources(fsys, append(own, deps...), func(_ string, data []byte) bool {
		for i, re := range pats {
			found[i] = found[i] || matchAround(re, segs[i], data)
		}
		return slices.Contains(found, false)
	})
	if !slices.Contains(found, false) {
		return "", true
	}
	if read < len(files) {
		// The cap stopped the scan with a segment still unseen: it may sit
		// in a file left unread, so the rule cannot tell, and says nothing.
		// A finding fails `--call check` (and CI that runs it) on a guess,
		// and the only way to silence it would be to rename a route that
		// may well be served. A user expects a lint to report what it found,
		// not what it did not read, as the rule does past maxHealthSources
		// files.
		return "", false
	}
	return segs[slices.Index(found, false)], true
}

// routeDirs are the directories file-based routers read routes from:
// Nitro's routes/ and api/, SvelteKit's src/routes/, Astro's src/pages/.
var routeDirs = []string{"routes", "api", "pages"}

// routeFileNames name a route by their directory (SvelteKit's +server.js,
// index files).
var routeFileNames = []string{"index", "+server", "+page", "+page.server", "route"}

// fileRouteServes reports whether a file is a file-based router's route
// for the path's segments: <routes dir>/<segments>.<ext> or
// <routes dir>/<segments>/<index|+server>.<ext>, with Nitro's method
// suffix (health.get.ts) and [param] matching any one segment.
func fileRouteServes(file string, segs []string) bool {
	parts := strings.Split(file, "/")
	i := slices.IndexFunc(parts, func(s string) bool { return slices.Contains(routeDirs, s) })
	if i < 0 {
		return false
	}
	var route []string
	if parts[i] == "api" {
		route = []string{"api"}
	}
	for _, p := range parts[i+1:] {
		if !strings.HasPrefix(p, "(") { // SvelteKit's route groups
			route = append(route, p)
		}
	}
	if len(route) == 0 {
		return false
	}
	last := strings.TrimSuffix(route[len(route)-1], path.Ext(route[len(route)-1]))
	for _, m := range []string{".get", ".head"} {
		last = strings.TrimSuffix(last, m)
	}
	route[len(route)-1] = last
	if slices.Contains(routeFileNames, last) {
		route = route[:len(route)-1]
	}
	if len(route) != len(segs) {
		return false
	}
	for j, r := range route {
		if !strings.HasPrefix(r, "[") && r != segs[j] {
			return false
		}
	}
	return true
}

// nextRouteServes reports whether a file is a Next.js route for the path's
// segments: app/<segments>/route.<ext> or pages/<segments>(/index).<ext>, under
// an optional src/, route groups and parallel slots skipped, [param] matching
// any one segment and [...rest] the rest.
func nextRouteServes(file string, segs []string) bool {
	parts := strings.Split(file, "/")
	i := slices.IndexFunc(parts, func(s string) bool { return s == "app" || s == "pages" })
	if i < 0 {
		return false
	}
	dir, name := parts[i+1:len(parts)-1], strings.TrimSuffix(parts[len(parts)-1], path.Ext(file))
	switch {
	case parts[i] == "app" && name == "route":
	case parts[i] == "pages" && name == "index":
	case parts[i] == "pages":
		dir = append(slices.Clone(dir), name)
	default:
		return false
	}
	var route []string
	for _, d := range dir {
		if !strings.HasPrefix(d, "(") && !strings.HasPrefix(d, "@") {
			route = append(route, d)
		}
	}
	for j, r := range route {
		switch {
		case strings.HasPrefix(r, "[[...") || strings.HasPrefix(r, "[..."):
			return true
		case j >= len(segs):
			return false
		case strings.HasPrefix(r, "["):
		case r != segs[j]:
			return false
		}
	}
	return len(route) == len(segs)
}

// healthRouteFinding is the HealthRouteNotFound finding for the target, if any.
func healthRouteFinding(t *manifest.Target, pl *plan.Plan, ws *pnpm.Workspace, sources fs.FS) (Finding, bool) {
	if sources == nil || t.Healthcheck == nil || pl.Preset == manifest.PresetStatic {
		return Finding{}, false
	}
	pkg := ws.Find(t.Package.Value)
	missing, known := healthRouteMissing(sources, pkg, ws.Closure(pkg), t.Healthcheck.Path.Value, pl.Preset == manifest.PresetNext)
	if !known || missing == "" {
		return Finding{}, false
	}
	route := ""
	if pl.Preset == manifest.PresetNext {
		route = ", and no app/ or pages/ route file matches it"
	}
	return Finding{RuleHealthRoute, t.Healthcheck.Path.Pos, fmt.Sprintf("healthcheck %s: no source of %s or its workspace dependencies mentions %q%s; the HEALTHCHECK fails if nothing serves it", t.Healthcheck.Path.Value, pkg.ID(), missing, route)}, true
}
