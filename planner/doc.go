// Package planner decides how a monokit target is built: from the manifest and
// the pnpm workspace model it produces a Plan, the stages in order with their
// exact inputs, commands, mounts, caches, helper scripts, outputs and images,
// and the image config. Every decision is in the Plan, so `monokit plan` shows
// it and plan2llb only translates it. One file holds each stage kind.
//
// It works on an fs.FS through the pnpm package, so the CLI, the frontend (over
// the files fetched from the build context) and tests share it. It imports no
// BuildKit package.
package planner
