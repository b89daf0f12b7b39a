package testkit

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
)

// Pkg describes a package of a Workspace: its directory, name and workspace
// dependencies (their directories), and whether it has a build.
type Pkg struct {
	Dir, Name string
	Deps      []string
	Build     bool
}

// Workspace is a pnpm workspace in memory: it writes package.json files and a v9 lockfile whose importers link the
// given dependencies, the way pnpm writes them.
func Workspace(globs string, pkgs ...Pkg) fstest.MapFS {
	fsys := fstest.MapFS{
		"package.json":        {Data: []byte(`{"name":"root","private":true,"packageManager":"pnpm@10.18.0"}`)},
		"pnpm-workspace.yaml": {Data: []byte(globs)},
	}
	byDir := map[string]Pkg{}
	for _, p := range pkgs {
		byDir[p.Dir] = p
	}
	var lock strings.Builder
	lock.WriteString("lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  .: {}\n")
	for _, p := range pkgs {
		deps := map[string]string{}
		lock.WriteString(fmt.Sprintf("\n  %s:\n", p.Dir))
		if len(p.Deps) > 0 {
			lock.WriteString("    dependencies:\n")
		}
		for _, d := range p.Deps {
			name := byDir[d].Name
			deps[name] = "workspace:*"
			rel := strings.Repeat("../", strings.Count(p.Dir, "/")+1) + d
			lock.WriteString(fmt.Sprintf("      '%s':\n        specifier: workspace:*\n        version: link:%s\n", name, rel))
		}
		scripts := ""
		if p.Build {
			scripts = `,"scripts":{"build":"tsc"},"main":"dist/index.js"`
		}
		var depJSON []string
		for _, k := range slices.Sorted(maps.Keys(deps)) {
			depJSON = append(depJSON, fmt.Sprintf("%q:%q", k, deps[k]))
		}
		fsys[p.Dir+"/package.json"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`{"name":%q,"version":"1.0.0","dependencies":{%s}%s}`, p.Name, strings.Join(depJSON, ","), scripts))}
	}
	fsys["pnpm-lock.yaml"] = &fstest.MapFile{Data: []byte(lock.String())}
	return fsys
}

// ListingFS records the directories read of its MapFS.
type ListingFS struct {
	fstest.MapFS
	Mu     *sync.Mutex
	Listed map[string]bool
}

func (f ListingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.Mu.Lock()
	f.Listed[name] = true
	f.Mu.Unlock()
	return f.MapFS.ReadDir(name)
}
