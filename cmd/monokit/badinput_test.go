package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monokit/monokit/internal/testkit"
	"github.com/monokit/monokit/solver/plan"
)

// The bad-input corpus: single-defect variants of the example, each run through
// the CLI as a user would. A refused variant must fail with its message at its
// file:line; an accepted one must plan safely (see checkSafe). Nothing may hang.

// baseManifest is the manifest every variant starts from: top() appends
// top-level lines from line 6, tgt() lines of the backend target from line 6.
const baseManifest = "version: 1\ntargets:\n  backend:\n    package: services/backend\n    port: 3001\n"

type edit func(t *testing.T, dir string)

type badCase struct {
	name  string
	edits []edit
	args  []string // default: plan --target backend
	want  string   // in the error; "" means the variant is accepted
	at    string   // the error's file:line, when want is set
	out   string   // for an accepted variant: in the output
}

func top(lines string) edit { return appendTo("monokit.yaml", lines+"\n") }
func tgt(lines string) edit {
	var b strings.Builder
	for l := range strings.Lines(lines) {
		b.WriteString("    " + strings.TrimSuffix(l, "\n") + "\n")
	}
	return appendTo("monokit.yaml", b.String())
}

func appendTo(file, text string) edit {
	return func(t *testing.T, dir string) {
		f, err := os.OpenFile(filepath.Join(dir, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
}

func write(file, data string) edit {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		os.Remove(p)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func replace(file, old, new string) edit {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s does not contain %q", file, old)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), old, new)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(file, target string) edit {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		os.Remove(p)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

func fifo(file string) edit {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, file)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(file string) edit {
	return func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, file)) }
}

const (
	backendJSON = "services/backend/package.json"
	rootJSON    = "package.json"
	lockfile    = "pnpm-lock.yaml"
	wsFile      = "pnpm-workspace.yaml"
)

// devEngines replaces packageManager in the root package.json (line 4) with
// devEngines.packageManager at version v.
func devEngines(v string) edit {
	return replace(rootJSON, `"packageManager": "pnpm@10.34.9",`, `"devEngines": {"packageManager": {"name": "pnpm", "version": "`+v+`"}},`)
}

var badCases = []badCase{
	// 1. system-packages: a package name grammar, and quoting.
	{name: "sys/newline", edits: []edit{top(`system-packages: ["curl\nid>/tmp/x"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/redirect", edits: []edit{top(`system-packages: ["curl>/tmp/x"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/option", edits: []edit{top(`system-packages: ["--allow-unauthenticated"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/glob", edits: []edit{top(`system-packages: ["*"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/semicolon", edits: []edit{top(`system-packages: ["a;pwned"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/cmdsubst", edits: []edit{top(`system-packages: ["$(pwned)"]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/empty", edits: []edit{top(`system-packages: [""]`)}, want: "is not a Debian or Alpine package name", at: "monokit.yaml:6"},
	{name: "sys/alpine-name-on-glibc", edits: []edit{top(`system-packages: ["Py_x"]`)}, want: "is not a Debian package name", at: "monokit.yaml:6"},
	{name: "sys/pinned", edits: []edit{top(`system-packages: ["libpq-dev=15.1-1", "g++"]`)}, out: "apt-get install -y --no-install-recommends libpq-dev=15.1-1 g++ "},

	// 2. Names of packages in commands and messages.
	{name: "name/cmdsubst", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "$(pwned)"`)}, out: `--filter='$(pwned){services/backend}'...`},
	{name: "name/backticks", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, "\"name\": \"`pwned`\"")}, out: "--filter='`pwned`{services/backend}'..."},
	{name: "name/quote", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "a'b;pwned"`)}, out: `--filter='a'\''b;pwned{services/backend}'...`},
	{name: "name/none", edits: []edit{replace(backendJSON, `"name": "@nexus/backend",`, ``)}, out: "--filter='{services/backend}'..."},
	{name: "name/dependency-everywhere", edits: func() []edit {
		var out []edit
		for _, f := range []string{"packages/ui/package.json", "packages/shared-database/package.json", "packages/shared-utils/package.json", "packages/shared-types/package.json", "apps/frontend/package.json", lockfile} {
			out = append(out, replace(f, "@nexus/shared-types", "$(pwned)`pwned`"))
		}
		return out
	}(), out: "[build:$(pwned)`pwned`] on build platform"},
	// Names that are pnpm filter syntax select by the directory, never
	// another package (pnpm 10.34.9 deployed packages/ui for the first).
	{name: "name/filter-dir", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "{packages/shared-types}"`)}, out: "--filter='{services/backend}'..."},
	{name: "name/filter-path", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "./packages/shared-types"`)}, out: "--filter='{services/backend}'..."},
	{name: "name/filter-glob", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "@nexus/*"`)}, out: "--filter='@nexus/*{services/backend}'..."},
	{name: "name/filter-exclude", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "!x"`)}, out: "--filter='{services/backend}'..."},
	{name: "name/filter-dependents", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "...x"`)}, out: "--filter='{services/backend}'..."},
	{name: "name/dependency", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "x\"; pwned; \""`)}, out: `--filter='x"; pwned; "{services/backend}'...`},

	// 3. Lockfile keys reach helper scripts as JSON, never as arguments.
	{name: "lock/key-semicolon", edits: []edit{replace(lockfile, "esbuild@0.25.11", "esbuild@0.25.11;pwned")}},
	{name: "lock/key-ampersand", edits: []edit{replace(lockfile, "esbuild@0.25.11", "esbuild@0.25.11&pwned")}},

	// 4. devEngines ranges.
	{name: "devengines/range", edits: []edit{devEngines(">=10.14.0")}, want: `devEngines.packageManager version ">=10.14.0" is a range`, at: "package.json:4"},
	{name: "devengines/or", edits: []edit{devEngines("10.x || 11.x")}, want: "is a range", at: "package.json:4"},
	{name: "devengines/and", edits: []edit{devEngines(">=10.14 <11")}, want: "is a range", at: "package.json:4"},
	{name: "devengines/future", edits: []edit{devEngines(">=13")}, want: "is a range", at: "package.json:4"},
	{name: "devengines/garbage", edits: []edit{devEngines("latest; pwned")}, want: "is not a semver range", at: "package.json:4"},
	{name: "devengines/exact", edits: []edit{devEngines("10.34.9")}, out: "pnpm@10.34.9 npm-packlist"},

	// 5. The health check's URL is JSON in JavaScript.
	{name: "health/js", edits: []edit{tgt(`healthcheck: "/h'+require('child_process').execSync('pwned')+'"`)}, out: `fetch(\"http://127.0.0.1:3001/h'+require('child_process').execSync('pwned')+'\"`},
	{name: "health/newline", edits: []edit{tgt(`healthcheck: "/h\n"`)}, want: "is not a URL path", at: "monokit.yaml:6"},
	{name: "health/backslash", edits: []edit{tgt(`healthcheck: '/h\'`)}, want: "is not a URL path", at: "monokit.yaml:6"},
	{name: "health/space", edits: []edit{tgt(`healthcheck: "/h x"`)}, want: "is not a URL path", at: "monokit.yaml:6"},
	{name: "health/double-slash", edits: []edit{tgt(`healthcheck: //other.example/x`)}, out: `fetch(\"http://127.0.0.1:3001//other.example/x\"`},
	{name: "health/relative", edits: []edit{tgt(`healthcheck: health`)}, want: "want a path starting with /", at: "monokit.yaml:6"},

	// 6. User commands cannot swallow monokit's (each runs in a shell of its
	// own; plan2llb's TestShellIsolatesCommands runs them).
	{name: "generate/heredoc", edits: []edit{tgt(`generate: ["cat <<EOF"]`)}, out: "run:     cat <<EOF\n"},
	{name: "generate/exit", edits: []edit{tgt(`generate: ["exit 0"]`)}, out: "run:     exit 0\n"},
	{name: "generate/backslash", edits: []edit{tgt(`generate: ['echo \']`)}, out: "run:     node /usr/local/lib/monokit/generated.js collect"},

	// 6b. The traced tree: prune: and include: globs, which reach trace.js
	// only as JSON data (a quote or a regexp character is a literal).
	{name: "prune/typo", edits: []edit{tgt(`prune: trcae`)}, want: `prune: want deploy or trace, got "trcae" (did you mean "trace"?)`, at: "monokit.yaml:6"},
	{name: "include/without-trace", edits: []edit{tgt(`include: ["views/**"]`)}, want: "include: is for a traced production tree", at: "monokit.yaml:6"},
	{name: "include/leaves", edits: []edit{tgt("prune: trace\ninclude: [\"../etc/**\"]")}, want: "leaves the build context", at: "monokit.yaml:7"},
	{name: "include/absolute", edits: []edit{tgt("prune: trace\ninclude: [/etc/passwd]")}, want: "is absolute", at: "monokit.yaml:7"},
	{name: "include/unclosed", edits: []edit{tgt("prune: trace\ninclude: [\"views/[a\"]")}, want: "is not a valid glob", at: "monokit.yaml:7"},
	{name: "include/quote", edits: []edit{tgt("prune: trace\ninclude: [\"it's (x)/$HOME/*.t?t\"]")}, out: `"regexp":"^it's \\(x\\)/\\$HOME/[^/]*\\.t[^/]t$"`},
	{name: "prune/build-arg", edits: []edit{tgt(`prune: trace`)}, args: []string{"plan", "--target", "backend", "--build-arg", "MONOKIT_PRUNE=yes"}, want: `--build-arg MONOKIT_PRUNE="yes": want deploy or trace`},

	// 7. The runtime user.
	{name: "user/00", edits: []edit{tgt(`user: "00"`)}, want: `user: "00" is uid 0, root`, at: "monokit.yaml:6"},
	{name: "user/0:0", edits: []edit{tgt(`user: "0:0"`)}, want: "is uid 0, root", at: "monokit.yaml:6"},
	{name: "user/000:1000", edits: []edit{tgt(`user: "000:1000"`)}, want: "is uid 0, root", at: "monokit.yaml:6"},
	{name: "user/name", edits: []edit{tgt(`user: node`)}, want: "want a numeric uid", at: "monokit.yaml:6"},
	{name: "user/overflow", edits: []edit{tgt(`user: "4294967296"`)}, want: "want a numeric uid", at: "monokit.yaml:6"},
	{name: "user/negative", edits: []edit{tgt(`user: "-1"`)}, want: "want a numeric uid", at: "monokit.yaml:6"},
	{name: "user/uid-minus-1", edits: []edit{tgt(`user: "4294967295"`)}, want: "is (uid_t)-1, which setuid refuses", at: "monokit.yaml:6"},
	{name: "user/gid-minus-1", edits: []edit{tgt(`user: "1000:4294967295"`)}, want: "is (gid_t)-1, which setgid refuses", at: "monokit.yaml:6"},
	{name: "user/root-group", edits: []edit{tgt(`user: "1000:0"`)}, want: `"1000:0" runs in group 0, root's group`, at: "monokit.yaml:6"},
	{name: "user/ok", edits: []edit{tgt(`user: "1001:1001"`)}, out: "image: user 1001:1001"},

	// 8. Paths from the repository stay in the context.
	{name: "path/patch-workspace", edits: []edit{appendTo(wsFile, "patchedDependencies:\n  foo: ../../etc/passwd\n")}, want: `patchedDependencies: "../../etc/passwd" leaves the build context`, at: "pnpm-workspace.yaml:12"},
	{name: "path/patch-absolute", edits: []edit{appendTo(wsFile, "patchedDependencies:\n  foo: /etc/shadow\n")}, want: "is absolute", at: "pnpm-workspace.yaml:12"},
	{name: "path/patch-packagejson", edits: []edit{replace(rootJSON, `"private": true,`, `"private": true, "pnpm": {"patchedDependencies": {"x@1": "patches/../../x.patch"}},`)}, want: "leaves the build context", at: "package.json:3"},
	{name: "path/brace", edits: []edit{top(`inputs: ["{..,x}/etc/passwd"]`)}, want: "leaves the build context", at: "monokit.yaml:6"},
	{name: "path/dotdot", edits: []edit{top(`inputs: ["a/../../b"]`)}, want: "leaves the build context", at: "monokit.yaml:6"},
	{name: "path/absolute", edits: []edit{top(`inputs: [/etc]`)}, want: "is absolute", at: "monokit.yaml:6"},
	{name: "path/package-input", edits: []edit{top("packages:\n  services/backend:\n    inputs: [\"x/{a,..}/y\"]")}, want: "leaves the build context", at: "monokit.yaml:8"},
	{name: "path/workspace-glob", edits: []edit{replace(wsFile, "  - packages/*\n", "  - packages/*\n  - ../outside/*\n")}, want: "is not a glob inside the workspace", at: "pnpm-workspace.yaml:5"},

	// 9. Secrets and platforms.
	{name: "secret/root", edits: []edit{tgt(`secrets: [{id: a, target: /}]`)}, want: `secrets: target "/" must name a file`, at: "monokit.yaml:6"},
	{name: "secret/dotdot", edits: []edit{tgt(`secrets: [{id: a, target: /run/../etc/passwd}]`)}, want: "must name a file by a clean absolute path", at: "monokit.yaml:6"},
	{name: "secret/trailing", edits: []edit{tgt(`secrets: [{id: a, target: /run/secrets/}]`)}, want: "must name a file by a clean absolute path", at: "monokit.yaml:6"},
	{name: "secret/relative", edits: []edit{tgt(`secrets: [{id: a, target: run/a}]`)}, want: "must be an absolute path", at: "monokit.yaml:6"},
	{name: "secret/id", edits: []edit{tgt(`secrets: [{id: "a b", env: X}]`)}, want: "want an id such as npmrc", at: "monokit.yaml:6"},
	{name: "platform/windows", args: []string{"llb", "--target", "backend", "--platform", "windows/amd64"}, want: "is not a linux platform", at: "monokit.yaml:3"},
	{name: "platform/manifest-windows", edits: []edit{top(`platforms: [windows/amd64]`)}, want: "only linux images are supported", at: "monokit.yaml:6"},
	{name: "platform/unknown-arch", edits: []edit{top(`platforms: [linux/amd46]`)}, want: "unknown architecture", at: "monokit.yaml:6"},

	// 10, 11. Files that are not regular files of the context.
	{name: "file/manifest-zero", edits: []edit{symlink("monokit.yaml", "/dev/zero")}, want: "leads outside the build context", at: "monokit.yaml"},
	{name: "file/packagejson-urandom", edits: []edit{symlink(backendJSON, "/dev/urandom")}, want: "leads outside the build context", at: backendJSON},
	{name: "file/workspace-outside", edits: []edit{symlink(wsFile, "../../../../../etc/passwd")}, want: "leads outside the build context", at: wsFile},
	{name: "file/lockfile-fifo", edits: []edit{fifo(lockfile)}, want: "is a named pipe (FIFO), not a regular file", at: lockfile},
	{name: "file/packagejson-fifo", edits: []edit{fifo(backendJSON)}, want: "is a named pipe (FIFO)", at: backendJSON},
	{name: "file/manifest-fifo", edits: []edit{fifo("monokit.yaml")}, want: "is a named pipe (FIFO)", at: "monokit.yaml"},
	{name: "file/nvmrc-dir", edits: []edit{func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, ".nvmrc"), 0o755) }}},
	{name: "file/manifest-large", edits: []edit{write("monokit.yaml", baseManifest+"# "+strings.Repeat("x", 2<<20)+"\n")}, want: "larger than monokit reads for such a file (1.0 MiB)", at: "monokit.yaml"},
	{name: "file/nvmrc-large", edits: []edit{write(".nvmrc", strings.Repeat("9", 2<<20))}, want: "larger than monokit reads", at: ".nvmrc"},
	{name: "file/symlink-inside", edits: []edit{func(t *testing.T, dir string) {
		os.Rename(filepath.Join(dir, "pnpm-workspace.yaml"), filepath.Join(dir, "ws.yaml"))
		os.Symlink("ws.yaml", filepath.Join(dir, "pnpm-workspace.yaml"))
	}}, out: "level 1: build:@nexus/shared-database, build:@nexus/shared-utils"},

	// 12, 13, 14. Sizes (their time is in Go benchmarks).
	{name: "size/packagejson-80k-keys", edits: []edit{func(t *testing.T, dir string) {
		var b strings.Builder
		for i := range 80_000 {
			fmt.Fprintf(&b, `"k%d":"v",`, i)
		}
		replace(backendJSON, `"name": "@nexus/backend",`, `"name": "@nexus/backend", "x": {`+strings.TrimSuffix(b.String(), ",")+`},`)(t, dir)
	}}, out: "target backend: @nexus/backend"},
	{name: "size/long-value-clipped", edits: []edit{tgt(`user: "` + strings.Repeat("u", 100_000) + `"`)}, want: "… (100000 bytes)", at: "monokit.yaml:6"},

	// 15. Lockfile links.
	{name: "link/outside", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:../../../etc")}, want: `links @nexus/shared-types to "../../../etc", outside the build context`, at: "packages/shared-database/package.json:11"},
	{name: "link/absolute", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:/etc")}, want: "outside the build context", at: "packages/shared-database/package.json:11"},
	{name: "link/root", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:../..")}, want: "which is the package nexus", at: "packages/shared-database/package.json:11"},
	{name: "link/wrong-package", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:../shared-utils")}, want: "which is the package @nexus/shared-utils", at: "packages/shared-database/package.json:11"},

	// 16. Outputs, .nvmrc.
	{name: "output/dot", edits: []edit{top("packages:\n  services/backend:\n    outputs: [.]")}, want: `"." is the package itself`, at: "monokit.yaml:8"},
	{name: "output/dot-slash", edits: []edit{top("packages:\n  services/backend:\n    outputs: [./]")}, want: "is the package itself", at: "monokit.yaml:8"},
	{name: "output/dir-dotdot", edits: []edit{top("packages:\n  services/backend:\n    outputs: [dist/..]")}, want: "leaves the build context", at: "monokit.yaml:8"},
	{name: "output/nul", edits: []edit{top("packages:\n  services/backend:\n    outputs: [\"dist\\0x\"]")}, want: "holds a NUL byte", at: "monokit.yaml:8"},
	{name: "output/glob", edits: []edit{top("packages:\n  services/backend:\n    outputs: [\"*\"]")}, want: "is a glob", at: "monokit.yaml:8"},
	{name: "output/leaves", edits: []edit{top("packages:\n  services/backend:\n    outputs: [../x]")}, want: "leaves the build context", at: "monokit.yaml:8"},
	{name: "nvmrc/plus", edits: []edit{write(".nvmrc", "+24\n")}, want: `"+24" is not a Node.js version`, at: ".nvmrc:1"},
	{name: "nvmrc/word", edits: []edit{write(".nvmrc", "latest; pwned\n")}, want: "is not a Node.js version", at: ".nvmrc:1"},
	{name: "nvmrc/lts", edits: []edit{write(".nvmrc", "lts/*\n")}, out: `node 24 (.nvmrc "lts/*")`},
	{name: "nvmrc/lts-codename", edits: []edit{write(".nvmrc", "lts/jod\n")}, out: `node 22 (.nvmrc "lts/jod")`},

	// 17. Messages that were misleading.
	{name: "msg/packagejson-null", edits: []edit{write(backendJSON, "null\n")}, want: "want a JSON object", at: backendJSON + ":1"},
	{name: "msg/packagejson-array", edits: []edit{write(backendJSON, "[]\n")}, want: "want", at: backendJSON + ":1"},
	{name: "msg/packagejson-bom", edits: []edit{func(t *testing.T, dir string) {
		p := filepath.Join(dir, backendJSON)
		data, _ := os.ReadFile(p)
		os.WriteFile(p, append([]byte("\ufeff"), data...), 0o644)
	}}, out: "target backend: @nexus/backend"},
	{name: "msg/packagejson-syntax", edits: []edit{replace(backendJSON, `"version": "1.0.0",`, `"version": "1.0.0",,`)}, want: "invalid JSON", at: backendJSON + ":3"},
	{name: "msg/importers-list", edits: []edit{replace(lockfile, "importers:\n\n  .:", "importers:\n  - x\n\nunused:\n  .:")}, want: "importers: want a mapping", at: "pnpm-lock.yaml:8"},
	{name: "msg/lockfile-version-list", edits: []edit{write(lockfile, "lockfileVersion: [1]\n")}, want: "lockfileVersion: want a version", at: "pnpm-lock.yaml:1"},
	{name: "msg/lockfile-version-old", edits: []edit{write(lockfile, "lockfileVersion: '5.4'\n")}, want: "lockfileVersion 5.4 is not supported", at: "pnpm-lock.yaml:1"},
	{name: "msg/lockfile-missing", edits: []edit{remove(lockfile)}, want: "pnpm-lock.yaml not found", at: "pnpm-lock.yaml"},
	{name: "msg/lockfile-empty", edits: []edit{write(lockfile, "")}, want: "holds no project graph", at: "pnpm-lock.yaml:1"},
	{name: "msg/root-packagejson-missing", edits: []edit{remove(rootJSON)}, want: "package.json not found at the root", at: "package.json"},
	{name: "msg/workspace-missing", edits: []edit{remove(wsFile)}, want: "has no pnpm-workspace.yaml", at: "monokit.yaml:4"},
	{name: "msg/merge-key", edits: []edit{write("monokit.yaml", "version: 1\nx-common: &common\n  port: 3001\ntargets:\n  backend:\n    <<: *common\n    package: services/backend\n")}, out: "ports: 3001/tcp"},
	{name: "msg/merge-key-typo", edits: []edit{write("monokit.yaml", "version: 1\nx-common: &common\n  prot: 3001\ntargets:\n  backend:\n    <<: *common\n    package: services/backend\n")}, want: `unknown key "prot" in target`, at: "monokit.yaml:3"},
	{name: "msg/merge-scalar", edits: []edit{write("monokit.yaml", "version: 1\ntargets:\n  backend:\n    <<: 3\n    package: services/backend\n")}, want: "<< merges a mapping", at: "monokit.yaml:4"},
	{name: "msg/yaml-control", edits: []edit{write("monokit.yaml", "version: 1\x01\n")}, want: "control character U+0001", at: "monokit.yaml:1"},
	{name: "msg/yaml-utf8", edits: []edit{write("monokit.yaml", baseManifest+"    healthcheck: \"/\xff\"\n")}, want: "byte 0xff is not UTF-8", at: "monokit.yaml:6"},
	{name: "msg/workspace-type", edits: []edit{write(wsFile, "packages: apps/*\n")}, want: `packages: want a list of strings, got the string "apps/*"`, at: "pnpm-workspace.yaml:1"},
	{name: "msg/workspace-type-nested", edits: []edit{appendTo(wsFile, "onlyBuiltDependencies: yes\n")}, want: "onlyBuiltDependencies: want a list of strings", at: "pnpm-workspace.yaml:11"},
	{name: "msg/workspace-control", edits: []edit{appendTo(wsFile, "x: \"\x7f\"\n")}, want: "control character U+007F", at: "pnpm-workspace.yaml:11"},
	{name: "msg/lockfile-utf8", edits: []edit{replace(lockfile, "lockfileVersion: '9.0'", "lockfileVersion: '9.0'\n# \xfe")}, want: "byte 0xfe is not UTF-8", at: "pnpm-lock.yaml:2"},
	{name: "msg/manifest-two-docs", edits: []edit{appendTo("monokit.yaml", "---\nversion: 1\n")}, want: "a manifest is one YAML document", at: "monokit.yaml:6"},
	{name: "msg/manifest-missing", args: []string{"plan", "-f", "missing.yaml", "--target", "backend"}, want: "not found in", at: "missing.yaml"},
	// Without monokit.yaml and -f the manifest is inferred, as in a zero-config build.
	{name: "msg/manifest-inferred", edits: []edit{remove("monokit.yaml")}, out: "@nexus/backend"},
	{name: "msg/manifest-empty", edits: []edit{write("monokit.yaml", "")}, want: "the manifest is empty", at: "monokit.yaml:1"},
	{name: "msg/unknown-target", args: []string{"plan", "--target", "api"}, want: `target "api" is not in monokit.yaml: the targets are backend`, at: "monokit.yaml:1"},
	{name: "msg/package-missing", edits: []edit{replace("monokit.yaml", "package: services/backend", "package: services/backnd")}, want: `no workspace package is named or lives in "services/backnd" (did you mean "services/backend"?)`, at: "monokit.yaml:4"},
	{name: "msg/port-range", edits: []edit{replace("monokit.yaml", "port: 3001", "port: 70000")}, want: "port", at: "monokit.yaml:5"},
	{name: "msg/packagemanager-npm", edits: []edit{replace(rootJSON, `"pnpm@10.34.9"`, `"npm@10.0.0"`)}, want: `packageManager is "npm@10.0.0"`, at: "package.json:4"},
	{name: "msg/packagemanager-range", edits: []edit{replace(rootJSON, `"pnpm@10.34.9"`, `"pnpm@^10"`)}, want: "want pnpm@<exact version>", at: "package.json:4"},

	// 18. Issue 27, round three (pnpm 10.34.9 measured; see each check's comment).
	{name: "ws/directory", edits: []edit{remove(wsFile), func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, wsFile), 0o755) }}, want: "pnpm-workspace.yaml is a directory, not a file, so pnpm 9 and 10 see no workspace", at: "monokit.yaml:4"},
	{name: "ws/empty-first-document", edits: []edit{replace(wsFile, "packages:\n", "---\n---\npackages:\n")}, want: "starts with an empty YAML document (a '---' with nothing after it) and its settings are in a second one, which starts here", at: "pnpm-workspace.yaml:2"},
	{name: "link/self-other-name", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:.")}, want: `links @nexus/shared-types to "link:.", which is @nexus/shared-database itself`, at: "packages/shared-database/package.json:11"},
	{name: "link/backslash", edits: []edit{replace(lockfile, "version: link:../shared-types", `version: link:..\shared-types`)}, want: `giving "packages/shared-database/..\\shared-types": no package.json there, so the install would leave a dangling link`, at: "packages/shared-database/package.json:11"},
	{name: "link/percent", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:%2e%2e/shared-types")}, want: `giving "packages/shared-database/%2e%2e/shared-types": no package.json there`, at: "packages/shared-database/package.json:11"},
	{name: "link/tilde", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: link:~/shared-types")}, want: `giving "packages/shared-database/~/shared-types": no package.json there`, at: "packages/shared-database/package.json:11"},
	{name: "link/newline", edits: []edit{replace(lockfile, "version: link:../shared-types", `version: "link:../\nshared-types"`)}, want: `giving "packages/\nshared-types": no package.json there`, at: "packages/shared-database/package.json:11"},
	// A link package.json itself declares to a directory the repository
	// lacks: pnpm leaves it dangling and the repository's own build works
	// (inbox-zero's "google": "link:@next/third-parties/google").
	{name: "link/declared-dangling", edits: []edit{
		replace("packages/shared-database/package.json", `{"@nexus/shared-types": "workspace:*"}`, `{"@nexus/shared-types": "workspace:*", "google": "link:@next/third-parties/google"}`),
		replace(lockfile, "        version: link:../shared-types\n    devDependencies:", "        version: link:../shared-types\n      google:\n        specifier: link:@next/third-parties/google\n        version: link:@next/third-parties/google\n    devDependencies:"),
	}, out: "target backend: @nexus/backend"},
	{name: "link/nul", edits: []edit{replace(lockfile, "version: link:../shared-types", `version: "link:../shared-types\0"`)}, want: "which holds a NUL byte (at pnpm-lock.yaml:41:7): pnpm fails on it", at: "packages/shared-database/package.json:11"},
	{name: "link/file-outside", edits: []edit{replace(lockfile, "version: link:../shared-types", "version: file:../x")}, want: `the file: dependency @nexus/shared-types ("../x") is outside the build context`, at: "pnpm-lock.yaml:41"},
	{name: "link/symlinked-package", edits: []edit{func(t *testing.T, dir string) {
		os.Mkdir(filepath.Join(dir, "vendor"), 0o755)
		os.Rename(filepath.Join(dir, "packages/shared-types"), filepath.Join(dir, "vendor/shared-types"))
		os.Symlink("../vendor/shared-types", filepath.Join(dir, "packages/shared-types"))
	}}, out: "level 0: build:@nexus/shared-types"},
	{name: "path/patch-symlink-outside", edits: []edit{appendTo(wsFile, "patchedDependencies:\n  foo: patches/x.patch\n"), func(t *testing.T, dir string) {
		os.Mkdir(filepath.Join(dir, "patches"), 0o755)
		os.Symlink("/etc/passwd", filepath.Join(dir, "patches/x.patch"))
	}}, want: `patchedDependencies: "patches/x.patch" is a symlink, or lies under one, that leads outside the build context`, at: "pnpm-workspace.yaml:12"},
	{name: "file/next-config-outside", edits: []edit{top("  web:\n    package: apps/frontend"), symlink("apps/frontend/next.config.mjs", "../../../../../etc/hostname")}, args: []string{"plan", "--target", "web"}, want: "leads outside the build context", at: "apps/frontend/next.config.mjs"},
	{name: "name/lone-surrogate", edits: []edit{replace(backendJSON, `"name": "@nexus/backend"`, `"name": "x\ud800"`), replace("apps/frontend/package.json", `"name": "@nexus/frontend"`, `"name": "x\ufffd"`)}, out: "--filter='{services/backend}'..."},
}

func TestBadInput(t *testing.T) {
	if n := len(badCases); n < 80 {
		t.Errorf("%d cases; the corpus holds at least 80", n)
	}
	var atLine, atFile, accepted int
	for _, tc := range badCases {
		switch _, line, _ := strings.Cut(tc.at, ":"); {
		case tc.want == "":
			accepted++
		case line != "":
			atLine++
		default:
			atFile++
		}
	}
	t.Logf("%d cases: %d refused at a file:line, %d at a file, %d accepted", len(badCases), atLine, atFile, accepted)
	seen := map[string]bool{}
	for _, tc := range badCases {
		if seen[tc.name] {
			t.Errorf("case %s is listed twice", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(nexus)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "monokit.yaml"), []byte(baseManifest), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, e := range tc.edits {
				e(t, dir)
			}
			args := tc.args
			if args == nil {
				args = []string{"plan", "--target", "backend"}
			}
			out, err := runBounded(t, append(slices.Clone(args), dir)...)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !strings.Contains(out, tc.out) {
					t.Errorf("output lacks %q:\n%s", tc.out, out)
				}
				checkSafe(t, dir, args)
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error with %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q lacks %q", diagClip(msg), tc.want)
			}
			if tc.at != "" && !strings.HasPrefix(msg, tc.at+":") && !strings.HasPrefix(msg, tc.at+" ") {
				t.Errorf("error %q is not at %s", diagClip(msg), tc.at)
			}
			if len(msg) > 4096 {
				t.Errorf("error is %d bytes long", len(msg))
			}
		})
	}
}

func diagClip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}

