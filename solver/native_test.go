package solver

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// A v9 lockfile: api depends on bcrypt (compiles at install time) and sharp
// (prebuilt per platform), and on esbuild only for development.
const nativeLock9 = `lockfileVersion: '9.0'

importers:

  .: {}

  apps/api:
    dependencies:
      bcrypt:
        specifier: 6.0.0
        version: 6.0.0
      sharp:
        specifier: 0.34.5
        version: 0.34.5
    devDependencies:
      esbuild:
        specifier: 0.25.11
        version: 0.25.11

packages:

  '@img/sharp-linux-arm64@0.34.5':
    resolution: {integrity: sha512-a}
    cpu: [arm64]
    os: [linux]
    libc: [glibc]

  '@img/sharp-linuxmusl-x64@0.34.5':
    resolution: {integrity: sha512-b}
    cpu: [x64]
    os: [linux]
    libc: [musl]

  '@esbuild/linux-x64@0.25.11':
    resolution: {integrity: sha512-c}
    cpu: [x64]
    os: [linux]

  bcrypt@6.0.0:
    resolution: {integrity: sha512-d}

  esbuild@0.25.11:
    resolution: {integrity: sha512-e}

  node-addon-api@8.5.0:
    resolution: {integrity: sha512-f}

  sharp@0.34.5:
    resolution: {integrity: sha512-g}

snapshots:

  '@img/sharp-linux-arm64@0.34.5':
    optional: true

  '@img/sharp-linuxmusl-x64@0.34.5':
    optional: true

  '@esbuild/linux-x64@0.25.11':
    optional: true

  bcrypt@6.0.0:
    dependencies:
      node-addon-api: 8.5.0

  esbuild@0.25.11:
    optionalDependencies:
      '@esbuild/linux-x64': 0.25.11

  node-addon-api@8.5.0: {}

  sharp@0.34.5:
    optionalDependencies:
      '@img/sharp-linux-arm64': 0.34.5
      '@img/sharp-linuxmusl-x64': 0.34.5
`

func nativeRepo(pnpm, workspace, lock string) fstest.MapFS {
	return fstest.MapFS{
		"package.json":           {Data: []byte(`{"name":"root","private":true,"packageManager":"pnpm@` + pnpm + `"}`)},
		"pnpm-workspace.yaml":    {Data: []byte("packages: ['apps/*']\n" + workspace)},
		"pnpm-lock.yaml":         {Data: []byte(lock)},
		"apps/api/package.json":  {Data: []byte(`{"name":"api","version":"1.0.0","main":"dist/main.js","scripts":{"build":"tsc"},"dependencies":{"bcrypt":"6.0.0","sharp":"0.34.5"},"devDependencies":{"esbuild":"0.25.11"}}`)},
		"apps/api/src/main.ts":   {Data: []byte("export {}\n")},
		"apps/api/tsconfig.json": {Data: []byte("{}")},
	}
}

func TestProdPackagesFollowSnapshots(t *testing.T) {
	lf, err := pnpm.ParseLockfile("pnpm-lock.yaml", []byte(nativeLock9))
	if err != nil {
		t.Fatal(err)
	}
	got := lf.ProdPackages([]string{"apps/api"})
	want := []string{"@img/sharp-linux-arm64@0.34.5", "@img/sharp-linuxmusl-x64@0.34.5", "bcrypt@6.0.0", "node-addon-api@8.5.0", "sharp@0.34.5"}
	if !slices.Equal(got, want) {
		t.Errorf("prod packages = %v, want %v (esbuild is a devDependency)", got, want)
	}
	p := lf.Packages["@img/sharp-linuxmusl-x64@0.34.5"]
	if !p.PlatformSpecific() || !slices.Equal(p.OS, []string{"linux"}) || !slices.Equal(p.CPU, []string{"x64"}) || !slices.Equal(p.Libc, []string{"musl"}) {
		t.Errorf("platform of %+v read wrong", p)
	}
	if lf.Packages["sharp@0.34.5"].PlatformSpecific() {
		t.Errorf("sharp itself is not platform-specific")
	}
}

