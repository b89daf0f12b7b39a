package pnpm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/internal/testskip"
)

// A lockfile variant: a workspace that real pnpm locks, then edits written over
// it (making it stale, or not), and pnpm's expected verdict on a frozen install.
type lockVariant struct {
	name  string
	pnpm  int
	files map[string]string
	edit  map[string]string
	stale bool
	// at is "file:text" the drift must point at: the file, and a text on the line.
	at string
}

const (
	rootJSON = `{"name":"root","private":true}`
	wsYAML   = "packages: [apps/*, packages/*]\n"
	libJSON  = `{"name":"@t/lib","version":"1.0.0","dependencies":{"is-odd":"^3.0.1"}}`
)

// files builds a workspace: the root package.json, pnpm-workspace.yaml, the
// library and apps/a's package.json.
func files(root, ws, app string) map[string]string {
	return map[string]string{
		"package.json":              root,
		"pnpm-workspace.yaml":       ws,
		"packages/lib/package.json": libJSON,
		"apps/a/package.json":       app,
	}
}

func app(fields string) string { return `{"name":"@t/a","version":"1.0.0",` + fields + `}` }

var plainApp = app(`"dependencies":{"@t/lib":"workspace:*","is-number":"^7.0.0"},"devDependencies":{"is-even":"^1.0.0"},"optionalDependencies":{"isarray":"^2.0.5"}`)

