package manifest

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// TestSchemaKeysMatchDecoder proves schema.json and the decoder accept the same keys
// for every object.
func TestSchemaKeysMatchDecoder(t *testing.T) {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(Schema, &s); err != nil {
		t.Fatal(err)
	}
	props := func(raw json.RawMessage) []string {
		var o struct {
			Properties map[string]any `json:"properties"`
			OneOf      []struct {
				Properties map[string]any `json:"properties"`
			} `json:"oneOf"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		p := o.Properties
		for _, alt := range o.OneOf {
			if alt.Properties != nil {
				p = alt.Properties
			}
		}
		return slices.Sorted(maps.Keys(p))
	}
	got := map[string][]string{
		"manifest":    slices.Sorted(maps.Keys(s.Properties)),
		"images":      props(s.Properties["images"]),
		"package":     props(s.Defs["package"]),
		"target":      props(s.Defs["target"]),
		"healthcheck": props(s.Defs["healthcheck"]),
		"secret":      props(s.Defs["secret"]),
	}
	for kind, keys := range Keys {
		want := slices.Sorted(slices.Values(keys))
		if !slices.Equal(got[kind], want) {
			t.Errorf("%s: schema has %v, decoder accepts %v", kind, got[kind], want)
		}
	}
	if len(got) != len(Keys) {
		t.Errorf("schema objects %v, decoder objects %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(Keys)))
	}
}

// TestSchemaAgreesWithParse checks the schema accepts what Parse accepts and rejects
// what the decoder rejects as unknown or mistyped.
func TestSchemaAgreesWithParse(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("monokit.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("monokit.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"nexus":            nexus,
		"minimal":          "version: 1\ntargets: {api: {package: api}}\n",
		"unknown key":      "version: 1\ntargets: {api: {package: api, prot: 1}}\n",
		"bad preset":       "version: 1\ntargets: {api: {package: api, preset: rails}}\n",
		"bad healthcheck":  "version: 1\ntargets: {api: {package: api, port: 1, healthcheck: {path: /h, every: 1s}}}\n",
		"images unknown":   "version: 1\nimages: {runtime: x}\ntargets: {api: {package: api}}\n",
		"package override": "version: 1\npackages: {ui: {build: make, outputs: lib}}\ntargets: {api: {package: api}}\n",
		"bad secret":       "version: 1\ntargets: {api: {package: api, secrets: [{name: x}]}}\n",
		"version 2":        "version: 2\ntargets: {api: {package: api}}\n",
	}
	for name, y := range cases {
		t.Run(name, func(t *testing.T) {
			var v any
			if err := yaml.Unmarshal([]byte(y), &v); err != nil {
				t.Fatal(err)
			}
			_, parseErr := Parse("m.yaml", []byte(y))
			schemaErr := sch.Validate(v)
			if (parseErr == nil) != (schemaErr == nil) {
				t.Errorf("Parse error %v, schema error %v: they disagree", parseErr, schemaErr)
			}
		})
	}
}
