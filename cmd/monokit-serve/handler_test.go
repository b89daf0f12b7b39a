package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// site writes a built SPA, and a secret beside it that nothing may serve.
func site(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "dist")
	files := map[string]string{
		"index.html":                  "<html>app</html>",
		"assets/index-BXk3a9Qz.js":    "console.log(1)",
		"assets/index-BXk3a9Qz.js.gz": "gzipped",
		"robots.txt":                  "User-agent: *",
		"docs/index.html":             "<html>docs</html>",
		".env":                        "SECRET=1",
		".well-known/security.txt":    "Contact: x",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(base, "secret"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret", filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServeSPA(t *testing.T) {
	h, err := newHandler(site(t), true)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cases := []struct {
		method, target string
		hdr            []string
		code           int
		body, ctype    string
		cache          string
	}{
		{"GET", "/", nil, 200, "<html>app</html>", "text/html", "no-cache"},
		{"GET", "/users/42/edit", nil, 200, "<html>app</html>", "text/html", "no-cache"},
		{"GET", "/report.pdf", []string{"Accept", "text/html,*/*"}, 200, "<html>app</html>", "text/html", "no-cache"},
		{"GET", "/assets/index-BXk3a9Qz.js", nil, 200, "console.log(1)", "text/javascript", "immutable"},
		{"GET", "/assets/index-BXk3a9Qz.js", []string{"Accept-Encoding", "gzip, br;q=0"}, 200, "gzipped", "text/javascript", "immutable"},
		{"GET", "/assets/gone-AAbb1234.js", nil, 404, "404 page not found", "", ""},
		{"GET", "/robots.txt", nil, 200, "User-agent: *", "text/plain", "no-cache"},
		{"GET", "/docs/", nil, 200, "<html>docs</html>", "text/html", ""},
		{"GET", "/docs", nil, 301, "", "", ""},
		{"GET", "/.env", nil, 404, "404 page not found", "", ""},
		{"GET", "/.env.txt", nil, 404, "404 page not found", "", ""},
		{"GET", "/.well-known/security.txt", nil, 200, "Contact: x", "", ""},
		{"GET", "/../secret", nil, 200, "<html>app</html>", "", ""},
		{"GET", "/escape", nil, 200, "<html>app</html>", "", ""},
		{"GET", "/assets/", nil, 200, "<html>app</html>", "", ""},
		{"POST", "/", nil, 405, "method not allowed", "", ""},
		{"HEAD", "/", nil, 200, "", "text/html", ""},
	}
	for _, c := range cases {
		w := get(t, h, c.method, c.target, c.hdr...)
		body := strings.TrimSpace(w.Body.String())
		if w.Code != c.code || (c.body != "" && body != c.body) {
			t.Errorf("%s %s %v: %d %q, want %d %q", c.method, c.target, c.hdr, w.Code, body, c.code, c.body)
		}
		if got := w.Header().Get("Content-Type"); c.ctype != "" && !strings.HasPrefix(got, c.ctype) {
			t.Errorf("%s %s: Content-Type %q, want %s", c.method, c.target, got, c.ctype)
		}
		if got := w.Header().Get("Cache-Control"); c.cache != "" && !strings.Contains(got, c.cache) {
			t.Errorf("%s %s: Cache-Control %q, want %s", c.method, c.target, got, c.cache)
		}
		if strings.Contains(body, "SECRET") || strings.Contains(body, "outside") {
			t.Errorf("%s %s served %q", c.method, c.target, body)
		}
	}
}

func TestServeRevalidates(t *testing.T) {
	h, err := newHandler(site(t), true)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	w := get(t, h, "GET", "/robots.txt")
	tag := w.Header().Get("ETag")
	if tag == "" || w.Header().Get("Last-Modified") != "" {
		t.Fatalf("ETag %q, Last-Modified %q: want a content ETag and no mtime", tag, w.Header().Get("Last-Modified"))
	}
	if w := get(t, h, "GET", "/robots.txt", "If-None-Match", tag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag answered %d, want 304", w.Code)
	}
	if w := get(t, h, "GET", "/robots.txt", "If-None-Match", `"other"`); w.Code != http.StatusOK {
		t.Errorf("If-None-Match with another tag answered %d, want 200", w.Code)
	}
}

func TestServeWithoutSPA(t *testing.T) {
	h, err := newHandler(site(t), false)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if w := get(t, h, "GET", "/users/42"); w.Code != http.StatusNotFound {
		t.Errorf("a page that is not a file answered %d without --spa, want 404", w.Code)
	}
	if _, err := newHandler(t.TempDir(), true); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Errorf("--spa on a directory without index.html: %v, want an error naming index.html", err)
	}
}

func TestProbe(t *testing.T) {
	h, err := newHandler(site(t), false)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	var out strings.Builder
	if code := probe([]string{srv.URL + "/robots.txt"}, &out); code != 0 {
		t.Errorf("probe of a file: %d %s", code, out.String())
	}
	if code := probe([]string{srv.URL + "/missing"}, &out); code != 1 || !strings.Contains(out.String(), "404") {
		t.Errorf("probe of a missing page: %d %q, want 1 and the status", code, out.String())
	}
	if code := probe(nil, &out); code != 2 {
		t.Errorf("probe without a URL: %d, want 2", code)
	}
}

func TestCacheControl(t *testing.T) {
	for name, want := range map[string]string{
		"assets/index-BXk3a9Qz.js":    "public, max-age=31536000, immutable",
		"static/js/main.1a2b3c4d.js":  "public, max-age=31536000, immutable",
		"assets/my-long-component.js": "no-cache",
		"index.html":                  "no-cache",
		"favicon.ico":                 "no-cache",
	} {
		if got := cacheControl(name); got != want {
			t.Errorf("cacheControl(%q) = %q, want %q", name, got, want)
		}
	}
}
