// Package testkit is what the tests and the benchmark share, written once:
// where the example and the corpus fixtures are (tests reach them through
// it, never by paths relative to their package), a fixture's manifest and
// workspace read from disk, a workspace built in memory, a copy of an
// example tree to edit, a reader of BuildKit's progress stream, and the
// images of an exported OCI tarball read with go-containerregistry. Only
// tests and hack/bench import it; it imports no package that plans, so the
// solver's own tests can use it.
package testkit
