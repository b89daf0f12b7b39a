package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/monokit/monokit/solver/plan"
)

// fontMockDir is the stand-in's directory in the app's directory of the
// extracted repository (the build stage of the app has that directory); it
// is removed after the build. It holds the mock module and a tsconfig.json
// of its own: Turbopack compiles the mock under the nearest tsconfig.json,
// and an app's usually extends a workspace package that context cannot
// resolve (karakeep, homarr).
const fontMockDir = ".monokit-google-fonts"

// googleFontMocks writes, for an app whose Next.js build fetches Google
// Fonts stylesheets (a.GoogleFonts), a module answering each URL with one
// @font-face per family, which next/font reads when
// NEXT_FONT_GOOGLE_MOCKED_RESPONSES names it. webpack's loader then takes
// the font file URLs for the files' contents; Turbopack fetches them, so
// they point at a server on loopback (the build's RUN steps share the
// host's network: hack/start runs buildkitd with --oci-worker-net=host)
// that answers every path with a few bytes. It returns that build
// environment and what stops the server and removes the files.
func googleFontMocks(repoDir string, a app) (map[string]string, func(), error) {
	if len(a.GoogleFonts) == 0 {
		return nil, func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "font/woff2")
		w.Write([]byte("wOF2 monokit stand-in"))
	})}
	go srv.Serve(ln)
	answers := map[string]string{}
	for _, u := range a.GoogleFonts {
		parsed, err := url.Parse(u)
		if err != nil {
			srv.Close()
			return nil, nil, fmt.Errorf("googleFonts: %q: %v", u, err)
		}
		var css strings.Builder
		for _, fam := range parsed.Query()["family"] {
			name, _, _ := strings.Cut(fam, ":")
			fmt.Fprintf(&css, "@font-face {\n  font-family: '%s';\n  font-style: normal;\n  font-weight: 100 900;\n  font-display: swap;\n  src: url(http://%s/s/monokit-stand-in/%s.woff2) format('woff2');\n}\n",
				strings.ReplaceAll(name, "'", ""), ln.Addr(), url.PathEscape(name))
		}
		answers[u] = css.String()
	}
	data, err := json.Marshal(answers)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	dir := filepath.Join(repoDir, filepath.FromSlash(a.Dir), fontMockDir)
	cleanup := func() { srv.Close(); os.RemoveAll(dir) }
	files := map[string][]byte{
		"mock.cjs":      append([]byte("module.exports = "), append(data, ";\n"...)...),
		"tsconfig.json": []byte("{}\n"),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		cleanup()
		return nil, nil, err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	env := map[string]string{"NEXT_FONT_GOOGLE_MOCKED_RESPONSES": path.Join(plan.BuildRoot, a.Dir, fontMockDir, "mock.cjs")}
	return env, cleanup, nil
}
