package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/monokit/monokit/solver/plan"
)

// fontMockFile is the stand-in's name in the app's directory of the
// extracted repository (the build stage of the app has that directory); it
// is removed after the build.
const fontMockFile = ".monokit-google-fonts.cjs"

// googleFontMocks writes, for an app whose Next.js build fetches Google
// Fonts stylesheets (a.GoogleFonts), a module answering each URL with one
// @font-face per family, which next/font reads when
// NEXT_FONT_GOOGLE_MOCKED_RESPONSES names it (it then takes the font
// file URLs for the files' contents). It returns that build environment and
// what removes the file.
func googleFontMocks(repoDir string, a app) (map[string]string, func(), error) {
	if len(a.GoogleFonts) == 0 {
		return nil, func() {}, nil
	}
	answers := map[string]string{}
	for _, u := range a.GoogleFonts {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, nil, fmt.Errorf("googleFonts: %q: %v", u, err)
		}
		var css strings.Builder
		for _, fam := range parsed.Query()["family"] {
			name, _, _ := strings.Cut(fam, ":")
			fmt.Fprintf(&css, "@font-face {\n  font-family: '%s';\n  font-style: normal;\n  font-weight: 100 900;\n  font-display: swap;\n  src: url(https://fonts.gstatic.com/s/monokit-stand-in/%s.woff2) format('woff2');\n}\n",
				strings.ReplaceAll(name, "'", ""), url.PathEscape(name))
		}
		answers[u] = css.String()
	}
	data, err := json.Marshal(answers)
	if err != nil {
		return nil, nil, err
	}
	file := filepath.Join(repoDir, filepath.FromSlash(a.Dir), fontMockFile)
	if err := os.WriteFile(file, append([]byte("module.exports = "), append(data, ";\n"...)...), 0o644); err != nil {
		return nil, nil, err
	}
	env := map[string]string{"NEXT_FONT_GOOGLE_MOCKED_RESPONSES": path.Join(plan.BuildRoot, a.Dir, fontMockFile)}
	return env, func() { os.Remove(file) }, nil
}
