package testkit

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is one platform's image of an OCI layout, and its descriptor.
type Image struct {
	v1.Image
	Descriptor v1.Descriptor
}

// ExtractOCI unpacks an OCI tarball (BuildKit's oci exporter) into dir, a
// layout go-containerregistry and umoci read. Names that would leave dir
// are refused.
func ExtractOCI(tarPath, dir string) error {
	f, err := os.Open(tarPath)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.Clean("/"+h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			w, err := os.Create(p)
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, tr); err != nil {
				w.Close()
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
	}
}

// Images are the image manifests of the layout at dir by platform
// ("linux/amd64"), following nested indexes and leaving out attestation
// manifests.
func Images(dir string) (map[string]Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]Image{}
	var walk func(v1.ImageIndex) error
	walk = func(idx v1.ImageIndex) error {
		im, err := idx.IndexManifest()
		if err != nil {
			return err
		}
		for _, d := range im.Manifests {
			switch d.MediaType {
			case types.OCIImageIndex, types.DockerManifestList:
				sub, err := idx.ImageIndex(d.Digest)
				if err != nil {
					return err
				}
				if err := walk(sub); err != nil {
					return err
				}
			case types.OCIManifestSchema1, types.DockerManifestSchema2:
				if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || d.Platform == nil || d.Platform.OS == "unknown" {
					continue
				}
				img, err := idx.Image(d.Digest)
				if err != nil {
					return err
				}
				out[d.Platform.OS+"/"+d.Platform.Architecture] = Image{Image: img, Descriptor: d}
			}
		}
		return nil
	}
	return out, walk(idx)
}

// OnlyImage is the layout's one image, for single-platform exports.
func OnlyImage(dir string) (Image, error) {
	imgs, err := Images(dir)
	if err != nil {
		return Image{}, err
	}
	var ps []string
	var only Image
	for p, img := range imgs {
		ps, only = append(ps, p), img
	}
	if len(imgs) != 1 {
		return Image{}, fmt.Errorf("want one image in %s, found %d (%s)", dir, len(imgs), strings.Join(ps, ", "))
	}
	return only, nil
}
