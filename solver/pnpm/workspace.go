package pnpm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/monokit/monokit/internal/ctxfs"
	"github.com/monokit/monokit/internal/diag"
)

// Well-known files at the workspace root.
const (
	WorkspaceFile = "pnpm-workspace.yaml"
	LockFile      = "pnpm-lock.yaml"
	RootManifest  = "package.json"
)

// MetadataPatterns are the context paths the planner reads. The frontend fetches
// only these from the build context before planning.
var MetadataPatterns = []string{
	WorkspaceFile, LockFile, RootManifest, ".npmrc", ".pnpmfile.cjs", ".pnpmfile.mjs",
	".nvmrc", ".node-version", ".tool-versions", "**/package.json", "**/next.config.*", "**/vite.config.*", "**/angular.json", "**/*.patch",
	"turbo.json", "**/schema.prisma", "**/prisma.config.*", "**/tsconfig.json",
}

// MetadataExcludes keep dependency trees out of every transfer.
var MetadataExcludes = []string{"**/node_modules", "**/.git", "**/.next", "**/.turbo"}

// Package is one workspace project.
type Package struct {
	Name string
	Dir  string // relative to the root; "." for the root project
	JSON *PackageJSON
	// Deps are the workspace packages this one links to, from the lockfile.
	Deps []Edge
	// RealDir is the directory of the context that holds its files when
	// Dir is, or lies under, a symlink to it ("" otherwise): pnpm lists the
	// package at Dir, and the plan copies its files from RealDir.
	RealDir string
	// surrogate says Name holds a lone UTF-16 surrogate, as its JSON
	// escape (surrogates.go).
	surrogate bool
	// BadLinks are its lockfile links that no build can follow: out of the
	// build context, or to a package of another name. Building a target
	// whose closure holds the package fails on them; other targets build.
	BadLinks []error
}

// Edge is a workspace dependency.
type Edge struct {
	To   *Package
	Kind string // dependencies, devDependencies or optionalDependencies
	Pos  diag.Pos
}

// Source is the directory of the context that holds the package's files.
func (p *Package) Source() string {
	if p.RealDir != "" {
		return p.RealDir
	}
	return p.Dir
}

// Selector is how a manifest's package: names the package: its name, or,
// for a package without one, its path ("./dir"). --filter takes Filter.
func (p *Package) Selector() string {
	switch {
	case p.Name != "":
		return p.Name
	case p.Dir == ".":
		return "."
	}
	return "./" + p.Dir
}

// ID names a package in messages: its name, or its directory when it has none.
func (p *Package) ID() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Dir
}

// WorkspaceConfig is what monokit reads of pnpm-workspace.yaml.
type WorkspaceConfig struct {
	Packages                []string                     `yaml:"packages"`
	Catalog                 map[string]string            `yaml:"catalog"`
	Catalogs                map[string]map[string]string `yaml:"catalogs"`
	InjectWorkspacePackages bool                         `yaml:"injectWorkspacePackages"`
	PatchedDependencies     map[string]string            `yaml:"patchedDependencies"`
	// Which dependencies may run install scripts (pnpm 10+); allowBuilds values
	// are true, false or, in pnpm 11, a placeholder string for unreviewed ones.
	AllowBuilds               map[string]any `yaml:"allowBuilds"`
	OnlyBuiltDependencies     []string       `yaml:"onlyBuiltDependencies"`
	NeverBuiltDependencies    []string       `yaml:"neverBuiltDependencies"`
	DangerouslyAllowAllBuilds bool           `yaml:"dangerouslyAllowAllBuilds"`
	// Settings pnpm records in the lockfile and compares before a frozen install.
	Overrides                map[string]string `yaml:"overrides"`
	AutoInstallPeers         *bool             `yaml:"autoInstallPeers"`
	ExcludeLinksFromLockfile *bool             `yaml:"excludeLinksFromLockfile"`
	// VirtualStoreDirMaxLength names node_modules/.pnpm entries (StoreDirName).
	VirtualStoreDirMaxLength int `yaml:"virtualStoreDirMaxLength"`
	// EngineStrict makes pnpm refuse a Node.js outside engines.node.
	EngineStrict *bool `yaml:"engineStrict"`
	// UseNodeVersion is the Node.js pnpm 10 runs scripts with (and
	// downloads), as use-node-version in .npmrc.
	UseNodeVersion string `yaml:"useNodeVersion"`
	// NodeLinker is how pnpm lays out node_modules: isolated (the
	// default), hoisted or pnp; node-linker in .npmrc.
	NodeLinker string `yaml:"nodeLinker"`
}