func TestNativeBuildsRunOnTheTarget(t *testing.T) {
	for _, tc := range []struct {
		name, pnpm, workspace string
		native                []string
		all, cross            bool
		flags                 string // in the deploy command; "" for none
	}{
		{name: "allowBuilds", pnpm: "10.34.9", workspace: "allowBuilds:\n  bcrypt: true\n  sharp: false\n", native: []string{"bcrypt@6.0.0"}, cross: true, flags: "--libc=glibc --ignore-scripts"},
		{name: "pnpm 11 placeholder is not an approval", pnpm: "11.2.0", workspace: "allowBuilds:\n  bcrypt: set this to true or false\n", cross: true, flags: "--libc=glibc /out/prune"},
		{name: "onlyBuiltDependencies with a version", pnpm: "10.20.0", workspace: "onlyBuiltDependencies:\n  - bcrypt@6.0.0\n", native: []string{"bcrypt@6.0.0"}, cross: true, flags: "--ignore-scripts"},
		{name: "a dev-only build is not in the image", pnpm: "10.20.0", workspace: "onlyBuiltDependencies: [esbuild]\n", cross: true, flags: "--libc=glibc /out/prune"},
		{name: "dangerouslyAllowAllBuilds", pnpm: "10.20.0", workspace: "dangerouslyAllowAllBuilds: true\n", all: true, cross: true, flags: "--ignore-scripts"},
		{name: "pnpm before 10.14 selects on the build platform", pnpm: "10.13.1", workspace: "onlyBuiltDependencies: [bcrypt]\n", native: []string{"bcrypt@6.0.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := pnpm.Load(nativeRepo(tc.pnpm, tc.workspace, nativeLock9))
			if err != nil {
				t.Fatal(err)
			}
			p, err := SolveTarget(parse(t, apiManifest+"system-packages: [python3, make, g++]\n"), ws, "api")
			if err != nil {
				t.Fatal(err)
			}
			pf := p.Platforms
			if !slices.Equal(pf.Native, tc.native) || pf.AllNative != tc.all || pf.CrossSelect != tc.cross {
				t.Errorf("platforms = %+v, want native %v all %v cross %v", pf, tc.native, tc.all, tc.cross)
			}
			if !slices.Equal(pf.Prebuilt, []string{"@img/sharp-linux-arm64@0.34.5", "@img/sharp-linuxmusl-x64@0.34.5"}) {
				t.Errorf("prebuilt = %v", pf.Prebuilt)
			}
			deploy := strings.Join(p.Stage("prune").Run, " ")
			hasFlags := strings.Contains(deploy, "--os=$"+plan.TargetOSEnv+" --cpu=$"+plan.TargetCPUEnv)
			if hasFlags != tc.cross || tc.flags != "" && !strings.Contains(deploy, tc.flags) || !tc.cross && strings.Contains(deploy, "--ignore-scripts") {
				t.Errorf("deploy = %q, want platform flags %v and %q", deploy, tc.cross, tc.flags)
			}
			native := p.Stage("native")
			if wantNative := len(tc.native) > 0 || tc.all; (native != nil) != wantNative {
				t.Fatalf("native stage = %+v, want one: %v", native, wantNative)
			}
			if native != nil {
				if native.Platform != plan.OnTarget || !slices.Equal(native.Needs, []string{"prune", "deps"}) || p.Stage("runtime").Copies[0].From != "native" {
					t.Errorf("native stage %+v, runtime copies %+v", native, p.Stage("runtime").Copies)
				}
				// The compilers reach the native stage too, and node-gyp
				// the headers that ship with Node.js (in its cache and
				// through npm_config_nodedir).
				// Before pnpm 10.14 nothing compiles in it: no compilers.
				wantRun := 3
				if !tc.cross {
					wantRun = 1
				}
				if len(native.Run) != wantRun || tc.cross && (!strings.Contains(native.Run[0], "apt-get install -y --no-install-recommends python3 make g++") || native.Run[1] != gypHeaders) || !slices.Contains(native.Env, "npm_config_nodedir=/usr/local") {
					t.Errorf("native run %q env %q: want the system packages and node-gyp's headers first (but before pnpm 10.14) and npm_config_nodedir", native.Run, native.Env)
				}
				script := native.Run[len(native.Run)-1]
				var in helpers.NativeInput
				if len(native.Files) != 1 || native.Files[0].Path != helpers.NativeData || json.Unmarshal([]byte(native.Files[0].Data), &in) != nil {
					t.Fatalf("native files %+v: want its input at %s", native.Files, helpers.NativeData)
				}
				if !slices.Equal(in.Packages, tc.native) || script != "node "+helpers.NativeScript+" "+plan.TreeDir+" "+helpers.NativeData {
					t.Errorf("native run %q input %+v, want packages %q", script, in, tc.native)
				}
				// On the build platform the stage starts from the install,
				// which has the system packages, and the script copies from
				// its store what the install built.
				// Before pnpm 10.14 the deploy ran the scripts (for the
				// build platform only): the stage adds the libraries alone.
				built := plan.BuildRoot + "/node_modules/.pnpm"
				if !tc.cross {
					built = ""
				}
				if v := native.OnBuildPlatform; v == nil || v.From != "deps" || !slices.Equal(v.Run, []string{script}) || in.Built != built || in.Ran == tc.cross {
					t.Errorf("native on the build platform %+v input built %q ran %v: want the script alone from deps, and the install's store when the stage runs the scripts", v, in.Built, in.Ran)
				}
			}
			// The lockfile's snapshots say which packages only optional
			// dependencies reach.
			if want := []string{"@img/sharp-linux-arm64@0.34.5", "@img/sharp-linuxmusl-x64@0.34.5"}; !slices.Equal(pf.Optional, want) {
				t.Errorf("optional = %q, want %q", pf.Optional, want)
			}
		})
	}
}

