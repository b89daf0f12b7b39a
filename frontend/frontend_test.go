package frontend

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/solver/errdefs"

	"github.com/monokit/monokit/internal/diag"
	"github.com/monokit/monokit/solver/manifest"
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

func TestTargetOutline(t *testing.T) {
	yaml := []byte(`version: 1
args:
  # The API the browser calls.
  API_URL: https://api.example.com
  SENTRY_RELEASE: ~
targets:
  api:
    package: apps/api
    args:
      API_URL: http://localhost  # for local images
    secrets:
      - npmrc
      - {id: token, env: TOKEN, required: true}
`)
	m, err := manifest.Parse("monokit.yaml", yaml)
	if err != nil {
		t.Fatal(err)
	}
	o, err := targetOutline(m, "", map[string]string{"SENTRY_RELEASE": "1.2.3"}, yaml)
	if err != nil {
		t.Fatal(err)
	}
	if o.Name != "api" || len(o.Args) != 2 || len(o.Secrets) != 2 {
		t.Fatalf("outline %+v", o)
	}
	api, sentry := o.Args[0], o.Args[1]
	if api.Name != "API_URL" || api.Value != "http://localhost" || api.Description != "for local images" || api.Location.Ranges[0].Start.Line != 10 {
		t.Errorf("API_URL: the target's declaration, with its comment and line, got %+v", api)
	}
	if sentry.Name != "SENTRY_RELEASE" || sentry.Value != "1.2.3" {
		t.Errorf("SENTRY_RELEASE: the --build-arg's value, got %+v", sentry)
	}
	if s := o.Secrets[1]; s.Name != "token" || !s.Required || o.Secrets[0].Required {
		t.Errorf("secrets %+v", o.Secrets)
	}
	if _, err := targetOutline(m, "web", nil, yaml); err == nil {
		t.Error("an unknown target has an outline")
	}
}

func TestUseMergeOp(t *testing.T) {
	for _, tc := range []struct {
		supported bool
		arg       string // "" for none
		want      bool
		err       bool
	}{
		{supported: true, want: true},
		{supported: false, want: false},
		{supported: true, arg: "false", want: false},
		{supported: true, arg: "0", want: false},
		{supported: true, arg: "true", want: true},
		{supported: false, arg: "true", want: false},
		{supported: true, arg: "copies", err: true},
	} {
		args := map[string]string{}
		if tc.arg != "" {
			args[MergeOpArg] = tc.arg
		}
		got, err := useMergeOp(tc.supported, args)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("useMergeOp(%v, %q) = %v, %v", tc.supported, tc.arg, got, err)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	yaml := []byte("# syntax=x\n# check=skip=LockfileOutOfDate,StartNotShipped;error=true\nversion: 1\n# check=skip=all\n")
	cfg, err := checkConfig("monokit.yaml", yaml, nil)
	if err != nil || !cfg.ReturnAsError || cfg.SkipAll || len(cfg.SkipRules) != 2 || cfg.SkipRules[1] != "StartNotShipped" {
		t.Errorf("from the manifest: %+v, %v", cfg, err)
	}
	fromArg, err := linter.ParseLintOptions("skip=all") // as dockerui parses BUILDKIT_DOCKERFILE_CHECK
	if err != nil {
		t.Fatal(err)
	}
	cfg, err = checkConfig("monokit.yaml", yaml, fromArg)
	if err != nil || !cfg.SkipAll || cfg.ReturnAsError {
		t.Errorf("the build argument wins: %+v, %v", cfg, err)
	}
	if _, err := checkConfig("monokit.yaml", []byte("# check=bogus\nversion: 1\n"), nil); err == nil || !strings.HasPrefix(err.Error(), "monokit.yaml:1: ") {
		t.Errorf("a bad # check= line: %v", err)
	}
}

func TestProxyEnv(t *testing.T) {
	if pe := proxyEnv(map[string]string{"SENTRY_RELEASE": "1", "PROXY": "x"}); pe != nil {
		t.Errorf("no proxy argument: %+v", pe)
	}
	pe := proxyEnv(map[string]string{
		"HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128",
		"HTTP_PROXY": "http://p:3128", "No_Proxy": "localhost,.corp", "all_proxy": "socks5://s:1080", "ftp_proxy": "http://f:21",
	})
	want := llb.ProxyEnv{HTTPProxy: "http://p:3128", HTTPSProxy: "http://lower:3128", NoProxy: "localhost,.corp", AllProxy: "socks5://s:1080", FTPProxy: "http://f:21"}
	if pe == nil || *pe != want {
		t.Errorf("proxyEnv = %+v, want %+v", pe, want)
	}
}
