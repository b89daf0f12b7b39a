package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docker/cli/cli/config"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/cmd/buildctl/build"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	"github.com/moby/buildkit/util/progress/progressui"
	"github.com/tonistiigi/fsutil"
	"golang.org/x/sync/errgroup"

	"github.com/monokit/monokit/frontend"
)

// defaultBuildkitHost is buildkitd's own default address, as buildctl's.
const defaultBuildkitHost = "unix:///run/buildkit/buildkitd.sock"

// list collects a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// buildFlags are monokit build's flags: docker buildx build's names, for the
// ones it shares.
type buildFlags struct {
	*repoFlags
	addr, progress, platform             string
	push, noCache                        bool
	tags, outputs, secrets, buildContext list
}

// buildCmd runs the frontend in this process against a buildkitd (--addr, else
// $BUILDKIT_HOST), so no registry needs to serve the frontend image, and shows
// BuildKit's progress display.
func buildCmd(ctx context.Context, args []string, stderr io.Writer) error {
	f := &buildFlags{repoFlags: newFlags("build", true, stderr)}
	fs := f.fs
	fs.StringVar(&f.addr, "addr", os.Getenv("BUILDKIT_HOST"), "buildkitd address (default $BUILDKIT_HOST, else "+defaultBuildkitHost+")")
	fs.StringVar(&f.platform, "platform", "", "target platforms, comma-separated (default: the manifest's, else buildkitd's)")
	fs.StringVar(&f.progress, "progress", "auto", "progress output: auto, plain, tty, quiet or rawjson")
	fs.BoolVar(&f.push, "push", false, "push the image to the registry that each -t names")
	fs.BoolVar(&f.noCache, "no-cache", false, "do not use the build cache")
	fs.Var(&f.tags, "t", "image name (repeatable)")
	fs.Var(&f.tags, "tag", "image name (repeatable)")
	fs.Var(&f.outputs, "o", "output, as buildctl takes it: type=oci,dest=image.tar (repeatable)")
	fs.Var(&f.outputs, "output", "output, as buildctl takes it: type=oci,dest=image.tar (repeatable)")
	fs.Var(&f.secrets, "secret", "secret: id=npmrc,src=$HOME/.npmrc or id=token,env=NPM_TOKEN (repeatable)")
	fs.Var(&f.buildContext, "build-context", "named context: NAME=DIR, or NAME=docker-image://REF (repeatable)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("monokit build: %v", err)}
	}
	dir, err := dirArg(fs)
	if err != nil {
		return err
	}
	// Before solveOpt, which creates --output's files.
	display, err := progressui.NewDisplay(stderr, progressui.DisplayMode(f.progress))
	if err != nil {
		return usageError{fmt.Sprintf("monokit build: --progress %q: %v", f.progress, err)}
	}
	opt, err := f.solveOpt(dir, stderr)
	if err != nil {
		return err
	}
	addr := f.addr
	if addr == "" {
		addr = defaultBuildkitHost
	}
	c, err := client.New(ctx, addr)
	if err != nil {
		return fmt.Errorf("connecting to buildkitd at %s: %w", addr, err)
	}
	defer c.Close()
	ch := make(chan *client.SolveStatus)
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		_, err := c.Build(ctx, opt, "monokit", frontend.Build, ch)
		return err
	})
	eg.Go(func() error {
		_, err := display.UpdateFrom(context.WithoutCancel(ctx), ch)
		return err
	})
	return eg.Wait()
}

