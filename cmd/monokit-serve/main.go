// Command monokit-serve serves a static single-page app: the one process of
// the images monokit builds for Vite, CRA and other static builds. It is a
// static binary on distroless/static, so the image holds no shell, no Node.js
// and no package manager, and runs as the nonroot user.
//
//	monokit-serve [--root DIR] [--listen ADDR] [--spa]   serve DIR (default /app)
//	monokit-serve probe URL                              the image's HEALTHCHECK
//
// --listen defaults to :$PORT, else :3000. With --spa, a GET for a page that
// is not a file (no extension, or a client that asks for HTML) answers
// index.html, as client-side routers need.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "probe" {
		os.Exit(probe(os.Args[2:], os.Stderr))
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "monokit-serve:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("monokit-serve", flag.ContinueOnError)
	root := fs.String("root", "/app", "the directory to serve")
	listen := fs.String("listen", "", "the address to listen on (default :$PORT, else :3000)")
	spa := fs.Bool("spa", false, "answer index.html for pages that are not files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := *listen
	if addr == "" {
		addr = ":" + envOr("PORT", "3000")
	}
	h, err := newHandler(*root, *spa)
	if err != nil {
		return err
	}
	defer h.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(os.Stderr, "monokit-serve: ", 0),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "monokit-serve: serving %s on %s\n", *root, ln.Addr())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// SIGTERM: finish the requests in flight, briefly, then stop.
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// probe GETs url and exits 0 when it answers 2xx or 3xx: the HEALTHCHECK of an
// image without curl, wget or a shell.
func probe(args []string, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: monokit-serve probe URL")
		return 2
	}
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 400 {
		fmt.Fprintf(stderr, "%s answered %s\n", args[0], resp.Status)
		return 1
	}
	return 0
}
