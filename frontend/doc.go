// Package frontend is monokit's BuildKit gateway frontend: thin glue over
// dockerui that reads the manifest and the workspace metadata from the build
// context, plans the target, builds it for every target platform through the llb
// package, and returns the images with their configs. Errors a user can fix come
// back with BuildKit source info, so buildx prints the offending lines.
package frontend
