package frontend

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/containerd/platforms"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/errgroup"
)

// images resolves base images the way the Dockerfile frontend does: a named
// context (--build-context node:24-alpine=docker-image://... or oci-layout://...)
// wins, else the registry. Each reference and platform is resolved once per
// build, though every target platform's goroutine asks for the build image.
type images struct {
	c  client.Client
	bc *dockerui.Client

	mu    sync.Mutex
	calls map[string]*imageCall
}

type imageCall struct {
	once sync.Once
	st   llb.State
	img  *dockerspec.DockerOCIImage
	err  error
}

func newImages(c client.Client, bc *dockerui.Client) *images {
	return &images{c: c, bc: bc, calls: map[string]*imageCall{}}
}

// resolve is the plan2llb.ImageFunc the converter calls.
func (r *images) resolve(ctx context.Context, ref string, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
	key := ref + "|" + platforms.FormatAll(platforms.Normalize(p))
	r.mu.Lock()
	call := r.calls[key]
	if call == nil {
		call = &imageCall{}
		r.calls[key] = call
	}
	r.mu.Unlock()
	call.once.Do(func() { call.st, call.img, call.err = r.load(ctx, ref, p) })
	return call.st, call.img, call.err
}

// prefetch resolves the images the plan runs on the build platforms and those
// it uses on the target platforms, concurrently.
func (r *images) prefetch(ctx context.Context, build []string, buildPlatforms []ocispecs.Platform, target []string, targets []ocispecs.Platform) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, ref := range build {
		for _, p := range buildPlatforms {
			eg.Go(func() error { _, _, err := r.resolve(ctx, ref, p); return err })
		}
	}
	for _, ref := range target {
		for _, p := range targets {
			eg.Go(func() error { _, _, err := r.resolve(ctx, ref, p); return err })
		}
	}
	return eg.Wait()
}

func (r *images) load(ctx context.Context, ref string, p ocispecs.Platform) (llb.State, *dockerspec.DockerOCIImage, error) {
	mode := r.bc.ImageResolveMode.String()
	nc, err := r.bc.NamedContext(ref, dockerui.ContextOpt{Platform: &p, ResolveMode: mode})
	if err != nil {
		return llb.State{}, nil, err
	}
	if nc != nil {
		st, img, err := nc.Load(ctx)
		if err != nil {
			return llb.State{}, nil, fmt.Errorf("loading build context %s: %w", ref, err)
		}
		if st != nil {
			return *st, img, nil
		}
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return llb.State{}, nil, err
	}
	named = reference.TagNameOnly(named)
	_, dgst, data, err := r.c.ResolveImageConfig(ctx, named.String(), sourceresolver.Opt{
		LogName:  fmt.Sprintf("[internal] load metadata for %s (%s)", ref, platforms.Format(p)),
		ImageOpt: &sourceresolver.ResolveImageOpt{Platform: &p, ResolveMode: mode},
	})
	if err != nil {
		return llb.State{}, nil, fmt.Errorf("resolving %s for %s: %w (supply it with --build-context %s=docker-image://<mirror> or oci-layout://<dir>@<digest>)", ref, platforms.Format(p), err, ref)
	}
	var img dockerspec.DockerOCIImage
	if err := json.Unmarshal(data, &img); err != nil {
		return llb.State{}, nil, fmt.Errorf("image config of %s: %w", ref, err)
	}
	if pinned, err := reference.WithDigest(named, dgst); err == nil {
		ref = pinned.String()
	}
	st, err := llb.Image(ref, llb.Platform(p), llb.WithCustomName("[internal] load "+named.String())).WithImageConfig(data)
	if err != nil {
		return llb.State{}, nil, err
	}
	return st, &img, nil
}
