package frontend

import (
	"fmt"
	"strconv"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/frontend/gateway/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
)

// defaultPlatforms uses the manifest's platforms when --platform is not given.
func defaultPlatforms(bc *dockerui.Client, m *manifest.Manifest) error {
	if len(bc.TargetPlatforms) > 0 || len(m.Platforms) == 0 {
		return nil
	}
	for _, s := range m.Platforms {
		p, err := platforms.Parse(s.Value)
		if err != nil {
			return diag.Errorf(s.Pos, "platforms: %v", err)
		}
		bc.TargetPlatforms = append(bc.TargetPlatforms, platforms.Normalize(p))
	}
	bc.MultiPlatformRequested = bc.MultiPlatformRequested || len(bc.TargetPlatforms) > 1
	return nil
}

// sourceDateEpoch reads the SOURCE_DATE_EPOCH build arg (buildx passes the
// environment variable as one).
func sourceDateEpoch(args map[string]string) (*time.Time, error) {
	v, ok := args["SOURCE_DATE_EPOCH"]
	if !ok || v == "" {
		return nil, nil
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH %q: want seconds since 1970 as a whole number", v)
	}
	t := time.Unix(sec, 0).UTC()
	return &t, nil
}

// runnable reports whether some worker executes a platform, natively or through
// the emulators registered on its host; nil when the workers are not known.
func runnable(workers []client.WorkerInfo) func(ocispecs.Platform) bool {
	var all []ocispecs.Platform
	for _, w := range workers {
		all = append(all, w.Platforms...)
	}
	if len(all) == 0 {
		return nil
	}
	m := platforms.Any(all...)
	return m.Match
}

// MergeOpArg is the build argument that turns merge ops off: the runtime is
// then assembled with copies, as on a daemon without merge and diff ops (the
// Docker engine's classic image store), where monokit falls back by itself.
const MergeOpArg = "MONOKIT_MERGE_OP"

func useMergeOp(supported bool, args map[string]string) (bool, error) {
	v, ok := args[MergeOpArg]
	if !ok {
		return supported, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("--build-arg %s=%q: want true or false", MergeOpArg, diag.Clip(v))
	}
	return on && supported, nil
}
