package frontend

import (
	"github.com/moby/buildkit/frontend/subrequests/outline"
	"github.com/moby/buildkit/solver/pb"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver"
	"github.com/monokit/monokit/solver/manifest"
)

// targetOutline answers `docker buildx build --call outline`: the build
// arguments the target's builds see, each with the value this build would
// give it (the --build-arg, else the default) and the comment written by it,
// and the secrets it uses, each at its manifest line.
func targetOutline(m *manifest.Manifest, name string, given map[string]string, data []byte) (*outline.Outline, error) {
	t, err := solver.FindTarget(m, name)
	if err != nil {
		return nil, err
	}
	o := &outline.Outline{Name: t.Name, Description: "package " + t.Package.Value, Sources: [][]byte{data}}
	for _, a := range solver.DeclaredArgs(m, t) {
		v, ok := given[a.Name]
		if !ok {
			v = a.Default
		}
		o.Args = append(o.Args, outline.Arg{Name: a.Name, Value: v, Description: a.Description, Location: location(0, a.Pos)})
	}
	for _, s := range t.Secrets {
		o.Secrets = append(o.Secrets, outline.Secret{Name: s.ID, Required: s.Required, Location: location(0, s.Pos)})
	}
	return o, nil
}

// location is a line of the subrequest's source at index as BuildKit's
// subrequests give one (none when the line is unknown); source 0 is the
// manifest.
func location(index int, p diag.Pos) *pb.Location {
	loc := &pb.Location{SourceIndex: int32(index)}
	if p.Line > 0 {
		loc.Ranges = []*pb.Range{{Start: &pb.Position{Line: int32(p.Line)}, End: &pb.Position{Line: int32(p.Line)}}}
	}
	return loc
}