// runBounded runs the CLI and fails the test if it does not return within a
// minute: no input may hang it.
func runBounded(t *testing.T, args ...string) (string, error) {
	t.Helper()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := runCmd(t, args...)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-time.After(time.Minute):
		t.Fatalf("monokit %s hung", strings.Join(args, " "))
		return "", nil
	}
}

// checkSafe plans an accepted variant again as JSON and checks that no value
// from the repository became code: no command runs "pwned", and every
// command monokit writes parses (solver.verify checks that too).
func checkSafe(t *testing.T, dir string, args []string) {
	t.Helper()
	target := "backend"
	for i, a := range args {
		if a == "--target" && i+1 < len(args) {
			target = args[i+1]
		}
	}
	out, err := runCmd(t, "plan", "--json", "--target", target, dir)
	if err != nil {
		t.Fatal(err)
	}
	var pl plan.Plan
	if err := json.Unmarshal([]byte(out), &pl); err != nil {
		t.Fatal(err)
	}
	for _, s := range pl.Stages {
		cmds := s.Run
		if s.OnBuildPlatform != nil {
			cmds = append(cmds, s.OnBuildPlatform.Run...)
		}
		for _, c := range cmds {
			if testkit.CalledCommands(c)["pwned"] {
				t.Errorf("stage %s runs pwned: %q", s.ID, c)
			}
		}
	}
}
