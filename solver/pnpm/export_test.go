package pnpm

// For lockscan_test.go, which is in pnpm_test so that it can use testkit.
var (
	ParseLockfileWith = parseLockfile
	ScanDocuments     = scanDocuments
)

type Node = node

// YAMLDocuments are the documents yaml.v3 reads of the file.
func YAMLDocuments(data []byte) ([]*Node, error) { return decodeDocuments("", data) }
