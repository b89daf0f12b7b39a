package integration

import (
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
// image's digest is the same both ways (SOURCE_DATE_EPOCH, with the
// exporter's rewrite-timestamp, fixes every timestamp); a difference is
// shown file by file.
func TestConcurrentBuilds(t *testing.T) {
	needDaemon(t)
	ctx, cancel := deadline(t, 30*time.Minute)
	defer cancel()
	targets := []struct{ fixture, target string }{
		{"injected-tools", "svc"},
		{"many-packages", "api"},
		{"rewrite-manifest", "web"},
		{"ts-source", "api"},
	}
	ns := fmt.Sprintf("concurrency-%d", time.Now().UnixNano())
	// Builds run in goroutines; the test's own goroutine unpacks and compares.
	build1 := func(i int, store string) (*result, error) {
		tg := targets[i]
		res, err := build{dir: filepath.Join(corpusDir, tg.fixture), target: tg.target, attrs: map[string]string{
			"no-cache":                          "",
			"build-arg:BUILDKIT_CACHE_MOUNT_NS": store,
			"build-arg:SOURCE_DATE_EPOCH":       "1700000000",
		}, exportAttrs: map[string]string{"rewrite-timestamp": "true"}}.run(ctx, t, inProcess)
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
		if a, b := ociDigest(t, alone.ociTar), ociDigest(t, together[i].ociTar); a != b {
			diff := listingDiff(treeListing(t, unpack(t, alone.ociTar, "linux/amd64")), treeListing(t, unpack(t, together[i].ociTar, "linux/amd64")), 20)
			t.Errorf("%s/%s: built alone %s, with three others %s; files that differ:\n%s", tg.fixture, tg.target, a, b, strings.Join(diff, "\n"))
		}
	}
}

// ociDigest is the digest of the image an OCI tarball holds (its index's
// first manifest).
func ociDigest(t *testing.T, tarPath string) string {
	t.Helper()
	dir, _ := images(t, tarPath)
	var index struct{ Manifests []struct{ Digest string } }
	readJSON(t, filepath.Join(dir, "index.json"), &index)
	if len(index.Manifests) == 0 {
		t.Fatalf("%s holds no image", tarPath)
	}
	return index.Manifests[0].Digest
}

// treeListing lists an unpacked image's files, a line each: path, type and
// mode, owner, link target and content hash.
func treeListing(t *testing.T, bundle string) []string {
	t.Helper()
	var lines []string
	root := filepath.Join(bundle, "rootfs")
	rootfsFiles(t, bundle, func(rel string, fi os.FileInfo) {
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

// listingDiff returns the lines only one listing has, "- " or "+ " before
// each: at most limit of them (all when limit < 0).
func listingDiff(a, b []string, limit int) []string {
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
	if limit >= 0 && len(out) > limit {
		out = append(out[:limit], fmt.Sprintf("… and %d more", len(out)-limit))
	}
	return out
}