// Workspace is a solved pnpm workspace.
type Workspace struct {
	Root     *Package
	Packages []*Package // every project but the root, sorted by directory
	Config   WorkspaceConfig
	Lockfile *Lockfile
	// Present lists the optional root files that exist (.npmrc, .pnpmfile.cjs, ...).
	Present map[string]bool
	// WorkspaceFileIsDir says pnpm-workspace.yaml is a directory: pnpm 9 and
	// 10 look for a file of that name, so for them there is no workspace
	// (pnpm 11 fails on it with EISDIR).
	WorkspaceFileIsDir bool
	byDir              map[string]*Package
	fsys               fs.FS
	config             *yaml.Node // pnpm-workspace.yaml, for positions
	// npmrc are the lines of the root .npmrc, read once: settings and
	// registries are looked up in it per package.
	npmrc []string
}

// Exists reports whether the file at rel (relative to the root) is in the
// metadata: only paths MetadataPatterns match are, so that the frontend,
// which has the metadata alone, and the CLI plan alike.
func (ws *Workspace) Exists(rel string) bool {
	st, err := fs.Stat(ws.fsys, rel)
	return err == nil && !st.IsDir()
}

// Load reads the workspace at the root of fsys.
func Load(fsys fs.FS) (*Workspace, error) {
	ws := &Workspace{Present: map[string]bool{}, byDir: map[string]*Package{}, fsys: fsys}
	for _, f := range []string{WorkspaceFile, LockFile, ".npmrc", ".pnpmfile.cjs", ".pnpmfile.mjs", ".nvmrc", ".node-version", ".tool-versions"} {
		st, err := fs.Stat(fsys, f)
		switch {
		case err == nil && !st.IsDir():
			ws.Present[f] = true
		case err == nil && f == WorkspaceFile:
			ws.WorkspaceFileIsDir = true
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			// There, but not to be read (a symlink out of the context):
			// never taken for absent.
			return nil, ctxfs.Explain(f, err)
		}
	}
	if ws.Present[".npmrc"] {
		if data, err := ctxfs.ReadFile(fsys, ".npmrc"); err == nil {
			ws.npmrc = strings.Split(string(data), "\n")
		}
	}
	root, err := readPackage(fsys, ".")
	if err != nil {
		return nil, err
	}
	ws.Root = root
	ws.byDir["."] = root
	if ws.Present[WorkspaceFile] {
		if err := ws.readConfig(); err != nil {
			return nil, err
		}
		if err := ws.discover(); err != nil {
			return nil, err
		}
	}
	if err := ws.checkPatches(); err != nil {
		return nil, err
	}
	if !ws.Present[LockFile] {
		return nil, diag.Errorf(diag.Pos{File: LockFile}, "pnpm-lock.yaml not found at the root of the build context: run pnpm install and commit the lockfile (monokit installs with --frozen-lockfile)")
	}
	data, err := ctxfs.ReadFile(fsys, LockFile)
	if err != nil {
		return nil, err
	}
	if ws.Lockfile, err = ParseLockfile(LockFile, data); err != nil {
		return nil, err
	}
	if err := ws.link(); err != nil {
		return nil, err
	}
	return ws, nil
}

