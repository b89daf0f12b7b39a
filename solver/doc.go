// Package solver solves a monokit target: from the manifest (solver/manifest)
// and the pnpm workspace model (solver/pnpm) it produces a plan.Plan, the
// stages in order with their exact inputs, commands, mounts, caches, helper
// scripts, outputs and images, and the image config. Every decision is in the
// plan, so `monokit plan` shows it and llb/plan2llb only translates it. One
// file holds each stage kind; zero-config inference (infer*.go) and the
// `--call check` rules (check*.go) sit beside them, with the source scanning
// both share (sources.go).
//
// It is not BuildKit's solver: it solves the workspace. It works on an fs.FS
// through the pnpm package, so the CLI, the frontend (over the files fetched
// from the build context) and tests share it. It imports no BuildKit package.
package solver
