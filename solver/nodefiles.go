package solver

import (
	"fmt"
	"strings"
)

// nodeVersionFiles are the files at the root that pin Node.js, in the order
// monokit reads them, each with its reader: the value and its line, or ""
// when the file pins nothing monokit can use (empty, or "system").
var nodeVersionFiles = []struct {
	name string
	read func(data string) (string, int, error)
}{
	{".nvmrc", readNvmrc},
	{".node-version", readFirstWord},
	{".tool-versions", readToolVersions},
}

// contentLines are a file's lines without comments (from "#" to the end of
// the line) and surrounding blanks, with their numbers; empty lines are left
// out.
func contentLines(data string) (lines []string, numbers []int) {
	for i, l := range strings.Split(data, "\n") {
		if c, _, ok := strings.Cut(l, "#"); ok {
			l = c
		}
		if l = strings.TrimSpace(l); l != "" {
			lines, numbers = append(lines, l), append(numbers, i+1)
		}
	}
	return lines, numbers
}

// readNvmrc reads .nvmrc as nvm 0.40 does: anything after "#" is a comment,
// and what is left is one bare version, or key=value lines, of which monokit
// reads node=.
func readNvmrc(data string) (string, int, error) {
	lines, numbers := contentLines(data)
	switch {
	case len(lines) == 0:
		return "", 0, nil
	case len(lines) == 1 && !strings.Contains(lines[0], "="):
		return lines[0], numbers[0], nil
	}
	if !strings.Contains(lines[0], "=") && !strings.Contains(lines[1], "=") {
		return "", numbers[1], fmt.Errorf("%q after %q: nvm reads one bare version, or key=value lines", lines[1], lines[0])
	}
	value, line := "", 0
	for i, l := range lines {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return "", numbers[i], fmt.Errorf("%q: nvm reads one bare version, or key=value lines", l)
		}
		if strings.TrimSpace(k) == "node" && line == 0 {
			value, line = strings.TrimSpace(v), numbers[i]
		}
	}
	return value, line, nil
}

// readFirstWord reads .node-version as nodenv and fnm do: the first word of
// the first line that is not a comment.
func readFirstWord(data string) (string, int, error) {
	lines, numbers := contentLines(data)
	if len(lines) == 0 {
		return "", 0, nil
	}
	return strings.Fields(lines[0])[0], numbers[0], nil
}

// readToolVersions reads asdf's and mise's .tool-versions: "nodejs 24.11.1"
// (or "node ..."), the first version being the one they use; "system" pins
// nothing.
func readToolVersions(data string) (string, int, error) {
	lines, numbers := contentLines(data)
	for i, l := range lines {
		f := strings.Fields(l)
		if (f[0] == "nodejs" || f[0] == "node") && len(f) > 1 {
			if f[1] == "system" {
				return "", 0, nil
			}
			return f[1], numbers[i], nil
		}
	}
	return "", 0, nil
}