func readPackage(fsys fs.FS, dir string) (*Package, error) {
	file := path.Join(dir, RootManifest)
	data, err := ctxfs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) && dir == "." {
		return nil, diag.Errorf(diag.Pos{File: file}, "package.json not found at the root of the build context: pass the monorepo root as the context (docker buildx build -f monokit.yaml <root>)")
	}
	if d := (*diag.Error)(nil); errors.As(err, &d) {
		return nil, err // it names the file
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	pj, err := parsePackageJSON(file, data)
	if err != nil {
		return nil, err
	}
	return &Package{Name: pj.Name, Dir: dir, JSON: pj, surrogate: pj.NameSurrogate}, nil
}

func (ws *Workspace) readConfig() error {
	data, err := ctxfs.ReadFile(ws.fsys, WorkspaceFile)
	if err != nil {
		return err
	}
	if data, err = diag.YAMLLineBreaks(WorkspaceFile, data); err != nil {
		return err // yaml.v3 and pnpm's js-yaml would disagree
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return diag.YAMLError(WorkspaceFile, data, err)
	}
	// pnpm reads a single document (js-yaml's load): a second is an error.
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		at := diag.Pos{File: WorkspaceFile, Line: second.Line, Col: second.Column}
		if err != nil || at.Line == 0 {
			at = diag.Pos{File: WorkspaceFile, Line: 1, Col: 1}
		}
		if emptyDocument(&doc) {
			// "---\n---\npackages: ...": the settings are in the second
			// document, and the first is nothing; removing "the second" would
			// remove them.
			return diag.Errorf(at, "%s starts with an empty YAML document (a '---' with nothing after it) and its settings are in a second one, which starts here: pnpm reads a single document and refuses the file (\"expected a single document in the stream, but found more\"); delete the first '---'", WorkspaceFile)
		}
		return diag.Errorf(at, "%s holds more than one YAML document, and a second starts here: pnpm reads a single one and refuses the file (\"expected a single document in the stream, but found more\"); remove this '---' and what follows it, or merge the two", WorkspaceFile)
	}
	if err := strictYAML(WorkspaceFile, &doc, true); err != nil {
		return err
	}
	if len(doc.Content) == 0 {
		return nil
	}
	ws.config = doc.Content[0]
	if err := doc.Content[0].Decode(&ws.Config); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return diag.YAMLTypeError(WorkspaceFile, doc.Content[0], te)
		}
		return diag.YAMLError(WorkspaceFile, data, err)
	}
	for _, g := range ws.Config.Packages {
		pat := strings.TrimPrefix(g, "!")
		if err := diag.ValidateRelPath(strings.TrimPrefix(pat, "./")); err != nil || !doublestar.ValidatePattern(pat) {
			return diag.Errorf(yamlPos(WorkspaceFile, doc.Content[0], g), "packages: %q is not a glob inside the workspace", g)
		}
	}
	return nil
}

