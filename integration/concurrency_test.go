package integration

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentBuilds builds four targets at once on one daemon, from no
// cache, sharing one pnpm store cache mount (their fixtures use one Node.js
// line, so one BUILDKIT_CACHE_MOUNT_NS gives them one store), then the same
// four one after another with a fresh store. Every build succeeds, and each
// image's files (path, mode, owner, content) are the same both ways.
//
// Image digests are not compared: two builds from no cache still differ in
// timestamps until builds are reproducible (issue 14).
func TestConcurrentBuilds(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(context.Background(), 30*time.Minute)
	defer cancel()
	targets := []struct{ fixture, target string }{
		{"injected-tools", "svc"},
		{"many-packages", "api"},
		{"rewrite-manifest", "web"},
		{"ts-source", "api"},
	}
	ns := fmt.Sprintf("concurrency-%d", time.Now().UnixNano())
	// Builds run in goroutines; the test's own goroutine unpacks and hashes.
	build1 := func(i int, store string) (*result, error) {
		tg := targets[i]
		res, err := build{dir: filepath.Join(corpusDir, tg.fixture), target: tg.target, attrs: map[string]string{
			"no-cache":                          "",
			"build-arg:BUILDKIT_CACHE_MOUNT_NS": store,
		}}.run(ctx, t, inProcess)
		if err != nil {
			return res, fmt.Errorf("%s/%s: %w", tg.fixture, tg.target, err)
		}
		return res, nil
	}

	together := make([]*result, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i := range targets {
		wg.Go(func() { together[i], errs[i] = build1(i, ns+"-together") })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	for i, tg := range targets {
		alone, err := build1(i, ns+"-alone")
		if err != nil {
			t.Fatal(err)
		}
		a, b := treeListing(t, unpack(t, alone.ociTar, "linux/amd64")), treeListing(t, unpack(t, together[i].ociTar, "linux/amd64"))
		if d := listingDiff(a, b); d != "" {
			t.Errorf("%s/%s: built alone, its files differ from those built with three others:\n%s", tg.fixture, tg.target, d)
		}
	}
}

// treeListing lists an unpacked image's files, a line each: path, type and
// mode, owner, link target and content hash, but not timestamps (nor the
// content of pnpm's state files, which hold some).
func treeListing(t *testing.T, bundle string) []string {
	t.Helper()
	var lines []string
	root := filepath.Join(bundle, "rootfs")
	rootfsFiles(t, bundle, func(rel string, fi os.FileInfo) {
		// pnpm's install state records when it ran (prunedAt,
		// lastValidatedTimestamp); nothing reads it at run time.
		if base := filepath.Base(rel); base == ".modules.yaml" || base == ".pnpm-workspace-state-v1.json" {
			rel += " (timestamps)"
			lines = append(lines, rel)
			return
		}
		uid, gid := owner(fi)
		line := fmt.Sprintf("%s %s %d:%d", rel, fi.Mode(), uid, gid)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(filepath.Join(root, rel))
			if err != nil {
				t.Fatal(err)
			}
			line += " -> " + target
		case fi.Mode().IsRegular():
			f, err := os.Open(filepath.Join(root, rel))
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			line += fmt.Sprintf(" %x", h.Sum(nil))
		}
		lines = append(lines, line)
	})
	sort.Strings(lines)
	return lines
}

// listingDiff returns the lines only one listing has (at most 20), or "".
func listingDiff(a, b []string) string {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, l := range a {
		inA[l] = true
	}
	for _, l := range b {
		inB[l] = true
	}
	var out []string
	for _, l := range a {
		if !inB[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if !inA[l] {
			out = append(out, "+ "+l)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… and %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
