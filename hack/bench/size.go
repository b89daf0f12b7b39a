package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
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
	blobs, err := readBlobs(f.Name())
	if err != nil {
		return Image{}, err
	}
	var idx ocispecs.Index
	if err := json.Unmarshal(blobs["index.json"], &idx); err != nil {
		return Image{}, err
	}
	var m ocispecs.Manifest
	if len(idx.Manifests) == 0 {
		return Image{}, fmt.Errorf("empty OCI index")
	}
	if err := json.Unmarshal(blobs[blobPath(idx.Manifests[0])], &m); err != nil {
		return Image{}, err
	}
	var cfg ocispecs.Image
	if err := json.Unmarshal(blobs[blobPath(m.Config)], &cfg); err != nil {
		return Image{}, err
	}
	var layerHistory []ocispecs.History
	for _, h := range cfg.History {
		if !h.EmptyLayer {
			layerHistory = append(layerHistory, h)
		}
	}
	img := Image{Tool: t.name, Target: target, Layers: len(m.Layers)}
	for i, l := range m.Layers {
		n, err := gunzippedSize(blobs[blobPath(l)])
		if err != nil {
			return Image{}, err
		}
		img.Compressed += l.Size
		img.Uncompressed += n
		if len(layerHistory) == len(m.Layers) && !ownHistory[layerHistory[i].Comment] {
			img.BaseCompressed += l.Size
			img.BaseUncompressed += n
		}
	}
	return img, nil
}

func blobPath(d ocispecs.Descriptor) string {
	return path.Join("blobs", d.Digest.Algorithm().String(), d.Digest.Encoded())
}

func readBlobs(file string) (map[string][]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out[path.Clean(h.Name)] = data
	}
}

func gunzippedSize(data []byte) (int64, error) {
	zr, err := gzip.NewReader(bytesReader(data))
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, zr)
}