// emptyDocument reports whether doc holds nothing: no node, or a null one
// ("---" followed by another "---").
func emptyDocument(doc *yaml.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// discover finds every directory with a package.json that the packages globs
// select, the way pnpm does: node_modules, bower_components (pnpm's
// find-packages ignores both) and hidden directories are never projects, and
// a negated glob removes matches wherever it appears in the list.
func (ws *Workspace) discover() error {
	var include, exclude []string
	for _, g := range ws.Config.Packages {
		if neg, ok := strings.CutPrefix(g, "!"); ok {
			exclude = append(exclude, cleanGlob(neg))
		} else {
			include = append(include, cleanGlob(g))
		}
	}
	// pnpm globs for "<pattern>/package.json"; matching the same way keeps "**"
	// meaning zero or more directories, as it does for pnpm.
	matches := func(dir string, globs []string) bool {
		for _, g := range globs {
			if ok, _ := doublestar.Match(g+"/"+RootManifest, dir+"/"+RootManifest); ok {
				return true
			}
		}
		return false
	}
	// Walk only where an include pattern can still match, and list each
	// directory once: its listing says whether it holds a package.json.
	// A symlink to a directory of the context is walked as one (see
	// symlinks.go); reals are the real directories the walk is in, and
	// realOf the real directory of each listed one reached through a link.
	var dirs []string
	realOf := map[string]string{}
	var walk func(dir string, reals []string) error
	walk = func(dir string, reals []string) error {
		entries, err := fs.ReadDir(ws.fsys, dir)
		if err != nil {
			return err
		}
		if dir != "." && slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == RootManifest && !e.IsDir() }) &&
			matches(dir, include) && !matches(dir, exclude) {
			dirs = append(dirs, dir)
			if real := reals[len(reals)-1]; real != dir {
				realOf[dir] = real
			}
		}
		for _, e := range entries {
			name := e.Name()
			if name == "node_modules" || name == "bower_components" || strings.HasPrefix(name, ".") {
				continue
			}
			sub := path.Join(dir, name)
			real := path.Join(reals[len(reals)-1], name)
			if !e.IsDir() {
				var ok bool
				if real, ok = symlinkedDir(ws.fsys, sub, e, reals); !ok {
					continue
				}
			}
			if !slices.ContainsFunc(include, func(g string) bool { return mayHoldMatches(g, sub) }) {
				continue
			}
			if err := walk(sub, append(reals[:len(reals):len(reals)], real)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(".", []string{"."}); err != nil {
		return err
	}
	// Read and parse the manifests concurrently: a large workspace has a
	// thousand, and most of the time is the file system's.
	pkgs := make([]*Package, len(dirs))
	errs := make([]error, len(dirs))
	var eg errgroup.Group
	eg.SetLimit(8)
	for i, dir := range dirs {
		eg.Go(func() error {
			pkgs[i], errs[i] = readPackage(ws.fsys, dir)
			return nil
		})
	}
	eg.Wait()
	for i, pkg := range pkgs {
		if errs[i] != nil {
			return errs[i] // the first in walk order, as if read one by one
		}
		pkg.RealDir = realOf[pkg.Dir]
		ws.Packages = append(ws.Packages, pkg)
		ws.byDir[pkg.Dir] = pkg
	}
	seen := map[string]*Package{}
	for _, p := range ws.Packages {
		if p.Name == "" {
			continue
		}
		// The same directory listed twice, through a symlink and as
		// itself, is one package to pnpm: it does not complain.
		if q := seen[p.Name]; q != nil && q.Source() != p.Source() {
			return diag.Errorf(p.JSON.Pos("name"), "package name %q is also used by %s: pnpm needs unique names in a workspace", p.Name, q.JSON.File)
		}
		seen[p.Name] = p
	}
	return nil
}

// mayHoldMatches reports whether directory dir, or one below it, can match
// glob g: each of dir's segments matches g's, and g goes on deeper, or
// reaches a "**". A glob with braces may hold a "/" in them, so it can match
// anywhere.
func mayHoldMatches(g, dir string) bool {
	if strings.Contains(g, "{") {
		return true
	}
	gs, ds := strings.Split(g, "/"), strings.Split(dir, "/")
	for i, d := range ds {
		if i >= len(gs) {
			return false
		}
		if gs[i] == "**" {
			return true
		}
		if ok, _ := doublestar.Match(gs[i], d); !ok {
			return false
		}
	}
	return true
}

func cleanGlob(g string) string {
	g = strings.TrimPrefix(g, "./")
	return strings.TrimSuffix(g, "/")
}

// ReadFile reads a file of the workspace, by its path from the root: a file
// the planner looks into beyond pnpm's own (next.config, .nvmrc).
func (ws *Workspace) ReadFile(name string) ([]byte, error) { return ctxfs.ReadFile(ws.fsys, name) }

// FS is the build context's tree the workspace was read from.
func (ws *Workspace) FS() fs.FS { return ws.fsys }

// Find returns the package named name or living in directory name.
func (ws *Workspace) Find(name string) *Package {
	dir := strings.TrimSuffix(strings.TrimPrefix(name, "./"), "/")
	if p := ws.byDir[dir]; p != nil {
		return p
	}
	for _, p := range ws.All() {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// ByDir is the project at dir (relative to the root), or nil.
func (ws *Workspace) ByDir(dir string) *Package { return ws.byDir[dir] }

// All returns the root followed by every other project.
func (ws *Workspace) All() []*Package { return append([]*Package{ws.Root}, ws.Packages...) }

// Names lists package names and directories, for "did you mean" hints.
func (ws *Workspace) Names() []string {
	var out []string
	for _, p := range ws.Packages {
		if p.Name != "" {
			out = append(out, p.Name)
		}
		out = append(out, p.Dir)
	}
	return out
}

// PatchFiles are the patch files pnpm applies, relative to the root; Load
// checked that each stays inside the build context.
func (ws *Workspace) PatchFiles() []string {
	var out []string
	for _, p := range ws.patches() {
		out = append(out, path.Clean(p.file))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type patchFile struct {
	file string
	pos  diag.Pos
}

// patches lists patchedDependencies from pnpm-workspace.yaml and from the root
// package.json's pnpm field (pnpm 9 and earlier), each with its position.
func (ws *Workspace) patches() []patchFile {
	var out []patchFile
	for _, key := range slices.Sorted(maps.Keys(ws.Config.PatchedDependencies)) {
		f := ws.Config.PatchedDependencies[key]
		out = append(out, patchFile{f, yamlPos(WorkspaceFile, ws.config, f)})
	}
	var legacy struct {
		PNPM struct {
			PatchedDependencies map[string]string `json:"patchedDependencies"`
		} `json:"pnpm"`
	}
	if unmarshalJSON(ws.Root.JSON.Data, &legacy) == nil {
		for _, key := range slices.Sorted(maps.Keys(legacy.PNPM.PatchedDependencies)) {
			out = append(out, patchFile{legacy.PNPM.PatchedDependencies[key], ws.Root.JSON.Pos("pnpm/patchedDependencies/" + key)})
		}
	}
	return out
}

// checkPatches refuses a patch file outside the build context: the install
// stage copies each one in.
func (ws *Workspace) checkPatches() error {
	var errs []error
	for _, p := range ws.patches() {
		if err := diag.ValidateRelPath(path.Clean(p.file)); err != nil {
			errs = append(errs, diag.Errorf(p.pos, "patchedDependencies: %v", err))
		} else if err := ctxfs.CheckInside(ws.fsys, path.Clean(p.file)); err != nil {
			// The install would read the link's target, off the context.
			errs = append(errs, diag.Errorf(p.pos, "patchedDependencies: %q %v", path.Clean(p.file), errors.Unwrap(err)))
		}
	}
	return errors.Join(errs...)
}

// yamlPos finds the position of the scalar value in a YAML tree, or the node's.
func yamlPos(file string, n *yaml.Node, value string) diag.Pos {
	var found *yaml.Node
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if found != nil {
			return
		}
		if n.Kind == yaml.ScalarNode && n.Value == value {
			found = n
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	if found == nil {
		found = n
	}
	return diag.Pos{File: file, Line: found.Line, Col: found.Column}
}

// ConfigPos is the position in pnpm-workspace.yaml of the deepest key of the
// path that exists ("catalogs", "legacy", "react"), or of the file's start.
func (ws *Workspace) ConfigPos(keys ...string) diag.Pos {
	at := diag.Pos{File: WorkspaceFile, Line: 1, Col: 1}
	n := ws.config
	for _, key := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				at, next = diag.Pos{File: WorkspaceFile, Line: n.Content[i].Line, Col: n.Content[i].Column}, n.Content[i+1]
				break
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return at
}
