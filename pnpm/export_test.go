package pnpm

import "go.yaml.in/yaml/v3"

// For lockscan_test.go, which is in pnpm_test so that it can use testkit.
var (
	ParseLockfileWith = parseLockfile
	ScanDocuments     = scanDocuments
)

// YAMLDocuments are the documents yaml.v3 reads of the file.
func YAMLDocuments(data []byte) ([]*yaml.Node, error) { return decodeDocuments("", data) }
