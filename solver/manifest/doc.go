// Package manifest is the schema of monokit.yaml: its types, a strict decoder that
// keeps the line and column of every node, defaults, validation, and the JSON Schema
// published for editors. It imports no BuildKit package.
package manifest