// solveOpt turns the flags into the request docker buildx would make: the
// context and manifest directories as local mounts, the frontend options,
// secrets and registry credentials as session attachables, and the exports.
func (f *buildFlags) solveOpt(dir string, stderr io.Writer) (client.SolveOpt, error) {
	file := ManifestPath(dir, f.file)
	if zeroConfig(dir, f.file) {
		// The frontend infers the manifest when the file it is given is
		// package.json, as for docker buildx build -f package.json.
		file = filepath.Join(dir, "package.json")
		fmt.Fprintf(stderr, "monokit: %s has no monokit.yaml: the frontend infers the targets, as a zero-config build does; `monokit init -o - %s` prints them with why each was chosen\n", dir, dir)
	} else if _, err := ReadManifest(file); err != nil {
		return client.SolveOpt{}, err
	}
	ctxFS, err := fsutil.NewFS(dir)
	if err != nil {
		return client.SolveOpt{}, fmt.Errorf("build context %s: %w", dir, err)
	}
	manifestFS, err := fsutil.NewFS(filepath.Dir(file))
	if err != nil {
		return client.SolveOpt{}, err
	}
	opt := client.SolveOpt{
		LocalMounts: map[string]fsutil.FS{
			dockerui.DefaultLocalNameContext:    ctxFS,
			dockerui.DefaultLocalNameDockerfile: manifestFS,
		},
		FrontendAttrs: map[string]string{"filename": filepath.Base(file)},
	}
	attrs := opt.FrontendAttrs
	if f.target != "" {
		attrs["target"] = f.target
	}
	if f.platform != "" {
		attrs["platform"] = f.platform
	}
	if f.noCache {
		attrs["no-cache"] = ""
	}
	for _, k := range slices.Sorted(maps.Keys(f.args)) {
		attrs["build-arg:"+k] = f.args[k]
	}
	for _, bc := range f.buildContext {
		name, value, ok := strings.Cut(bc, "=")
		if !ok || name == "" || value == "" {
			return client.SolveOpt{}, usageError{fmt.Sprintf("monokit build: --build-context %q: want NAME=DIR or NAME=docker-image://REF", bc)}
		}
		if strings.Contains(value, "://") || strings.HasPrefix(value, "target:") {
			attrs["context:"+name] = value
			continue
		}
		// A local directory travels as a local mount of its own, as buildx
		// sends it.
		local := "context:" + name
		dfs, err := fsutil.NewFS(value)
		if err != nil {
			return client.SolveOpt{}, fmt.Errorf("--build-context %s: %w", name, err)
		}
		opt.LocalMounts[local] = dfs
		attrs["context:"+name] = "local:" + local
	}

	auth := authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{
		AuthConfigProvider: authprovider.LoadAuthConfig(config.LoadDefaultConfigFile(stderr)),
	})
	opt.Session = []session.Attachable{auth}
	if len(f.secrets) > 0 {
		sp, err := build.ParseSecret(f.secrets)
		if err != nil {
			return client.SolveOpt{}, usageError{fmt.Sprintf("monokit build: --secret: %v", err)}
		}
		opt.Session = append(opt.Session, sp)
	}

	opt.Exports, err = f.exports()
	return opt, err
}

// exports are the --output entries, with -t naming the images and --push
// pushing them. -t --push alone is an image export, as in buildx.
func (f *buildFlags) exports() ([]client.ExportEntry, error) {
	exports, err := build.ParseOutput(f.outputs)
	if err != nil {
		return nil, usageError{fmt.Sprintf("monokit build: --output: %v", err)}
	}
	// buildx's cacheonly is no export at all: the result stays in the cache.
	cacheOnly := slices.ContainsFunc(exports, func(e client.ExportEntry) bool { return e.Type == "cacheonly" })
	exports = slices.DeleteFunc(exports, func(e client.ExportEntry) bool { return e.Type == "cacheonly" })
	if len(f.tags) == 0 && f.push {
		return nil, usageError{"monokit build: --push needs an image name: add -t REGISTRY/NAME:TAG"}
	}
	named := false
	for i, e := range exports {
		if e.Type != client.ExporterImage {
			continue
		}
		named = true
		if e.Attrs["name"] == "" && len(f.tags) > 0 {
			exports[i].Attrs["name"] = strings.Join(f.tags, ",")
		}
		if f.push {
			exports[i].Attrs["push"] = "true"
		}
	}
	if !named && len(f.tags) > 0 {
		if !f.push {
			return nil, usageError{"monokit build: -t names an image to push: add --push, or --output type=oci,dest=FILE for a file"}
		}
		exports = append(exports, client.ExportEntry{Type: client.ExporterImage, Attrs: map[string]string{"name": strings.Join(f.tags, ","), "push": "true"}})
	}
	if len(exports) == 0 && !cacheOnly {
		return nil, errors.New("no output: add --output type=oci,dest=image.tar, or -t REGISTRY/NAME:TAG --push (a build that only checks: --output type=cacheonly)")
	}
	return exports, nil
}
