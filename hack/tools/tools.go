//go:build tools

package tools

import (
	_ "github.com/docker/buildx/cmd/buildx"
	_ "github.com/google/go-containerregistry/cmd/crane"
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
