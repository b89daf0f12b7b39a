// Package testkit is what the tests and the benchmark share, written once:
// the plan of an example's target, a copy of an example tree to edit, a
// reader of BuildKit's progress stream, and the images of an exported OCI
// tarball read with go-containerregistry. Only tests and hack/bench import it.
package testkit
