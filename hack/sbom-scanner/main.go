// Command sbom-scanner generates SBOMs for BuildKit's --attest type=sbom, as
// docker/buildkit-syft-scanner does (the Go module proxy here does not serve
// that module): BuildKit runs the scanner image with the image's filesystem at
// $BUILDKIT_SCAN_SOURCE, and reads every in-toto statement it writes to
// $BUILDKIT_SCAN_DESTINATION. syft catalogues the files: npm packages from
// their package.json files, and the others it knows. Only the image is
// scanned; $BUILDKIT_SCAN_SOURCE_EXTRAS (build contexts and stages a
// Dockerfile asks to scan) is ignored.
//
// A module of its own under hack/: syft brings hundreds of modules that the
// frontend must not depend on.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/cataloging"
	"github.com/anchore/syft/syft/cataloging/filecataloging"
	"github.com/anchore/syft/syft/cataloging/pkgcataloging"
	"github.com/anchore/syft/syft/format/spdxjson"
	"github.com/anchore/syft/syft/source"
	_ "modernc.org/sqlite" // syft reads newer RPM databases with it
)

// statement is an in-toto statement whose subject BuildKit fills in.
type statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []any           `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

func main() {
	if err := run(context.Background(), os.Getenv("BUILDKIT_SCAN_SOURCE"), os.Getenv("BUILDKIT_SCAN_DESTINATION")); err != nil {
		fmt.Fprintln(os.Stderr, "sbom-scanner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, src, dest string) error {
	if src == "" || dest == "" {
		return fmt.Errorf("BUILDKIT_SCAN_SOURCE and BUILDKIT_SCAN_DESTINATION must be set (BuildKit sets them)")
	}
	cfg := syft.DefaultGetSourceConfig().WithSources("dir").WithAlias(source.Alias{Name: "image"})
	s, err := syft.GetSource(ctx, src, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	// The directory is an image's filesystem: the catalogers for images,
	// which read installed packages (node_modules/*/package.json), not a
	// directory's, which read lockfiles.
	sel := cataloging.NewSelectionRequest().WithDefaults(pkgcataloging.ImageTag, filecataloging.FileTag)
	sbom, err := syft.CreateSBOM(ctx, s, syft.DefaultCreateSBOMConfig().WithCatalogerSelection(sel))
	if err != nil {
		return err
	}
	enc, err := spdxjson.NewFormatEncoderWithConfig(spdxjson.DefaultEncoderConfig())
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "spdx")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := enc.Encode(f, *sbom); err != nil {
		return err
	}
	doc, err := os.ReadFile(f.Name())
	if err != nil {
		return err
	}
	out, err := json.Marshal(statement{
		Type:          "https://in-toto.io/Statement/v0.1",
		PredicateType: "https://spdx.dev/Document",
		Subject:       []any{},
		Predicate:     doc,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sbom-scanner: %d packages\n", sbom.Artifacts.Packages.PackageCount())
	return os.WriteFile(filepath.Join(dest, "sbom.spdx.json"), out, 0o644)
}
