package manifest

import (
	"strings"
	"testing"
	"time"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/internal/diag/diagtest"
)

const nexus = `# syntax=monokit
version: 1
node: "24"
pnpm: 10.18.0
platforms: [linux/amd64, linux/arm64]
system-packages: [python3, make, g++]
inputs: [scripts/*.ts]
packages:
  "@nexus/ui":
    build: pnpm run build:lib
    outputs: [dist, styles.css]
targets:
  frontend:
    package: "@nexus/frontend"
    preset: next
    port: 3000
    healthcheck: /api/health
  backend:
    package: services/backend
    generate: ["pnpm run db:generate"]
    start: [dist/main.js]
    ports: [3001, 9229/tcp]
    runtime: alpine
    user: "1000:1000"
    healthcheck:
      path: /health/live
      interval: 10s
      retries: 5
    env:
      LOG_LEVEL: info
      PORT: 3001
    labels:
      org.opencontainers.image.vendor: Nexus
    secrets:
      - npmrc
      - {id: token, env: NPM_TOKEN, required: true}
      - {id: corp-ca, ca: true}
`

func TestParseNexus(t *testing.T) {
	m, err := Parse("monokit.yaml", []byte(nexus))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || m.Node.Value != "24" || m.PNPM.Value != "10.18.0" {
		t.Errorf("header = %d %q %q", m.Version, m.Node.Value, m.PNPM.Value)
	}
	if len(m.Platforms) != 2 || m.Platforms[1].Value != "linux/arm64" || m.Platforms[1].Pos.Line != 5 {
		t.Errorf("platforms = %+v", m.Platforms)
	}
	ui := m.Packages["@nexus/ui"]
	if ui == nil || ui.Build.Value != "pnpm run build:lib" || len(ui.Outputs) != 2 || ui.Pos.Line != 9 {
		t.Errorf("packages = %+v", ui)
	}
	be := m.Targets["backend"]
	if be.Package.Value != "services/backend" || be.Pos != (diag.Pos{File: "monokit.yaml", Line: 18, Col: 3}) {
		t.Errorf("backend = %+v", be)
	}
	if len(be.Ports) != 2 || be.Ports[0].Number != 3001 || be.Ports[1].Protocol != "tcp" {
		t.Errorf("ports = %+v", be.Ports)
	}
	h := be.Healthcheck
	if h.Path.Value != "/health/live" || h.Interval != 10*time.Second || h.Retries != 5 {
		t.Errorf("healthcheck = %+v", h)
	}
	if len(be.Env) != 2 || be.Env[1] != (KV{Key: "PORT", Value: "3001", Pos: at(31, 7)}) {
		t.Errorf("env = %+v", be.Env)
	}
	if len(be.Secrets) != 3 || be.Secrets[0].ID != "npmrc" || be.Secrets[1].Env != "NPM_TOKEN" || !be.Secrets[1].Required || be.Secrets[0].CA || !be.Secrets[2].CA {
		t.Errorf("secrets = %+v", be.Secrets)
	}
	fe := m.Targets["frontend"]
	if fe.Healthcheck.Path.Value != "/api/health" || fe.Preset.Value != "next" {
		t.Errorf("frontend = %+v", fe)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
		wantPos             diag.Pos
	}{
		{"unknown key", "version: 1\ntargets:\n  api:\n    package: api\n    prot: 3000\n",
			`unknown key "prot" in target (did you mean "port"?)`, at(5, 5)},
		{"bad arg name", "version: 1\nargs: [NEXT-PUBLIC]\ntargets: {api: {package: api}}\n",
			`args: "NEXT-PUBLIC" is not a valid variable name`, at(2, 8)},
		{"arg and build-env", "version: 1\ntargets:\n  api:\n    package: api\n    args: {A: ~}\n    build-env:\n      A: x\n",
			`build-env: "A" is also a build argument`, at(7, 7)},
		{"unknown top-level key", "version: 1\nnodes: '24'\ntargets: {api: {package: api}}\n",
			`unknown key "nodes" in manifest (did you mean "node"?)`, at(2, 1)},
		{"wrong type", "version: 1\ntargets:\n  api:\n    package: [a, b]\n",
			`targets.api.package: want a string, got a list`, at(4, 14)},
		{"version as string", "version: one\ntargets: {api: {package: api}}\n",
			`version: want a whole number, got "one"`, at(1, 10)},
		{"bad platform", "version: 1\nplatforms:\n  - linux/amd64\n  - linux/arm65\ntargets: {api: {package: api}}\n",
			`platforms: "linux/arm65" is not a platform`, at(4, 5)},
		{"windows platform", "version: 1\nplatforms: [windows/amd64]\ntargets: {api: {package: api}}\n",
			`only linux images are supported`, at(2, 13)},
		{"unknown preset", "version: 1\ntargets:\n  web:\n    package: web\n    preset: nxet\n",
			`unknown preset "nxet": want node, next or static (did you mean "next"?)`, at(5, 13)},
		{"missing version", "targets: {api: {package: api}}\n",
			`version is missing`, at(1, 1)},
		{"no targets", "version: 1\n",
			`targets is missing`, at(1, 1)},
		{"missing package", "version: 1\ntargets:\n  api:\n    port: 3000\n",
			`target "api": package is missing`, at(3, 3)},
		{"root user", "version: 1\ntargets:\n  api:\n    package: api\n    user: '0:0'\n",
			`user: "0:0" is uid 0, root`, at(5, 11)},
		{"named user", "version: 1\ntargets:\n  api:\n    package: api\n    user: node\n",
			`want a numeric uid`, at(5, 11)},
		{"bad port", "version: 1\ntargets:\n  api:\n    package: api\n    port: 70000\n",
			`want a port from 1 to 65535`, at(5, 11)},
		{"healthcheck relative path", "version: 1\ntargets:\n  api:\n    package: api\n    port: 80\n    healthcheck: health\n",
			`want a path starting with /`, at(6, 18)},
		{"bad duration", "version: 1\ntargets:\n  api:\n    package: api\n    port: 80\n    healthcheck: {path: /h, interval: soon}\n",
			`targets.api.healthcheck.interval: want a positive duration`, at(6, 39)},
		{"node major.minor", "version: 1\nnode: \"24.1\"\ntargets: {api: {package: api}}\n",
			`node: want a Node.js version such as "24" or "24.11.1", got "24.1"`, at(2, 7)},
		{"input outside context", "version: 1\ninputs: [../secrets.env]\ntargets: {api: {package: api}}\n",
			`leaves the build context`, at(2, 10)},
		{"duplicate key", "version: 1\ntargets:\n  api:\n    package: api\n    package: web\n",
			`key "package" repeats the one on line 4`, at(5, 5)},
		{"bad runtime", "version: 1\ntargets:\n  api:\n    package: api\n    runtime: distrolss\n",
			`(did you mean "distroless"?)`, at(5, 14)},
		{"secret env and target", "version: 1\ntargets:\n  api:\n    package: api\n    secrets: [{id: t, env: T, target: /t}]\n",
			`has both env and target`, at(5, 15)},
		{"ca secret as env", "version: 1\ntargets:\n  api:\n    package: api\n    secrets: [{id: ca, env: CA, ca: true}]\n",
			`"ca" is a CA bundle (ca: true), which Node.js reads from a file: drop env`, at(5, 15)},
		{"two ca secrets", "version: 1\ntargets:\n  api:\n    package: api\n    secrets: [{id: a, ca: true}, {id: b, ca: true}]\n",
			`"a" and "b" are both CA bundles`, at(5, 34)},
		{"syntax error", "version: 1\ntargets:\n  api: [\n",
			`invalid YAML`, at(3, 0)},
		{"two documents", "version: 1\ntargets: {api: {package: api}}\n---\nversion: 1\n",
			`one YAML document`, at(3, 1)},
		{"empty", "# syntax=monokit\n",
			`the manifest is empty`, at(1, 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("monokit.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantErr)
			}
			pos := diag.Positions(err)
			if len(pos) == 0 || pos[0] != tc.wantPos {
				t.Errorf("positions = %v, want first %v", pos, tc.wantPos)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse("m.yaml", []byte("version: 1\nfoo: 1\ntargets:\n  a:\n    package: a\n    bar: 2\n  b: {}\n"))
	if err == nil {
		t.Fatal("want errors")
	}
	got := diag.Positions(err)
	want := []diag.Pos{{File: "m.yaml", Line: 2, Col: 1}, {File: "m.yaml", Line: 6, Col: 5}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("positions = %v, want %v", got, want)
	}
}

// FuzzParse: no input panics the decoder, every position an error carries
// lies inside the file parsed (the frontend attaches the line there), and so
// does every position of a manifest it accepts. Seeds beyond these are in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(nexus))
	f.Add([]byte("version: 1\ntargets: {a: {healthcheck: {port: x}}}"))
	f.Add([]byte("a: &x [*x]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string][]byte{"m.yaml": data}
		m, err := Parse("m.yaml", data)
		if err := diagtest.Check(err, files); err != nil {
			t.Fatal(err)
		}
		if err := diagtest.CheckValue(m, files); err != nil {
			t.Fatal(err)
		}
	})
}

// at is a position in monokit.yaml.
func at(line, col int) diag.Pos { return diag.Pos{File: "monokit.yaml", Line: line, Col: col} }

// TestParseClassicMacLineEndings: a manifest saved with lone \r line endings
// reads as pnpm's js-yaml and editors read it, and its errors name the
// lines those show.
func TestParseClassicMacLineEndings(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\rtargets:\r  api:\r    package: apps/api\r"))
	if err != nil || m.Targets["api"] == nil || m.Targets["api"].Package.Value != "apps/api" {
		t.Fatalf("m = %+v, err = %v", m, err)
	}
	_, err = Parse("m.yaml", []byte("version: 1\rtargets:\r  api:\r    package: apps/api\r    prot: 1\r"))
	if err == nil || !strings.HasPrefix(err.Error(), "m.yaml:5:5: ") {
		t.Errorf("err = %v, want it at m.yaml:5:5", err)
	}
}
