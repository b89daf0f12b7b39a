// Package pnpm is monokit's model of a pnpm workspace, read as pnpm reads it:
// pnpm-workspace.yaml and the packages it finds, every package.json with the
// position of each key, .npmrc, and pnpm-lock.yaml (importers, packages,
// snapshots). From these it builds the workspace dependency graph, the
// lockfile's production and platform-specific packages, and the drift pnpm's
// frozen install would refuse. It knows nothing of monokit.yaml, plans or
// BuildKit.
package pnpm
