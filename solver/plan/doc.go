// Package plan is monokit's IR: the Plan of one target (stages, copies,
// mounts, caches, what each keeps), the paths stages use in the build and
// runtime images, the text and JSON writers, and the rules that read a plan
// alone (CheckPlatform, SetEnv, NodeArch). The solver writes plans; plan2llb
// reads them and decides nothing.
package plan
