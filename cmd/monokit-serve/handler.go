package main

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// handler serves the files under one directory. It opens them through
// os.Root, so neither ".." nor a symlink reaches outside it, lists no
// directories, and hides dotfiles (a stray .env in a build's output) except
// .well-known.
type handler struct {
	root *os.Root
	spa  bool

	mu    sync.Mutex
	etags map[string]string
}

func newHandler(dir string, spa bool) (*handler, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	h := &handler{root: r, spa: spa, etags: map[string]string{}}
	if spa {
		if _, err := h.file("index.html"); err != nil {
			r.Close()
			return nil, errors.New("--spa: " + dir + "/index.html: " + err.Error())
		}
	}
	return h, nil
}

func (h *handler) Close() error { return h.root.Close() }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	p := path.Clean("/" + r.URL.Path)
	name := strings.TrimPrefix(p, "/")
	if hidden(name) {
		h.notFound(w, r, name)
		return
	}
	if name == "" {
		name = "."
	}
	fi, err := h.root.Stat(name)
	if err == nil && fi.IsDir() {
		index := path.Join(name, "index.html")
		if _, err := h.file(index); err != nil {
			h.notFound(w, r, name)
			return
		}
		// Relative links in a directory's index.html resolve against
		// the URL: give it its trailing slash, as http.FileServer does.
		if p != "/" && !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
		h.serve(w, r, index)
		return
	}
	if err != nil || !fi.Mode().IsRegular() {
		h.notFound(w, r, name)
		return
	}
	h.serve(w, r, name)
}

// notFound answers index.html for a page when serving a single-page app, so
// its router can take the path; a missing asset stays a 404, so a stale
// chunk fails as a missing script, not as HTML.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, name string) {
	if h.spa && isPage(r, name) {
		h.serve(w, r, "index.html")
		return
	}
	if _, err := h.file("404.html"); err == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotFound)
		if r.Method == http.MethodGet {
			if f, err := h.root.Open("404.html"); err == nil {
				_, _ = io.Copy(w, f)
				f.Close()
			}
		}
		return
	}
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// isPage: the last path segment has no extension, or the client asks for HTML.
func isPage(r *http.Request, name string) bool {
	return !strings.Contains(path.Base(name), ".") || strings.Contains(r.Header.Get("Accept"), "text/html")
}

// hidden reports a path with a segment that starts with a dot, except
// .well-known (RFC 8615).
func hidden(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") && seg != ".well-known" {
			return true
		}
	}
	return false
}

// encodings are the precompressed siblings a build may write (vite-plugin-
// compression, Angular), best first.
var encodings = []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

func (h *handler) serve(w http.ResponseWriter, r *http.Request, name string) {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.Header().Set("Cache-Control", cacheControl(name))
	file := name
	for _, e := range encodings {
		if _, err := h.file(name + e.ext); err == nil {
			w.Header().Add("Vary", "Accept-Encoding")
			if accepts(r.Header.Get("Accept-Encoding"), e.token) {
				file = name + e.ext
				w.Header().Set("Content-Encoding", e.token)
				break
			}
		}
	}
	f, err := h.root.Open(file)
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	defer f.Close()
	tag, err := h.etag(file, f)
	if err != nil {
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("ETag", tag)
	// No Last-Modified: image layers carry one fixed mtime, so a redeploy
	// would not change it; the ETag is the content's.
	http.ServeContent(w, r, name, zeroTime, f)
}

// zeroTime makes ServeContent send no Last-Modified.
var zeroTime time.Time

// file stats a regular file under the root.
func (h *handler) file(name string) (fs.FileInfo, error) {
	fi, err := h.root.Stat(name)
	if err == nil && !fi.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	return fi, err
}

// etag is a strong validator from the file's content, computed once: the
// files of an image do not change while it runs.
func (h *handler) etag(name string, f *os.File) (string, error) {
	h.mu.Lock()
	tag, ok := h.etags[name]
	h.mu.Unlock()
	if ok {
		return tag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag = `"` + base64.RawURLEncoding.EncodeToString(sum.Sum(nil)[:12]) + `"`
	h.mu.Lock()
	h.etags[name] = tag
	h.mu.Unlock()
	return tag, nil
}

// hashedName matches a file name with a content hash in it, as bundlers
// write them (Vite's index-BXk3a9Qz.js, CRA's main.1a2b3c4d.js).
var hashedName = regexp.MustCompile(`[.-]([0-9A-Za-z_-]{8,})\.[0-9A-Za-z]+$`)

// cacheControl: a file whose name holds a content hash never changes; any
// other file, HTML above all, is revalidated on each use.
func cacheControl(name string) string {
	if m := hashedName.FindStringSubmatch(path.Base(name)); m != nil && looksHashed(m[1]) {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache"
}

// looksHashed: a hash mixes digits or cases, which a word does not.
func looksHashed(s string) bool {
	var digit, upper, lower bool
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		}
	}
	return digit || (upper && lower)
}

// accepts reports whether an Accept-Encoding header allows token (q=0 refuses).
func accepts(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
