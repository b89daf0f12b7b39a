package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/monokit/monokit/solver"
)

// initCmd writes the manifest monokit infers for DIR (the one a zero-config
// build uses), with a comment on every value saying why it was chosen.
func initCmd(args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("init", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	out := fset.String("o", "", "where to write it (default DIR/monokit.yaml; - for stdout)")
	if err := fset.Parse(args); err != nil {
		return usageError{fmt.Sprintf("monokit init: %v", err)}
	}
	dir, err := dirArg(fset)
	if err != nil {
		return err
	}
	dest := *out
	if dest == "" {
		dest = ManifestPath(dir, "")
		if _, err := os.Lstat(dest); err == nil {
			return fmt.Errorf("%s exists; monokit init writes a new one: remove it, or pass -o - to print the inferred manifest", dest)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	ws, fsys, err := openWorkspace(dir)
	if err != nil {
		return err
	}
	data, _, err := solver.InferManifest(ws, fsys)
	if err != nil {
		return err
	}
	if dest == "-" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(dest, data, 0o644)
}
