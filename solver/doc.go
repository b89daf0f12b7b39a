// Package solver solves a pnpm workspace for a monokit manifest: it finds the
// workspace packages from pnpm-workspace.yaml, reads every package.json and
// pnpm-lock.yaml, builds the workspace dependency graph (the lockfile's importers are
// the authority), and produces a Plan per target: the stages in order with their
// exact inputs, commands, outputs and platform.
//
// It works on an fs.FS, so the CLI, the frontend (over the files fetched from the
// build context) and tests share it. It imports no BuildKit package.
package solver
