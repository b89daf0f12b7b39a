// Package helpers holds the JavaScript helper scripts that build stages run
// (native builds, platform packages, generated files, workspace files), their
// paths in the build image and their typed JSON inputs: the whole contract
// between the plan and the scripts, in one place. The planner writes the
// inputs; plan2llb writes the scripts the plan names. Data reaches a script
// as a JSON file, never as shell text.
package helpers

import (
	"embed"
	"fmt"
	"path"
)

// scripts holds the scripts a stage's Helpers name, each by its base name
// (NativeScript is native-build.js). The tests in test/ are not embedded.
//
//go:embed *.js
var scripts embed.FS

// Script is the content of the helper script at name, a path the plan names.
func Script(name string) ([]byte, error) {
	data, err := scripts.ReadFile(path.Base(name))
	if err != nil {
		return nil, fmt.Errorf("the plan names a helper script monokit does not have: %s", name)
	}
	return data, nil
}
