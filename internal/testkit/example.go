package testkit

import (
	"io"
	"os"
	"path/filepath"
)

// skipped are what a copy leaves out: installs and build outputs a local
// run of the example may have left, which no build reads.
var skipped = map[string]bool{"node_modules": true, "dist": true, ".next": true, "generated": true}

// CopyTree copies the monorepo at src into dst (created if need be) without
// installs and build outputs, so a test or the benchmark may edit it.
func CopyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && skipped[fi.Name()] {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
