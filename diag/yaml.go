package diag

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLError turns a YAML syntax error from go.yaml.in/yaml/v3, which carries its
// line only inside the message, into an *Error with that line.
func YAMLError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Pos: Pos{File: file, Line: line}, Err: errors.New("invalid YAML: " + m[2])}
	}
	return &Error{Pos: Pos{File: file}, Err: errors.New("invalid YAML: " + strings.TrimPrefix(msg, "yaml: "))}
}
