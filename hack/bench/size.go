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
}

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
	if err := json.Unmarshal(blobs[path.Join("blobs", idx.Manifests[0].Digest.Algorithm().String(), idx.Manifests[0].Digest.Encoded())], &m); err != nil {
		return Image{}, err
	}
	img := Image{Tool: t.name, Target: target, Layers: len(m.Layers)}
	for _, l := range m.Layers {
		img.Compressed += l.Size
		data := blobs[path.Join("blobs", l.Digest.Algorithm().String(), l.Digest.Encoded())]
		n, err := gunzippedSize(data)
		if err != nil {
			return Image{}, err
		}
		img.Uncompressed += n
	}
	return img, nil
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