func TestRequiresBuildInLockfile6(t *testing.T) {
	lock := `lockfileVersion: '6.0'

importers:

  .: {}

  apps/api:
    dependencies:
      bcrypt:
        specifier: 6.0.0
        version: 6.0.0
      sharp:
        specifier: 0.34.5
        version: 0.34.5
    devDependencies:
      esbuild:
        specifier: 0.25.11
        version: 0.25.11

packages:

  /esbuild@0.25.11:
    resolution: {integrity: sha512-e}
    requiresBuild: true
    dev: true

  /@img/sharp-linux-arm64@0.34.5:
    resolution: {integrity: sha512-a}
    cpu: [arm64]
    os: [linux]
    requiresBuild: true
    optional: true

  /bcrypt@6.0.0:
    resolution: {integrity: sha512-d}
    requiresBuild: true
    dependencies:
      node-addon-api: 8.5.0

  /node-addon-api@8.5.0:
    resolution: {integrity: sha512-f}

  /sharp@0.34.5:
    resolution: {integrity: sha512-g}
    optionalDependencies:
      '@img/sharp-linux-arm64': 0.34.5
`
	ws, err := pnpm.Load(nativeRepo("8.15.9", "", lock))
	if err != nil {
		t.Fatal(err)
	}
	p, err := SolveTarget(parse(t, apiManifest), ws, "api")
	if err != nil {
		t.Fatal(err)
	}
	pf := p.Platforms
	if pf.CrossSelect || !slices.Equal(pf.Native, []string{"@img/sharp-linux-arm64@0.34.5", "bcrypt@6.0.0"}) || !slices.Equal(pf.Prebuilt, []string{"@img/sharp-linux-arm64@0.34.5"}) {
		t.Errorf("platforms = %+v", pf)
	}
}

func TestMatchPackage(t *testing.T) {
	for _, tc := range []struct {
		sel, name, version string
		want               bool
	}{
		{"esbuild", "esbuild", "0.25.11", true},
		{"esbuild@0.25.11", "esbuild", "0.25.11", true},
		{"esbuild@0.24.0 || 0.25.11", "esbuild", "0.25.11", true},
		{"esbuild@0.24.0", "esbuild", "0.25.11", false},
		{"@prisma/*", "@prisma/engines", "6.0.0", true},
		{"@prisma/engines", "@prisma/client", "6.0.0", false},
		{"@swc/core@1.0.0", "@swc/core", "1.0.0", true},
	} {
		if got := pnpm.MatchPackage(tc.sel, tc.name, tc.version); got != tc.want {
			t.Errorf("pnpm.MatchPackage(%q, %s@%s) = %v, want %v", tc.sel, tc.name, tc.version, got, tc.want)
		}
	}
}
