package plan2llb

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestImageConfig(t *testing.T) {
	p := nexusPlan(t, "backend")
	base := &dockerspec.DockerOCIImage{}
	base.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=development", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}
	base.Config.Entrypoint = []string{"docker-entrypoint.sh"}
	base.Config.Labels = map[string]string{"base": "yes"}
	base.History = []ocispecs.History{{CreatedBy: "base layer"}}
	epoch := time.Unix(1700000000, 0).UTC()
	img := Image(p, base, arm64, &epoch)

	c := img.Config
	if c.User == "" || strings.HasPrefix(c.User, "0") || c.User == "root" {
		t.Errorf("user %q is root", c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/nodejs/bin/node"}) || !slices.Equal(c.Cmd[len(c.Cmd)-1:], []string{"dist/main.js"}) || c.Cmd[0] != "--import" || c.WorkingDir != "/app" {
		t.Errorf("entrypoint %q cmd %q workdir %q", c.Entrypoint, c.Cmd, c.WorkingDir)
	}
	if !slices.Contains(c.Env, "NODE_ENV=production") || slices.Contains(c.Env, "NODE_ENV=development") || !slices.Contains(c.Env, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt") {
		t.Errorf("env %q", c.Env)
	}
	if _, ok := c.ExposedPorts["3001/tcp"]; !ok {
		t.Errorf("ports %v", c.ExposedPorts)
	}
	h := c.Healthcheck
	if h == nil || h.Test[0] != "CMD" || h.Test[1] != "/nodejs/bin/node" || h.Interval != 30*time.Second || h.Retries != 3 {
		t.Errorf("healthcheck %+v", h)
	}
	if c.Labels["base"] != "yes" || c.Labels["org.opencontainers.image.title"] != "@nexus/backend" {
		t.Errorf("labels %v", c.Labels)
	}
	if img.Architecture != "arm64" || img.Created == nil || !img.Created.Equal(epoch) {
		t.Errorf("platform %s created %v", img.Architecture, img.Created)
	}
	var layers int
	for _, h := range img.History[1:] {
		if !h.EmptyLayer {
			layers++
		}
		if h.Created == nil || !h.Created.Equal(epoch) {
			t.Errorf("history %q not at SOURCE_DATE_EPOCH", h.CreatedBy)
		}
	}
	// One entry per runtime layer (dependencies, workspace, app), the same
	// text on every platform.
	if len(img.History) < 6 || layers != 3 || img.History[0].CreatedBy != "base layer" ||
		!strings.HasPrefix(img.History[1].CreatedBy, "COPY dependencies layer: ") || !strings.HasPrefix(img.History[3].CreatedBy, "COPY app layer: ") {
		t.Errorf("history %+v", img.History)
	}
	if other := Image(p, base, amd64, &epoch); !slices.Equal(other.History, img.History) {
		t.Errorf("the history differs by platform:\n%+v\n%+v", other.History, img.History)
	}
}

// TestRuntimeLayers: the runtime adds one file op per layer the plan names,
// so the image has as many layers as the history says.
func TestRuntimeLayers(t *testing.T) {
	p := nexusPlan(t, "backend")
	for _, merge := range []bool{true, false} {
		res, err := Build(context.Background(), p, testOptions(merge))
		if err != nil {
			t.Fatal(err)
		}
		def, g := marshal(t, res.State)
		var names []string
		for d, op := range g.ops {
			name := def.Metadata[d].Description["llb.customname"]
			for _, m := range []string{"COPY dependencies layer", "COPY workspace layer", "COPY app layer"} {
				if op.GetFile() != nil && strings.Contains(name, m) {
					names = append(names, m)
				}
			}
		}
		slices.Sort(names)
		if want := []string{"COPY app layer", "COPY dependencies layer", "COPY workspace layer"}; !slices.Equal(names, want) {
			t.Errorf("merge=%v: runtime file ops %q, want one each of %q", merge, names, want)
		}
	}
}