var lockVariants = []lockVariant{
	// pnpm accepts these.
	{name: "plain", pnpm: 10, files: files(rootJSON, wsYAML, plainApp)},
	{name: "plain-9", pnpm: 9, files: files(rootJSON, wsYAML, plainApp)},
	{name: "plain-11", pnpm: 11, files: files(rootJSON, wsYAML, plainApp)},
	{name: "resolutions-rewrite-importer", pnpm: 10, files: files(`{"name":"root","private":true,"resolutions":{"is-number":"6.0.0"}}`, wsYAML, plainApp)},
	{name: "resolutions-9", pnpm: 9, files: files(`{"name":"root","private":true,"resolutions":{"is-number":"6.0.0"}}`, wsYAML, plainApp)},
	{name: "selector-range-matches", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"is-number@7":"7.0.0"}}}`, wsYAML, plainApp)},
	{name: "selector-range-misses", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"is-number@6":"6.0.0"}}}`, wsYAML, plainApp)},
	{name: "selector-parent", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"@t/a>is-number":"6.0.0","is-number":"7.0.0"}}}`, wsYAML, plainApp)},
	{name: "selector-parent-range", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"@t/a@^1>is-number@^7":"6.0.0","@t/a@2>is-even":"0.1.0"}}}`, wsYAML, plainApp)},
	{name: "workspace-overrides", pnpm: 10, files: files(rootJSON, wsYAML+"overrides:\n  is-even: 1.0.0\n", plainApp)},
	{name: "workspace-overrides-11", pnpm: 11, files: files(rootJSON, wsYAML+"overrides:\n  is-even: 1.0.0\n", plainApp)},
	{name: "override-replaces-catalog", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"is-number":"7.0.0"}}}`, wsYAML+"catalog:\n  is-number: ^7.0.0\n", app(`"dependencies":{"is-number":"catalog:"}`))},
	{name: "override-from-catalog", pnpm: 10, files: files(rootJSON, wsYAML+"catalog:\n  is-number: 6.0.0\noverrides:\n  is-number: 'catalog:'\n", plainApp)},
	{name: "named-catalog", pnpm: 10, files: files(rootJSON, wsYAML+"catalogs:\n  legacy:\n    is-number: ^6.0.0\n", app(`"dependencies":{"is-number":"catalog:legacy"}`))},
	{name: "named-catalog-11", pnpm: 11, files: files(rootJSON, wsYAML+"catalogs:\n  legacy:\n    is-number: ^6.0.0\n", app(`"dependencies":{"is-number":"catalog:legacy"}`))},
	{name: "auto-install-peers", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"is-even":"^1.0.0"},"peerDependencies":{"is-number":"^7.0.0"}`))},
	{name: "auto-install-peers-off", pnpm: 10, files: files(rootJSON, wsYAML+"autoInstallPeers: false\n", app(`"dependencies":{"is-even":"^1.0.0"},"peerDependencies":{"is-number":"^7.0.0"}`))},
	{name: "inject-workspace-packages", pnpm: 10, files: files(rootJSON, wsYAML+"injectWorkspacePackages: true\n", app(`"dependencies":{"@t/lib":"workspace:*"}`))},
	{name: "publish-directory", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"is-number":"^7.0.0"},"publishConfig":{"directory":"dist"}`))},
	{name: "dollar-reference", pnpm: 10, files: files(`{"name":"root","private":true,"devDependencies":{"is-number":"6.0.0"},"pnpm":{"overrides":{"is-number":"$is-number"}}}`, wsYAML, plainApp)},
	{name: "override-removes", pnpm: 10, files: files(`{"name":"root","private":true,"pnpm":{"overrides":{"isarray":"-"}}}`, wsYAML, plainApp)},
	{name: "reformatted", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), edit: map[string]string{"apps/a/package.json": strings.ReplaceAll(plainApp, ",", ",\n  ")}},
	{name: "ignored-yaml-override-10", pnpm: 10, files: files(`{"name":"root","private":true,"resolutions":{"is-number":"6.0.0"}}`, wsYAML+"overrides:\n  is-even: 1.0.0\n", plainApp),
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "overrides:\n  is-even: 0.1.2\n"}},
	{name: "ignored-resolutions-11", pnpm: 11, files: files(`{"name":"root","private":true,"resolutions":{"is-number":"6.0.0"}}`, wsYAML, plainApp),
		edit: map[string]string{"package.json": `{"name":"root","private":true,"resolutions":{"is-number":"5.0.0"}}`}},
	// The lockfile still links the directory: pnpm does not look at the name.
	{name: "workspace-package-renamed", pnpm: 10, files: files(rootJSON, wsYAML, plainApp),
		edit: map[string]string{"packages/lib/package.json": strings.Replace(libJSON, "@t/lib", "@t/lib2", 1)}},
	{name: "unused-catalog-entry-added", pnpm: 10, files: files(rootJSON, wsYAML+"catalog:\n  is-number: ^7.0.0\n", app(`"dependencies":{"is-number":"catalog:"}`)),
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "catalog:\n  is-number: ^7.0.0\n  is-even: ^1.0.0\n"}},

	// pnpm refuses these.
	{name: "dependency-added", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"@t/lib":"workspace:*","is-number":"^7.0.0","ms":"^2.1.3"},"devDependencies":{"is-even":"^1.0.0"},"optionalDependencies":{"isarray":"^2.0.5"}`)}, at: `apps/a/package.json:"ms"`},
	{name: "specifier-changed", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": strings.Replace(plainApp, `"^7.0.0"`, `"^7.0.1"`, 1)}, at: `apps/a/package.json:"is-number"`},
	{name: "specifier-changed-9", pnpm: 9, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": strings.Replace(plainApp, `"^7.0.0"`, `"^7.0.1"`, 1)}, at: `apps/a/package.json:"is-number"`},
	{name: "specifier-changed-11", pnpm: 11, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": strings.Replace(plainApp, `"^7.0.0"`, `"^7.0.1"`, 1)}, at: `apps/a/package.json:"is-number"`},
	{name: "dependency-removed", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"@t/lib":"workspace:*"},"devDependencies":{"is-even":"^1.0.0"},"optionalDependencies":{"isarray":"^2.0.5"}`)}, at: "apps/a/package.json:dependencies"},
	{name: "moved-to-dev", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"@t/lib":"workspace:*"},"devDependencies":{"is-even":"^1.0.0","is-number":"^7.0.0"},"optionalDependencies":{"isarray":"^2.0.5"}`)}, at: "apps/a/package.json:devDependencies"},
	{name: "override-changed", pnpm: 10, files: files(`{"name":"root","private":true,"resolutions":{"is-number":"6.0.0"}}`, wsYAML, plainApp), stale: true,
		edit: map[string]string{"package.json": `{"name":"root","private":true,"resolutions":{"is-number":"5.0.0"}}`}, at: `package.json:"is-number"`},
	{name: "override-added-9", pnpm: 9, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"package.json": `{"name":"root","private":true,"pnpm":{"overrides":{"is-even":"1.0.0"}}}`}, at: `package.json:"is-even"`},
	{name: "workspace-override-changed-11", pnpm: 11, files: files(rootJSON, wsYAML+"overrides:\n  is-even: 1.0.0\n", plainApp), stale: true,
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "overrides:\n  is-even: 0.1.2\n"}, at: "pnpm-workspace.yaml:is-even"},
	{name: "catalog-entry-changed", pnpm: 10, files: files(rootJSON, wsYAML+"catalog:\n  is-number: ^7.0.0\n", app(`"dependencies":{"is-number":"catalog:"}`)), stale: true,
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "catalog:\n  is-number: ^6.0.0\n"}, at: "pnpm-workspace.yaml:is-number"},
	{name: "named-catalog-changed-11", pnpm: 11, files: files(rootJSON, wsYAML+"catalogs:\n  legacy:\n    is-number: ^6.0.0\n", app(`"dependencies":{"is-number":"catalog:legacy"}`)), stale: true,
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "catalogs:\n  legacy:\n    is-number: ^5.0.0\n"}, at: "pnpm-workspace.yaml:is-number"},
	{name: "peer-added", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"is-even":"^1.0.0"}`)), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"is-even":"^1.0.0"},"peerDependencies":{"is-number":"^7.0.0"}`)}, at: `apps/a/package.json:"is-number"`},
	{name: "auto-install-peers-flipped", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"is-even":"^1.0.0"},"peerDependencies":{"is-number":"^7.0.0"}`)), stale: true,
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "autoInstallPeers: false\n"}, at: "pnpm-workspace.yaml:autoInstallPeers"},
	// pnpm 9.15.9 and 10.34.9 record no dependenciesMeta for an injected
	// dependency (workspace: or file:) and then refuse the lockfile they wrote,
	// with or without --lockfile-only: monokit must agree.
	{name: "injected-file", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"@t/lib":"file:../../packages/lib"},"dependenciesMeta":{"@t/lib":{"injected":true}}`)), stale: true, at: "apps/a/package.json:dependenciesMeta"},
	{name: "injected-9", pnpm: 9, files: files(rootJSON, wsYAML, app(`"dependencies":{"@t/lib":"workspace:*"},"dependenciesMeta":{"@t/lib":{"injected":true}}`)), stale: true, at: "apps/a/package.json:dependenciesMeta"},
	{name: "injected-10", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"@t/lib":"workspace:*"},"dependenciesMeta":{"@t/lib":{"injected":true}}`)), stale: true, at: "apps/a/package.json:dependenciesMeta"},
	{name: "injected-added", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"@t/lib":"workspace:*"}`)), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"@t/lib":"workspace:*"},"dependenciesMeta":{"@t/lib":{"injected":true}}`)}, at: "apps/a/package.json:dependenciesMeta"},
	{name: "publish-directory-added", pnpm: 10, files: files(rootJSON, wsYAML, app(`"dependencies":{"is-number":"^7.0.0"}`)), stale: true,
		edit: map[string]string{"apps/a/package.json": app(`"dependencies":{"is-number":"^7.0.0"},"publishConfig":{"directory":"dist"}`)}, at: "apps/a/package.json:publishConfig"},
	{name: "catalog-entry-removed", pnpm: 10, files: files(rootJSON, wsYAML+"catalog:\n  is-number: ^7.0.0\n", app(`"dependencies":{"is-number":"catalog:"}`)), stale: true,
		edit: map[string]string{"pnpm-workspace.yaml": wsYAML + "catalog:\n  is-even: ^1.0.0\n"}, at: "pnpm-workspace.yaml:catalog"},
	{name: "project-added", pnpm: 10, files: files(rootJSON, wsYAML, plainApp), stale: true,
		edit: map[string]string{"apps/b/package.json": `{"name":"@t/b","version":"1.0.0","dependencies":{"is-number":"^7.0.0"}}`}, at: "apps/b/package.json:name"},
}

// TestLockfileDriftMatchesPNPM is the differential test of LockfileDrift: for
// every variant, real pnpm writes the lockfile, the variant's edits are applied,
// and monokit's verdict must equal `pnpm install --frozen-lockfile`'s. pnpm
// releases come from MONOKIT_PNPM_DIR/<major>/pnpm (hack/install puts them
// there).
func TestLockfileDriftMatchesPNPM(t *testing.T) {
	dir := os.Getenv("MONOKIT_PNPM_DIR")
	if dir == "" {
		testskip.Skip(t, "MONOKIT_PNPM_DIR is unset (hack/test sets it)")
	}
	home := t.TempDir() // pnpm's metadata cache, shared by the variants
	for _, v := range lockVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			pnpm := filepath.Join(dir, fmt.Sprint(v.pnpm), "pnpm")
			work := t.TempDir()
			write := func(fs map[string]string) {
				for name, data := range fs {
					p := filepath.Join(work, name)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			write(v.files)
			if out, err := runPNPM(pnpm, work, home, "install", "--lockfile-only"); err != nil {
				t.Fatalf("pnpm %d could not lock the variant: %v\n%s", v.pnpm, err, out)
			}
			write(v.edit)
			out, err := runPNPM(pnpm, work, home, "install", "--frozen-lockfile", "--lockfile-only")
			refused := err != nil
			if refused && !strings.Contains(out, "ERR_PNPM_OUTDATED_LOCKFILE") && !strings.Contains(out, "ERR_PNPM_LOCKFILE_CONFIG_MISMATCH") {
				t.Fatalf("pnpm %d failed for another reason: %v\n%s", v.pnpm, err, out)
			}
			if refused != v.stale {
				t.Errorf("pnpm %d: refused = %t, the variant expects %t\n%s", v.pnpm, refused, v.stale, out)
			}
			ws, err := Load(os.DirFS(work))
			if err != nil {
				t.Fatal(err)
			}
			drift := ws.LockfileDrift(ws.Packages, v.pnpm)
			if (len(drift) > 0) != refused {
				t.Fatalf("monokit's verdict differs from pnpm %d's (refused = %t): drift %v\npnpm said:\n%s", v.pnpm, refused, drift, out)
			}
			if v.at == "" || len(drift) == 0 {
				return
			}
			file, text, _ := strings.Cut(v.at, ":")
			p := drift[0].Pos
			data, _ := os.ReadFile(filepath.Join(work, p.File))
			lines := strings.Split(string(data), "\n")
			if p.File != file || p.Line < 1 || p.Line > len(lines) || !strings.Contains(lines[p.Line-1], text) {
				t.Errorf("drift %q points at %s:%d, want the line of %s with %s", drift[0].Msg, p.File, p.Line, file, text)
			}
		})
	}
}

func runPNPM(pnpm, dir, home string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pnpm, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true", "XDG_CACHE_HOME="+home, "XDG_DATA_HOME="+home, "XDG_STATE_HOME="+home,
		"npm_config_update_notifier=false", "npm_config_manage_package_manager_versions=false")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
