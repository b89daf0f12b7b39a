// Package plan2llb translates a solver/plan.Plan into BuildKit LLB for one
// target platform, with the image config and base image it ends in, as
// dockerfile2llb does for a Dockerfile: one file per stage kind, the generic
// exec with its mounts, caches and secrets in exec.go. It decides nothing the
// plan does not hold: every stage, command, mount, cache and helper script
// comes from the plan, and the scripts' bytes from solver/helpers, the only
// other package of this project it imports. It imports BuildKit's client/llb
// and the image spec types, never the gateway, so the CLI and unit tests run
// it without a daemon. (Never a package named llb: BuildKit's is imported
// beside it.)
package plan2llb
