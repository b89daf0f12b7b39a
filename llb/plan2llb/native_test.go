package plan2llb

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/solver/helpers"
	"github.com/monokit/monokit/solver/plan"
)

func TestPlatformChecks(t *testing.T) {
	never := func(ocispecs.Platform) bool { return false }
	always := func(ocispecs.Platform) bool { return true }
	for _, tc := range []struct {
		name     string
		target   ocispecs.Platform
		runnable func(ocispecs.Platform) bool
		oldPNPM  bool
		want     []string // in the error; none: no error
	}{
		{name: "emulation available", target: arm64, runnable: always},
		{name: "workers unknown", target: arm64}, // Runnable nil: assume it can
		{name: "no emulation for a native build", target: arm64, runnable: never,
			want: []string{"esbuild@0.25.11", "pnpm-workspace.yaml", "linux/arm64", "tonistiigi/binfmt --install arm64"}},
		{name: "the build platform needs no emulation", target: amd64, runnable: never},
		{name: "pnpm too old to select another platform", target: arm64, oldPNPM: true,
			want: []string{"pnpm 10.13.0", "pnpm 10.14", "@esbuild/*, @img/*", "package.json"}},
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

// TestTreeIsMountedNotCopied: the deploy writes the production tree into a scratch
// mount and the native stage runs on that mount's result, so the tree is never
// copied out of one build filesystem into another.
func TestTreeIsMountedNotCopied(t *testing.T) {
	res, err := Build(context.Background(), nexusPlan(t, "backend"), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	deploy, native := g.execs("deploy"), g.execs(helpers.NativeScript)
	if len(deploy) != 1 || len(native) != 1 {
		t.Fatalf("%d deploy and %d native execs, want one each", len(deploy), len(native))
	}
	treeMount := func(d digest.Digest) *pb.Mount {
		for _, m := range g.ops[d].GetExec().Mounts {
			if m.Dest == plan.TreeMount {
				return m
			}
		}
		t.Fatalf("exec %s has no %s mount", d, plan.TreeMount)
		return nil
	}
	if m := treeMount(deploy[0]); m.Input != int64(pb.Empty) || m.Output == int64(pb.SkipOutput) || m.Readonly {
		t.Errorf("deploy mount %+v, want a writable scratch mount whose result is kept", m)
	}
	m := treeMount(native[0])
	if in := g.ops[native[0]].Inputs[m.Input]; digest.Digest(in.Digest) != deploy[0] || m.Output == int64(pb.SkipOutput) {
		t.Errorf("native mount %+v reads %v, want the deploy's tree", m, in)
	}
	for d := range g.ops {
		if f := g.ops[d].GetFile(); f != nil {
			for _, a := range f.Actions {
				if cp := a.GetCopy(); cp != nil && cp.Src == plan.PruneRoot+"/" {
					t.Errorf("a file op copies %s out of a build filesystem", cp.Src)
				}
			}
		}
	}
}

// TestNativeReusesTheInstallOnItsPlatform: for a target platform that is the
// build platform, the native stage starts from the install, where the scripts
// already ran and the system packages are; for arm64 it starts from the
// build image. (The planner's test holds what each runs.)
func TestNativeReusesTheInstallOnItsPlatform(t *testing.T) {
	for _, target := range []ocispecs.Platform{amd64, arm64} {
		o := testOptions(true)
		o.TargetPlatform = target
		res, err := Build(context.Background(), nexusPlan(t, "backend"), o)
		if err != nil {
			t.Fatal(err)
		}
		_, g := marshal(t, res.State)
		native, install := g.execs(helpers.NativeScript), g.execs("pnpm install")
		if len(native) != 1 || len(install) != 1 {
			t.Fatalf("%s: %d native and %d install execs, want one each", target.Architecture, len(native), len(install))
		}
		op := g.ops[native[0]]
		var root digest.Digest
		for _, m := range op.GetExec().Mounts {
			if m.Dest == "/" {
				root = digest.Digest(op.Inputs[m.Input].Digest)
			}
		}
		// The root is the helper files written on the base.
		if f := g.ops[root]; f.GetFile() != nil && len(f.Inputs) == 1 {
			root = digest.Digest(f.Inputs[0].Digest)
		}
		if fromInstall, want := root == install[0], target.Architecture == "amd64"; fromInstall != want {
			t.Errorf("%s on amd64: native starts from the install: %v, want %v", target.Architecture, fromInstall, want)
		}
	}
}

// TestWorkspaceReadsTheShippedLayer: the workspace stage reads the tree in
// the runtime's dependencies layer, the very op the image merges, and mounts
// no result of the deploy or the native stage: a daemon that dropped those
// results (they are loaded by no build once cached) must not run them again
// for a shared edit.
func TestWorkspaceReadsTheShippedLayer(t *testing.T) {
	res, err := Build(context.Background(), nexusPlan(t, "backend"), testOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	_, g := marshal(t, res.State)
	ws, deploy, native := g.execs(helpers.WorkspaceScript), g.execs("deploy"), g.execs(helpers.NativeScript)
	if len(ws) != 1 || len(deploy) != 1 || len(native) != 1 {
		t.Fatalf("%d workspace, %d deploy and %d native execs, want one each", len(ws), len(deploy), len(native))
	}
	op := g.ops[ws[0]]
	var layer digest.Digest
	for _, m := range op.GetExec().Mounts {
		if m.Input < 0 {
			continue
		}
		in := digest.Digest(op.Inputs[m.Input].Digest)
		if in == deploy[0] || in == native[0] {
			t.Errorf("the workspace stage mounts %s from the deploy's or the native stage's result", m.Dest)
		}
		if m.Dest == plan.LayerMount {
			layer = in
			if !m.Readonly {
				t.Errorf("the layer is mounted writable")
			}
		}
	}
	merge := g.ops[g.root].GetMerge()
	if merge == nil {
		t.Fatal("the image is not a merge op")
	}
	var merged []digest.Digest
	for _, in := range g.ops[g.root].Inputs {
		merged = append(merged, digest.Digest(in.Digest))
	}
	if layer == "" || !slices.Contains(merged, layer) {
		t.Errorf("the workspace stage mounts %q at %s, not one of the image's layers %v", layer, plan.LayerMount, merged)
	}
}
