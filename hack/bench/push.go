package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
)

// What an edit costs a registry: after the measured build (and after the
// warm-up build before it) the image is built again, fully cached, and pushed
// to the loopback registry. BuildKit pushes only the blobs the registry
// lacks, so what it sent is the blobs the registry gained. The registry is
// hack/start's `crane registry serve --disk`, whose disk handler stores a
// blob as <dir>/<algorithm>/<hex> (an upload is <dir>/upload-* until it is
// renamed there) and keeps manifests in memory: the blobs counted are
// layers and configs.

// registryDir is the registry's --disk directory: MONOKIT_REGISTRY_DIR, else
// hack/lib.sh's $STATE/registry.
func registryDir(getenv func(string) string) string {
	if d := getenv("MONOKIT_REGISTRY_DIR"); d != "" {
		return d
	}
	state := getenv("MONOKIT_STATE")
	if state == "" {
		state = "/var/lib/monokit-dev"
	}
	return filepath.Join(state, "registry")
}

// pushCheck says why pushes cannot be measured, or "" when they can.
func pushCheck(registry, dir string) string {
	if registry == "" {
		return "no registry: set MONOKIT_REGISTRY (hack/benchmark does)"
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Sprintf("the registry's directory %s is not here: set MONOKIT_REGISTRY_DIR to its --disk", dir)
	}
	return ""
}

// pushRef is where a tool's image of a target is pushed.
func pushRef(registry, tool, target string) string {
	return fmt.Sprintf("%s/monokit-bench/%s-%s:latest", registry, tool, target)
}

// pushResult is what one push sent.
type pushResult struct {
	bytes int64
	// layers describe the layer blobs pushed, in the image's order.
	layers []string
	// foreign are blobs the registry gained that are not the image's:
	// another client pushed at the same time. They are not counted.
	foreign, foreignBytes int64
}

// push builds the image again (cached) and pushes it, and reads what the
// registry gained of it.
func (b *bench) push(ctx context.Context, t tool, target string) (pushResult, error) {
	before, err := blobs(b.registryDir)
	if err != nil {
		return pushResult{}, err
	}
	ref := pushRef(b.registry, t.name, target)
	exp := []client.ExportEntry{{Type: client.ExporterImage, Attrs: map[string]string{
		string(exptypes.OptKeyName):     ref,
		string(exptypes.OptKeyPush):     "true",
		string(exptypes.OptKeyInsecure): "true",
	}}}
	if _, err := b.build(ctx, t, target, "", exp); err != nil {
		return pushResult{}, fmt.Errorf("pushing %s: %w", ref, err)
	}
	after, err := blobs(b.registryDir)
	if err != nil {
		return pushResult{}, err
	}
	img, err := readPushed(ctx, ref)
	if err != nil {
		return pushResult{}, fmt.Errorf("reading %s back: %w", ref, err)
	}
	res := attribute(gained(before, after), img)
	if res.foreign > 0 {
		fmt.Fprintf(os.Stderr, "bench: the registry gained %d blobs (%s) that are not %s's while pushing it; not counted\n", res.foreign, human(res.foreignBytes), ref)
	}
	return res, nil
}

// blobs are the registry's blob files by digest ("sha256:<hex>"), with their
// sizes.
func blobs(dir string) (map[string]int64, error) {
	algs, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, a := range algs {
		if !a.IsDir() {
			continue // an upload in progress
		}
		files, err := os.ReadDir(filepath.Join(dir, a.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			info, err := f.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return nil, err
			}
			if info.Mode().IsRegular() {
				out[a.Name()+":"+f.Name()] = info.Size()
			}
		}
	}
	return out, nil
}

// gained are the blobs of after that before lacks.
func gained(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for d, n := range after {
		if _, ok := before[d]; !ok {
			out[d] = n
		}
	}
	return out
}

// pushedImage is what the registry holds of a pushed image.
type pushedImage struct {
	config string
	layers []pushedLayer
}

// pushedLayer is a layer blob and the history entry that made it.
type pushedLayer struct{ digest, createdBy string }

// readPushed reads a pushed image's manifest and config from the registry:
// its config blob and each layer's blob with its history entry's created_by.
func readPushed(ctx context.Context, ref string) (pushedImage, error) {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return pushedImage{}, err
	}
	// An index (none without attestations) is read for the builder's platform.
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH}))
	if err != nil {
		return pushedImage{}, err
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		return pushedImage{}, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return pushedImage{}, err
	}
	layers, err := img.Layers()
	if err != nil {
		return pushedImage{}, err
	}
	hist := layerHistory(cfg, len(layers))
	out := pushedImage{config: cfgName.String()}
	for i, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return pushedImage{}, err
		}
		by := "(no history entry)"
		if hist != nil {
			by = hist[i].CreatedBy
		}
		out.layers = append(out.layers, pushedLayer{digest: d.String(), createdBy: by})
	}
	return out, nil
}

// attribute counts the blobs the registry gained that are the image's (its
// config and its layers, each once) and names the layers among them.
func attribute(gained map[string]int64, img pushedImage) pushResult {
	left := map[string]int64{}
	for d, n := range gained {
		left[d] = n
	}
	var res pushResult
	if n, ok := left[img.config]; ok {
		res.bytes += n
		delete(left, img.config)
	}
	for _, l := range img.layers {
		n, ok := left[l.digest]
		if !ok {
			continue
		}
		res.bytes += n
		res.layers = append(res.layers, fmt.Sprintf("%s (%s)", clip(createdBy(l.createdBy), 72), human(n)))
		delete(left, l.digest)
	}
	for _, n := range left {
		res.foreign++
		res.foreignBytes += n
	}
	return res
}

// createdBy is a history entry's created_by without the Dockerfile
// frontend's " # buildkit" and the shell's "/bin/sh -c ".
func createdBy(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), " # buildkit")
	return strings.Replace(s, "/bin/sh -c ", "", 1)
}

// clip shortens s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
