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
	// Output is each vertex's process output, by vertex digest.
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

// Ran are the names of the RUN steps whose process ran in this build, sorted:
// BuildKit started the vertex and completed it, did not mark it cached, and did
// not download its result from an imported cache (which it reports as the
// vertex's statuses, without marking it cached). It is the one definition of
// "ran" the tests and the benchmark use.
func (p *Progress) Ran() []string {
	var out []string
	for _, v := range p.Vertices {
		if IsRun(v.Name) && p.ran(v) {
			out = append(out, v.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Cached are the names of the RUN steps whose result came from a cache, local
// or imported, sorted.
func (p *Progress) Cached() []string {
	var out []string
	for _, v := range p.Vertices {
		if IsRun(v.Name) && (v.Cached || p.Pulled[v.Digest.String()]) {
			out = append(out, v.Name)
		}
	}
	slices.Sort(out)
	return out
}

func (p *Progress) ran(v *client.Vertex) bool {
	return v.Started != nil && v.Completed != nil && !v.Cached && !p.Pulled[v.Digest.String()]
}

// RanStages are the stage IDs of the RUN steps that ran ("build:@nexus/ui"
// from "[build:@nexus/ui] RUN ..."; "prune" from "[prune linux/amd64] RUN
// ..."), sorted, one entry per step.
func (p *Progress) RanStages() []string {
	var out []string
	for _, name := range p.Ran() {
		if stage, _, ok := RunStep(name); ok {
			out = append(out, stage)
		}
	}
	slices.Sort(out)
	return out
}

// RunStep reads a RUN vertex's name, "[prune linux/amd64] RUN ...": the stage
// ID and the target platform, when the step runs once per target.
func RunStep(name string) (stage, platform string, ok bool) {
	head, _, ok := strings.Cut(name, "] RUN ")
	if !ok || !strings.HasPrefix(head, "[") {
		return "", "", false
	}
	stage, platform, _ = strings.Cut(head[1:], " ")
	return stage, platform, true
}
