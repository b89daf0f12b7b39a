package frontend

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/monokit/monokit/diag"
)

func TestWithSources(t *testing.T) {
	yaml := []byte("version: 1\ntargets:\n  api: {package: api}\n")
	sm := llb.NewSourceMap(nil, "monokit.yaml", "yaml", yaml)
	files := fstest.MapFS{"apps/api/package.json": {Data: []byte("{\n  \"name\": \"api\"\n}\n")}}
	err := errors.Join(
		diag.Errorf(diag.Pos{File: "monokit.yaml", Line: 3, Col: 3}, "first"),
		diag.Errorf(diag.Pos{File: "apps/api/package.json", Line: 2, Col: 3}, "second"),
		diag.Errorf(diag.Pos{File: "monokit.yaml", Line: 1, Col: 1}, "third"),
		diag.Errorf(diag.Pos{File: "gone.json", Line: 1}, "not in the context"),
	)
	srcs := errdefs.Sources(withSources(err, sm, files))
	if len(srcs) != 2 {
		t.Fatalf("%d sources, want the manifest and the package.json", len(srcs))
	}
	m, p := srcs[0], srcs[1]
	if m.Info.Filename != "monokit.yaml" || string(m.Info.Data) != string(yaml) || len(m.Ranges) != 2 || m.Ranges[0].Start.Line != 3 || m.Ranges[1].Start.Line != 1 {
		t.Errorf("manifest source %+v", m)
	}
	if p.Info.Filename != "apps/api/package.json" || p.Info.Language != "json" || p.Ranges[0].Start.Line != 2 {
		t.Errorf("package.json source %+v", p)
	}
	if withSources(nil, sm, files) != nil {
		t.Error("nil error gained sources")
	}
}

func TestSourceDateEpoch(t *testing.T) {
	ts, err := sourceDateEpoch(map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	if err != nil || ts.Unix() != 1700000000 {
		t.Errorf("epoch = %v, %v", ts, err)
	}
	if ts, err := sourceDateEpoch(nil); ts != nil || err != nil {
		t.Errorf("unset epoch = %v, %v", ts, err)
	}
	if _, err := sourceDateEpoch(map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}); err == nil {
		t.Error("a bad SOURCE_DATE_EPOCH was accepted")
	}
}
