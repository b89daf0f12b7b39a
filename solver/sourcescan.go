package solver

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"

	"github.com/monokit/monokit/internal/ctxfs"
)

// maxSourceBytes bounds what inference reads of one app's sources: an app's
// own sources come first, and a port or a health route sits in a small
// server file, not in the 30th MiB. Each file is read once and dropped, so
// memory stays at one file (1,200 files of 1 MiB took 1.66 GB when all were
// kept).
const maxSourceBytes = 16 << 20

// sourceFacts is what one source file says: for each of portPatterns, the
// port its first match gives (0: none, or not a port) and the line; and,
// as bits by index in healthCandidates, whether the file names a candidate
// whole or names each of its segments.
type sourceFacts struct {
	ports        [4]portHit
	whole, names uint8
}

type portHit struct{ port, line int }

// healthPatterns are inferHealth's content patterns, by candidate.
var healthPatterns = func() (out []struct {
	whole *regexp.Regexp
	segs  []string
	names []*regexp.Regexp
}) {
	out = make([]struct {
		whole *regexp.Regexp
		segs  []string
		names []*regexp.Regexp
	}, len(healthCandidates))
	for i, c := range healthCandidates {
		out[i].whole = regexp.MustCompile("[\"'`]" + regexp.QuoteMeta(c) + "[\"'`?]")
		out[i].segs = strings.Split(strings.TrimPrefix(c, "/"), "/")
		for _, s := range out[i].segs {
			out[i].names = append(out[i].names, mentions(s))
		}
	}
	return out
}()

// readSources reads files in order, each once, and gives each to see, until
// maxSourceBytes are read or see returns false; read is how many it read (the
// file that reaches the cap among them, so at most one file, 1 MiB by
// ctxfs.Limit, past it). A file that cannot be read is seen empty. Inference
// and the health route rule read through it, so both stop at the same cap.
func readSources(sources fs.FS, files []string, see func(name string, data []byte) (more bool)) (read int) {
	total := 0
	for _, f := range files {
		if total >= maxSourceBytes {
			break
		}
		read++
		data, _ := ctxfs.ReadFile(sources, f)
		total += len(data)
		if !see(f, data) {
			break
		}
	}
	return read
}

// scanSources reads files with readSources and returns what each says; read
// is how many it read.
func scanSources(sources fs.FS, files []string) (facts map[string]sourceFacts, read int) {
	facts = make(map[string]sourceFacts, len(files))
	read = readSources(sources, files, func(f string, data []byte) bool {
		facts[f] = factsOf(data)
		return true
	})
	return facts, read
}

// appFirst splits the closure's files into the app's own (under dir, or all
// of them when the app is the root) and its dependencies', to read the own
// first: a port or a route there wins, and under the cap they are the ones
// read. (infer.go splits them the same way inline.)
func appFirst(dir string, files []string) (own, deps []string) {
	for _, f := range files {
		if dir == "." || strings.HasPrefix(f, dir+"/") {
			own = append(own, f)
		} else {
			deps = append(deps, f)
		}
	}
	return own, deps
}

// matchAround reports whether re matches data, for a re every match of which
// holds lit and starts at most one byte before it (mentions, and the
// healthPatterns' whole): it runs re only when lit occurs, and from the byte
// before lit's first occurrence. Both are exact: a match starts at or after
// that byte, and re has no ^, \b or other test of what precedes it. Go's
// regexp has no literal prefix to skip to in such a pattern and steps through
// every byte; bytes.Index does not.
func matchAround(re *regexp.Regexp, lit string, data []byte) bool {
	i := bytes.Index(data, []byte(lit))
	return i >= 0 && re.Match(data[max(i-1, 0):])
}

func factsOf(data []byte) sourceFacts {
	var sf sourceFacts
	for i, p := range portPatterns {
		if p.gate != nil && !p.gate(data) {
			continue // the cheap test for what every match holds fails
		}
		if loc := p.re.FindSubmatchIndex(data); loc != nil {
			if n := atoiPort(data[loc[2]:loc[3]]); n > 0 {
				sf.ports[i] = portHit{n, 1 + bytes.Count(data[:loc[0]], []byte("\n"))}
			}
		}
	}
	for i, h := range healthPatterns {
		if matchAround(h.whole, healthCandidates[i], data) {
			sf.whole |= 1 << i
		}
		all := true
		for j, s := range h.segs {
			all = all && matchAround(h.names[j], s, data)
		}
		if all {
			sf.names |= 1 << i
		}
	}
	return sf
}

// atoiPort is the digits as a port, or 0 if they are not one.
func atoiPort(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	if n > 65535 {
		return 0
	}
	return n
}

// wordPort reports whether "port" occurs at the start of a word (\bport):
// "export" and "import" hold it too, but not there.
func wordPort(data []byte) bool {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("port"))
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || !isWordByte(data[i-1]) {
			return true
		}
		i++
	}
}

// spacePort reports whether "port", in any case, follows a space (\s+port).
func spacePort(data []byte) bool {
	for i := 1; i+4 <= len(data); i++ {
		if data[i]|0x20 == 'p' && bytes.EqualFold(data[i:i+4], []byte("port")) {
			switch data[i-1] {
			case ' ', '\t', '\n', '\r', '\f':
				return true
			}
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
