package main

import (
	"context"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/client"
	"github.com/monokit/monokit/internal/testkit"
)

// Image is the size of one image.
type Image struct {
	Tool         string `json:"tool"`
	Target       string `json:"target"`
	Compressed   int64  `json:"compressedBytes"`
	Uncompressed int64  `json:"uncompressedBytes"`
	Layers       int    `json:"layers"`
	// Base* count the layers that come from the base image: those whose history
	// entry neither the Dockerfile frontend nor monokit wrote.
	BaseCompressed   int64 `json:"baseCompressedBytes"`
	BaseUncompressed int64 `json:"baseUncompressedBytes"`
}

// ownHistory marks the history entries a build writes over its base image.
var ownHistory = map[string]bool{"buildkit.dockerfile.v0": true, "monokit.v1": true}

// imageSize exports the (cached) image as an OCI tarball and measures its layers.
func (b *bench) imageSize(ctx context.Context, t tool, target string) (Image, error) {
	f, err := os.CreateTemp("", "monokit-bench-*.tar")
	if err != nil {
		return Image{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	exp := []client.ExportEntry{{Type: client.ExporterOCI, Output: func(map[string]string) (io.WriteCloser, error) { return f, nil }}}
	if _, err := b.build(ctx, t, target, "", exp); err != nil {
		return Image{}, err
	}
	dir, err := os.MkdirTemp("", "monokit-bench-oci-")
	if err != nil {
		return Image{}, err
	}
	defer os.RemoveAll(dir)
	if err := testkit.ExtractOCI(f.Name(), dir); err != nil {
		return Image{}, err
	}
	oci, err := testkit.OnlyImage(dir)
	if err != nil {
		return Image{}, err
	}
	cfg, err := oci.ConfigFile()
	if err != nil {
		return Image{}, err
	}
	layers, err := oci.Layers()
	if err != nil {
		return Image{}, err
	}
	hist := layerHistory(cfg, len(layers))
	img := Image{Tool: t.name, Target: target, Layers: len(layers)}
	for i, l := range layers {
		size, err := l.Size()
		if err != nil {
			return Image{}, err
		}
		n, err := uncompressedSize(l)
		if err != nil {
			return Image{}, err
		}
		img.Compressed += size
		img.Uncompressed += n
		if hist != nil && !ownHistory[hist[i].Comment] {
			img.BaseCompressed += size
			img.BaseUncompressed += n
		}
	}
	return img, nil
}

// uncompressedSize reads a layer through its decompression.
func uncompressedSize(l v1.Layer) (int64, error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	return io.Copy(io.Discard, rc)
}

// layerHistory are the history entries of an image's layers, one a layer in
// their order, or nil when the history does not account for every layer.
func layerHistory(cfg *v1.ConfigFile, layers int) []v1.History {
	var out []v1.History
	for _, h := range cfg.History {
		if !h.EmptyLayer {
			out = append(out, h)
		}
	}
	if len(out) != layers {
		return nil
	}
	return out
}
