package manifest

import _ "embed"

// Schema is the JSON Schema of monokit.yaml version 1, for editors
// (yaml-language-server: $schema=...). schema_test.go keeps it in step with Keys.
//
//go:embed schema.json
var Schema []byte
