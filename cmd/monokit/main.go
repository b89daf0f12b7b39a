// Command monokit is the monokit BuildKit frontend and its command-line tools.
//
//	monokit frontend                     the gateway entrypoint the image runs
//	monokit plan [--target T] [DIR]      the build plan, readable (or --json)
//	monokit graph --dot [DIR]            the workspace dependency graph
//	monokit llb --target T [--platform P] [DIR]
//	                                     the LLB definition, for buildctl debug dump-llb
//	monokit targets [DIR]                the manifest's targets
//	monokit bake [DIR]                   a bake file for every target
//	monokit build [flags] [DIR]          build a target with the frontend in-process
//	monokit init [-o FILE] [DIR]         write the manifest monokit infers
//	monokit schema                       the manifest's JSON Schema
//	monokit version
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/moby/buildkit/frontend/gateway/grpcclient"
	_ "github.com/moby/buildkit/util/grpcutil/encoding/proto" // the vtproto-aware gRPC codec the gateway speaks

	"github.com/monokit/monokit/frontend"
	"github.com/monokit/monokit/solver/manifest"
)

// Version is set at link time (-ldflags "-X main.Version=...").
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- run(ctx, os.Args[1:], os.Stdout, os.Stderr) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// A signal ends the command even when a read does not return.
		fmt.Fprintln(os.Stderr, "monokit: interrupted")
		os.Exit(130)
	}
	stop()
	if err != nil {
		var u usageError
		if !errors.As(err, &u) {
			fmt.Fprintln(os.Stderr, "monokit:", err)
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

const usage = `usage: monokit <command> [flags] [DIR]

commands:
  frontend   run as a BuildKit gateway frontend (the image's entrypoint)
  plan       print the build plan of a target (--json for machines)
  graph      print the workspace dependency graph (--dot for Graphviz)
  llb        write the LLB definition of a target to stdout
  targets    list the manifest's targets
  bake       print a bake file that builds every target (docker buildx bake -f FILE)
  build      build a target against BUILDKIT_HOST with the frontend in this process
             (--target, --platform, -t, --push, --output, --secret, --build-context,
             --build-arg, --progress; no registry needs to serve the frontend image)
  init       write DIR/monokit.yaml as monokit infers it (-o - prints it), each value
             with the reason it was chosen
  schema     print the JSON Schema of monokit.yaml, for editors
  version    print the version

DIR is the monorepo root (default "."); -f names the manifest (default DIR/monokit.yaml;
without one, plan, llb, targets, bake and build infer it, as init and a zero-config
build do, and say so);
plan and llb take --target NAME and --build-arg NAME=value, as docker buildx does.`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "frontend":
		// No -version flag parsing: BuildKit starts the image with no arguments.
		return grpcclient.RunFromEnvironment(ctx, frontend.Build)
	case "plan":
		return planCmd(rest, stdout, stderr)
	case "graph":
		return graphCmd(rest, stdout, stderr)
	case "llb":
		return llbCmd(ctx, rest, stdout, stderr)
	case "targets":
		return targetsCmd(rest, stdout, stderr)
	case "bake":
		return bakeCmd(rest, stdout, stderr)
	case "build":
		return buildCmd(ctx, rest, stderr)
	case "init":
		return initCmd(rest, stdout)
	case "schema":
		if len(rest) > 0 {
			return usageError{"monokit schema takes no arguments; it prints the JSON Schema of monokit.yaml"}
		}
		_, err := stdout.Write(manifest.Schema)
		return err
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "monokit", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("monokit: unknown command %q\n\n%s", cmd, usage)}
	}
}
