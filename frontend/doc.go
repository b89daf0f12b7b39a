// Package frontend is monokit's BuildKit gateway frontend: thin glue over
// dockerui. Build (build.go) reads the manifest, or infers one
// (zeroconfig.go), and answers subrequests (targets.go, outline.go,
// check.go); one loader (input.go) reads the build context for every job:
// the workspace metadata, then the sources a job names, then the plan's
// context. buildTarget (target.go) plans the target and converts it for each
// target platform through llb/plan2llb (platformBuild), returning the images
// with their configs. Errors a user can fix come back with BuildKit source
// info (errors.go), so buildx prints the offending lines.
package frontend
