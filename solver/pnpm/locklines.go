package pnpm

import (
	"bytes"
	"fmt"

	"github.com/monokit/monokit/internal/diag"
)

// maxLockLine is the longest line read in pnpm-lock.yaml. pnpm writes one
// key or value per line; its longest (a deprecation message, a map of
// bins, a key with peer suffixes) are a few KiB. Both parsers copy a value
// whole, and yaml.v3 several times over: a 300 MB line took 1.75 GB.
const maxLockLine = 1 << 20

// checkLineLengths refuses a lockfile with a line longer than maxLockLine,
// at that line, before either parser sees it.
func checkLineLengths(file string, data []byte) error {
	for line := 1; len(data) > 0; line++ {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		if end > maxLockLine {
			return diag.Errorf(diag.Pos{File: file, Line: line, Col: maxLockLine + 1},
				"line %d is %s long; pnpm writes no line near %s, the most monokit reads: the lockfile is damaged; run pnpm install and commit it",
				line, mibs(end), mibs(maxLockLine))
		}
		data = data[min(end+1, len(data)):]
	}
	return nil
}

func mibs(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
