package llb

import (
	"context"
	"strings"
	"testing"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestPlatformChecks(t *testing.T) {
	never := func(ocispecs.Platform) bool { return false }
	for _, tc := range []struct {
		name     string
		target   ocispecs.Platform
		runnable func(ocispecs.Platform) bool
		oldPNPM  bool
		want     []string // in the error; none: no error
	}{
		{name: "emulation available", target: arm64},
		{name: "workers unknown", target: arm64},
		{name: "no emulation for a native build", target: arm64, runnable: never,
			want: []string{"esbuild@0.25.11", "pnpm-workspace.yaml", "linux/arm64", "tonistiigi/binfmt --install arm64"}},
		{name: "the build platform needs no emulation", target: amd64, runnable: never},
		{name: "pnpm too old to select another platform", target: arm64, oldPNPM: true,
			want: []string{"pnpm 10.13.0", "pnpm 10.14", "@img/sharp-linux-arm64@0.34.5", "package.json"}},
		{name: "no Node.js build", target: ocispecs.Platform{OS: "linux", Architecture: "mips64le"}, want: []string{"Node.js has no build for linux/mips64le"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := nexusPlan(t, "backend")
			if tc.oldPNPM {
				p.PNPM.Version, p.Platforms.CrossSelect = "10.13.0", false
			}
			o := testOptions(true)
			o.TargetPlatform, o.Runnable = tc.target, tc.runnable
			_, err := Build(context.Background(), p, o)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one naming %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
