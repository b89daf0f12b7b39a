package testkit

import (
	"strings"

	"github.com/moby/buildkit/client"
)

// Progress is what a build's status stream said: every vertex in its last
// state, in the order it first appeared, the logs of all of them, and the
// bytes each build-context transfer sent.
type Progress struct {
	Vertices []*client.Vertex
	Logs     string
	// Transferred is the most each "transferring context" status reached,
	// by vertex and transfer.
	Transferred map[string]int64
}

// Record reads ch until it closes.
func Record(ch chan *client.SolveStatus) *Progress {
	p := &Progress{Transferred: map[string]int64{}}
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
			if strings.HasPrefix(s.ID, "transferring context") {
				key := s.Vertex.String() + s.ID
				p.Transferred[key] = max(p.Transferred[key], s.Current)
			}
		}
		for _, l := range st.Logs {
			logs.Write(l.Data)
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
