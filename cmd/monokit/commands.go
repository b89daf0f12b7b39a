package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/llb/plan2llb"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
	"github.com/monokit/monokit/solver/plan"
	"github.com/monokit/monokit/solver/pnpm"
)

// repoFlags are the flags every workspace command shares.
type repoFlags struct {
	fs     *flag.FlagSet
	file   string
	target string
	args   buildArgs
	// notice is where the command says it inferred the manifest.
	notice io.Writer
}

// buildArgs collects --build-arg NAME=value flags, as docker buildx takes them.
type buildArgs map[string]string

func (a buildArgs) String() string { return "" }

func (a buildArgs) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want NAME=value, got %q", v)
	}
	a[k] = val
	return nil
}

func newFlags(name string, withTarget bool, notice io.Writer) *repoFlags {
	f := &repoFlags{fs: flag.NewFlagSet(name, flag.ContinueOnError), args: buildArgs{}, notice: notice}
	f.fs.SetOutput(io.Discard)
	f.fs.StringVar(&f.file, "f", "", "manifest file (default DIR/monokit.yaml; without one, the manifest is inferred)")
	if withTarget {
		f.fs.StringVar(&f.target, "target", "", "target to plan (default: the only one)")
		f.fs.Var(f.args, "build-arg", "NAME=value for a build argument the manifest declares (repeatable)")
	}
	return f
}

// load parses flags, the manifest and the workspace of DIR.
func (f *repoFlags) load(args []string) (*manifest.Manifest, *pnpm.Workspace, error) {
	if err := f.fs.Parse(args); err != nil {
		return nil, nil, usageError{fmt.Sprintf("monokit %s: %v", f.fs.Name(), err)}
	}
	dir, err := dirArg(f.fs)
	if err != nil {
		return nil, nil, err
	}
	return Open(dir, f.file, f.notice)
}

// dirArg is the command's DIR argument: "." when none is given.
func dirArg(fs *flag.FlagSet) (string, error) {
	switch fs.NArg() {
	case 0:
		return ".", nil
	case 1:
		return fs.Arg(0), nil
	}
	return "", usageError{fmt.Sprintf("monokit %s: one DIR at most, got %q", fs.Name(), fs.Args())}
}

// openWorkspace reads the workspace of DIR alone, without a manifest.
func openWorkspace(dir string) (*pnpm.Workspace, fs.FS, error) {
	fsys, err := ctxfs.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	ws, err := pnpm.Load(fsys)
	return ws, fsys, err
}

func planCmd(args []string, w, stderr io.Writer) error {
	f := newFlags("plan", true, stderr)
	asJSON := f.fs.Bool("json", false, "print the plan as JSON")
	m, ws, err := f.load(args)
	if err != nil {
		return err
	}
	var plans []*plan.Plan
	if f.target == "" && len(m.Targets) > 1 {
		plans, err = solver.Solve(m, ws, solver.Options{BuildArgs: f.args})
	} else {
		var p *plan.Plan
		p, err = solver.SolveTarget(m, ws, f.target, solver.Options{BuildArgs: f.args})
		plans = []*plan.Plan{p}
	}
	if err != nil {
		return err
	}
	for i, p := range plans {
		if *asJSON {
			if err := p.WriteJSON(w); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		p.WriteText(w)
	}
	return nil
}

func graphCmd(args []string, w, stderr io.Writer) error {
	f := newFlags("graph", false, stderr)
	dot := f.fs.Bool("dot", false, "print Graphviz dot")
	if err := f.fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("monokit graph: %v", err)}
	}
	dir, err := dirArg(f.fs)
	if err != nil {
		return err
	}
	ws, _, err := openWorkspace(dir)
	if err != nil {
		return err
	}
	if *dot {
		fmt.Fprintln(w, "digraph workspace {\n  rankdir=LR;\n  node [shape=box];")
	}
	for _, p := range ws.All() {
		if *dot {
			fmt.Fprintf(w, "  %q;\n", p.ID())
		}
		for _, e := range p.Deps {
			if *dot {
				style := ""
				if e.Kind != "dependencies" {
					style = " [style=dashed]"
				}
				fmt.Fprintf(w, "  %q -> %q%s;\n", p.ID(), e.To.ID(), style)
			} else {
				fmt.Fprintf(w, "%s -> %s (%s)\n", p.ID(), e.To.ID(), e.Kind)
			}
		}
	}
	if *dot {
		fmt.Fprintln(w, "}")
	}
	return nil
}

func llbCmd(ctx context.Context, args []string, w, stderr io.Writer) error {
	f := newFlags("llb", true, stderr)
	platform := f.fs.String("platform", "", "target platform (default: this machine's)")
	noMerge := f.fs.Bool("no-merge", false, "use copies instead of merge ops, as for Docker's classic store")
	m, ws, err := f.load(args)
	if err != nil {
		return err
	}
	pl, err := solver.SolveTarget(m, ws, f.target, solver.Options{BuildArgs: f.args})
	if err != nil {
		return err
	}
	build := platforms.DefaultSpec()
	target := build
	if *platform != "" {
		p, err := platforms.Parse(*platform)
		if err != nil {
			return usageError{fmt.Sprintf("monokit llb: --platform: %v", err)}
		}
		target = platforms.Normalize(p)
	}
	res, err := plan2llb.Build(ctx, pl, plan2llb.Options{
		// A fixed unique ID keeps the output stable between runs.
		Context:  llb.Local("context", llb.SharedKeyHint("context"), llb.LocalUniqueID("monokit-llb"), llb.IncludePatterns(pl.ContextPaths), llb.ExcludePatterns(pnpm.MetadataExcludes)),
		Metadata: llb.Local("context", llb.SharedKeyHint("monokit-metadata"), llb.LocalUniqueID("monokit-llb"), llb.IncludePatterns(pnpm.MetadataPatterns), llb.ExcludePatterns(pnpm.MetadataExcludes)),
		Image: func(_ context.Context, ref string, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
			return llb.Image(ref, llb.Platform(p)), nil, nil
		},
		BuildPlatform:  build,
		TargetPlatform: target,
		MergeOp:        !*noMerge,
	})
	if err != nil {
		return err
	}
	def, err := res.State.Marshal(ctx, llb.Platform(target))
	if err != nil {
		return err
	}
	return llb.WriteTo(def, w)
}

func targetsCmd(args []string, w, stderr io.Writer) error {
	f := newFlags("targets", false, stderr)
	if err := f.fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("monokit targets: %v", err)}
	}
	m, _, _, err := f.manifest()
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(m.Targets)) {
		t := m.Targets[name]
		fmt.Fprintf(w, "%-16s %s\n", name, strings.TrimSpace(t.Package.Value+" "+t.Preset.Value))
	}
	return nil
}

// manifest reads the manifest alone (-f, else DIR/monokit.yaml), after the
// flags were parsed, and returns it with DIR and its path. Without either it
// infers the manifest from DIR's workspace; the path is then DIR/package.json,
// the file a zero-config build names (-f package.json).
func (f *repoFlags) manifest() (m *manifest.Manifest, dir, file string, err error) {
	dir, err = dirArg(f.fs)
	if err != nil {
		return nil, "", "", err
	}
	if zeroConfig(dir, f.file) {
		ws, fsys, err := openWorkspace(dir)
		if err != nil {
			return nil, "", "", err
		}
		m, err := inferManifest(dir, ws, fsys, f.notice)
		return m, dir, filepath.Join(dir, "package.json"), err
	}
	file = ManifestPath(dir, f.file)
	m, err = ReadManifest(file)
	return m, dir, file, err
}
