package frontend

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/subrequests/targets"

	"github.com/monokit/monokit/solver/manifest"
)

type targetsList = targets.List

// listTargets answers `docker buildx build --call targets`: every target with
// its package and manifest location. The only target is the default.
func listTargets(m *manifest.Manifest, data []byte) *targets.List {
	l := &targets.List{Sources: [][]byte{data}}
	names := slices.Sorted(maps.Keys(m.Targets))
	for _, name := range names {
		t := m.Targets[name]
		desc := "package " + t.Package.Value
		if t.Preset.Value != "" {
			desc += ", preset " + t.Preset.Value
		}
		if t.Description != "" {
			desc += ": " + t.Description
		}
		l.Targets = append(l.Targets, targets.Target{
			Name:        name,
			Default:     len(names) == 1,
			Description: desc,
			Location:    location(0, t.Pos),
		})
	}
	return l
}
