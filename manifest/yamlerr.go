package manifest

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/monokit/monokit/diag"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLError turns a YAML syntax error from go.yaml.in/yaml/v3, which carries its
// line only inside the message, into an *diag.Error with that line.
func YAMLError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &diag.Error{Pos: diag.Pos{File: file, Line: line}, Err: errors.New("invalid YAML: " + m[2])}
	}
	return &diag.Error{Pos: diag.Pos{File: file}, Err: errors.New("invalid YAML: " + strings.TrimPrefix(msg, "yaml: "))}
}
