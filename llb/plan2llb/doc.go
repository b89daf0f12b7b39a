// Package plan2llb translates a planned target into BuildKit LLB for one target
// platform, with the image config and base image it ends in, as dockerfile2llb
// does for a Dockerfile. It decides nothing the plan does not hold: every stage,
// command, mount, cache and helper script comes from the plan. It imports
// BuildKit's client/llb and the image spec types only, never the gateway, so the
// CLI and unit tests run it without a daemon.
package plan2llb
