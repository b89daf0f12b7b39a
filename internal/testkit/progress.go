package testkit

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/client"
)

// Progress is what a build's status stream said: every vertex in its last
// state, in the order it first appeared, the logs of all of them, and the
// bytes each build-context transfer sent.
type Progress struct {
	Vertices []*client.Vertex
	Logs     string
	// Output is each vertex's process output, by vertex digest: a step
	// that ran has some, one whose result came from a cache has none.
	Output map[string]string
	// Pulled marks the vertices whose result was downloaded from an
	// imported cache. BuildKit reports those downloads as the vertex's
	// statuses, and does not mark the vertex as cached.
	Pulled map[string]bool
	// Transferred is the most each "transferring context" status reached,
	// by vertex and transfer.
	Transferred map[string]int64
}

// Record reads ch until it closes.
func Record(ch chan *client.SolveStatus) *Progress {
	p := &Progress{Output: map[string]string{}, Pulled: map[string]bool{}, Transferred: map[string]int64{}}
	byDigest := map[string]int{}
	var logs strings.Builder
	for st := range ch {
		for _, v := range st.Vertexes {
			if i, ok := byDigest[v.Digest.String()]; ok {
				p.Vertices[i] = v
				continue
			}
			byDigest[v.Digest.String()] = len(p.Vertices)
			p.Vertices = append(p.Vertices, v)
		}
		for _, s := range st.Statuses {
			switch {
			case strings.HasPrefix(s.ID, "transferring context"):
				key := s.Vertex.String() + s.ID
				p.Transferred[key] = max(p.Transferred[key], s.Current)
			case strings.HasPrefix(s.ID, "sha256:"), strings.HasPrefix(s.ID, "extracting sha256:"):
				p.Pulled[s.Vertex.String()] = true
			}
		}
		for _, l := range st.Logs {
			logs.Write(l.Data)
			p.Output[l.Vertex.String()] += string(l.Data)
		}
	}
	p.Logs = logs.String()
	return p
}

// ContextBytes is what all build-context transfers sent.
func (p *Progress) ContextBytes() int64 {
	var n int64
	for _, b := range p.Transferred {
		n += b
	}
	return n
}

// IsRun recognises RUN steps by their progress name: "[stage 2/4] RUN ..."
// from the Dockerfile frontend, "[build:@nexus/ui] RUN ..." from monokit.
func IsRun(name string) bool { return strings.Contains(name, "] RUN ") }

// Ran are the names of the RUN steps whose process ran: those with output.
// A step loaded from a cache, local or imported, prints nothing.
func (p *Progress) Ran() []string {
	var out []string
	for _, v := range p.Vertices {
		if IsRun(v.Name) && p.Output[v.Digest.String()] != "" {
			out = append(out, v.Name)
		}
	}
	slices.Sort(out)
	return out
}
