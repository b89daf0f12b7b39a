// Package llb turns a solver.Plan into BuildKit LLB for one target platform. It
// imports BuildKit's client/llb and the image spec types only, never the gateway,
// so the CLI and unit tests run it without a daemon. Callers import it as mkllb.
package llb
