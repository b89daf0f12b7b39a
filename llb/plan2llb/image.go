package plan2llb

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/moby/buildkit/util/system"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/monokit/monokit/solver/plan"
)

// historyComment marks the history entries monokit writes, as the Dockerfile
// frontend marks its own with buildkit.dockerfile.v0.
const historyComment = "monokit.v1"

// Image is the runtime image's config for platform: the base image's config (nil
// when unknown) with the plan's settings on top, and one history entry per layer
// monokit adds. created is SOURCE_DATE_EPOCH when set.
func Image(pl *plan.Plan, base *dockerspec.DockerOCIImage, platform ocispecs.Platform, created *time.Time) *dockerspec.DockerOCIImage {
	img := &dockerspec.DockerOCIImage{}
	if base != nil {
		img.Config = base.Config
		img.History = slices.Clone(base.History)
		img.RootFS = base.RootFS
	}
	img.RootFS.Type = "layers"
	img.Platform = platform
	img.Created = created

	ic := pl.Image
	cfg := &img.Config
	env := slices.Clone(cfg.Env)
	if len(env) == 0 {
		env = []string{"PATH=" + system.DefaultPathEnv(platform.OS)}
	}
	cfg.Env = plan.SetEnv(env, ic.Env...)
	cfg.User = ic.User
	cfg.WorkingDir = ic.WorkingDir
	cfg.Entrypoint = ic.Entrypoint
	cfg.Cmd = ic.Cmd
	cfg.StopSignal = ic.StopSignal
	cfg.ExposedPorts = map[string]struct{}{}
	for _, p := range ic.Ports {
		cfg.ExposedPorts[p] = struct{}{}
	}
	cfg.Healthcheck = nil
	if h := ic.Healthcheck; h != nil {
		cfg.Healthcheck = &dockerspec.HealthcheckConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
	}
	labels := maps.Clone(cfg.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	maps.Copy(labels, ic.Labels)
	cfg.Labels = labels
	// The base image's entrypoint wrapper (docker-entrypoint.sh) is replaced:
	// node runs as PID 1 and gets SIGTERM itself.
	cfg.Shell = nil
	cfg.OnBuild = nil

	add := func(createdBy string, layer bool) {
		img.History = append(img.History, ocispecs.History{Created: created, CreatedBy: createdBy, Comment: historyComment, EmptyLayer: !layer})
	}
	// One entry per layer the runtime adds, as runtime builds them; without
	// them BuildKit would name each layer after whichever platform's op
	// it saw first, and two builds could differ.
	if rt := pl.Stage("runtime"); rt != nil {
		for _, group := range runtimeLayers(*rt) {
			add(layerName(pl, group)+" (owned by root)", true)
		}
	}
	add(fmt.Sprintf("USER %s", ic.User), false)
	add(fmt.Sprintf("ENTRYPOINT %q CMD %q", ic.Entrypoint, ic.Cmd), false)
	if cfg.Healthcheck != nil {
		add(fmt.Sprintf("HEALTHCHECK %s", strings.Join(cfg.Healthcheck.Test[1:], " ")), false)
	}
	return img
}
