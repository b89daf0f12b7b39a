// Package integration tests monokit against a real buildkitd: the frontend reached
// in-process, through the gateway image, through the Dockerfile frontend's
// "# syntax=" forwarding and through docker buildx; the images it builds unpacked
// and run with runc. The tests skip when BUILDKIT_HOST is unset; hack/test sets
// it after starting buildkitd and the loopback registry.
package integration
