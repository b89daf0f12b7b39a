package solver

import (
	"regexp"
	"slices"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/monokit/monokit/solver/manifest"
)

// TestTraceEntries: node's own options are read as node reads them, the
// script ends them, and monokit's inline SIGTERM handler is no file.
func TestTraceEntries(t *testing.T) {
	for _, tc := range []struct {
		args                    []string
		entries, modules, files []string
	}{
		{args: []string{"dist/main.js"}, entries: []string{"dist/main.js"}},
		{args: []string{"--import", stopOnSIGTERM, "./dist/main.js", "-r", "x"}, entries: []string{"dist/main.js"}},
		{args: []string{"-r", "dotenv/config", "--enable-source-maps", "--import=@otel/auto", "dist/server.mjs"}, entries: []string{"dist/server.mjs"}, modules: []string{"dotenv/config", "@otel/auto"}},
		{args: []string{"--require", "./tracing.js", "--env-file=.env.production", "--env-file", "config/.env", "index.js"}, entries: []string{"tracing.js", "index.js"}, files: []string{".env.production", "config/.env"}},
		{args: []string{"--max-old-space-size=4096", "build/index.js", "--port", "3000"}, entries: []string{"build/index.js"}},
		// An option's value given as the next argument is no script.
		{args: []string{"--title", "api", "-C", "production", "dist/main.js"}, entries: []string{"dist/main.js"}},
	} {
		e, m, f := traceEntries(tc.args)
		if !slices.Equal(e, tc.entries) || !slices.Equal(m, tc.modules) || !slices.Equal(f, tc.files) {
			t.Errorf("traceEntries(%q) = %q, %q, %q; want %q, %q, %q", tc.args, e, m, f, tc.entries, tc.modules, tc.files)
		}
	}
}

// TestGlobRegexp: the expression trace.js tests matches exactly the paths
// doublestar matches, the grammar the manifest checks include: against.
func TestGlobRegexp(t *testing.T) {
	paths := []string{
		"templates", "templates/a.html", "templates/mail/b.html", "templates/.hidden",
		"node_modules/pkg/views/x.ejs", "node_modules/.pnpm/pkg@1/node_modules/pkg/views/x.ejs",
		"prisma/schema.prisma", "prisma/migrations/1/migration.sql", "a.sql", "b.json", "c.yaml", "c.yml",
		"locale/en.json", "locale/fr.json", "locale/f-.json", "x[1].txt", "weird{a}.txt", "dir/a.b/c",
	}
	for _, g := range []string{
		"templates/**", "templates/*", "**/*.sql", "**/views/*.ejs", "node_modules/*/views/**",
		"prisma/**/*.{sql,prisma}", "*.y?ml", "locale/[a-e]*.json", "locale/[!e]*.json", "locale/f[\\-].json",
		"x\\[1\\].txt", "weird\\{a\\}.txt", "{templates,prisma}/**", "dir/a.b/*", "**",
	} {
		tg, err := traceGlob(g)
		if err != nil {
			t.Errorf("traceGlob(%q): %v", g, err)
			continue
		}
		re := regexp.MustCompile(tg.Regexp)
		for _, p := range paths {
			want, _ := doublestar.Match(g, p)
			if got := re.MatchString(p); got != want {
				t.Errorf("glob %q (regexp %s) on %q: matched %v, doublestar %v", g, tg.Regexp, p, got, want)
			}
		}
	}
	for _, bad := range []string{"/etc/**", "../x/**", "a/[b", "a/{b", "a\\"} {
		if _, err := traceGlob(bad); err == nil {
			t.Errorf("traceGlob(%q) is accepted", bad)
		}
	}
}

// TestPruneMode: the build argument wins over the target's prune:, and a
// wrong value says what it wants.
func TestPruneMode(t *testing.T) {
	tr := &manifest.Target{Prune: manifest.String{Value: manifest.PruneTrace}}
	if m, _ := pruneMode(tr, nil); m != manifest.PruneTrace {
		t.Errorf("prune: trace gave %q", m)
	}
	if m, _ := pruneMode(tr, map[string]string{PruneArg: "deploy"}); m != manifest.PruneDeploy {
		t.Errorf("--build-arg MONOKIT_PRUNE=deploy gave %q", m)
	}
	if m, _ := pruneMode(&manifest.Target{}, nil); m != manifest.PruneDeploy {
		t.Errorf("no prune: gave %q", m)
	}
	if _, err := pruneMode(tr, map[string]string{PruneArg: "nft"}); err == nil || err.Error() != `--build-arg MONOKIT_PRUNE="nft": want deploy or trace` {
		t.Errorf("MONOKIT_PRUNE=nft: %v", err)
	}
}
