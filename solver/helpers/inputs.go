package helpers

// SelectInput is what select-platform.js reads: the target's libc, the pnpm
// store, the production packages ("name@version"), those among them with
// platform-specific optional dependencies, and those dependencies.
type SelectInput struct {
	Libc     string   `json:"libc"`
	StoreDir string   `json:"storeDir"`
	Prod     []string `json:"prod"`
	Parents  []string `json:"parents"`
	// Platform are the parents' platform-specific packages for every
	// platform, pinned as the lockfile records them: the script fetches the
	// target's exactly, checking their integrity.
	Platform []PinnedPackage `json:"platform"`
	// Entries are each production package's virtual store entries
	// (node_modules/.pnpm/<entry>), as pnpm names them: the tree's entries
	// that are none of these are not production packages.
	Entries map[string][]string `json:"entries"`
}

// PinnedPackage is a package as the lockfile pins it, and the packages
// (name@version) that depend on it: pnpm.PinnedPackage, as the script reads it.
type PinnedPackage struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	OS         []string `json:"os,omitempty"`
	CPU        []string `json:"cpu,omitempty"`
	Libc       []string `json:"libc,omitempty"`
	Integrity  string   `json:"integrity"`
	Tarball    string   `json:"tarball,omitempty"`
	Dependents []string `json:"dependents"`
	// Entry is the virtual store entry pnpm gives the package.
	Entry string `json:"entry"`
	// Fetched is where BuildKit put its tarball (checked against Integrity
	// all the same), when it fetched it; else npm fetches it, with the
	// repository's .npmrc and secrets.
	Fetched string `json:"fetched,omitempty"`
}

// CollectInput is what generated.js collect reads: the file touched before
// the commands ran, the tree they wrote into, where their files go (at their
// absolute paths), and the paths under Root left out (the stage's build
// outputs, which its build writes after).
type CollectInput struct {
	Since string   `json:"since"`
	Root  string   `json:"root"`
	Dest  string   `json:"dest"`
	Skip  []string `json:"skip,omitempty"`
}

// MetadataInput is what metadata.js reads: the package.json files (relative
// to Root) to take lifecycle scripts out of before the install, and which;
// and the lines of pnpm settings to comment out (use-node-version: the
// image's Node.js is that version, which pnpm would download again).
type MetadataInput struct {
	Root      string            `json:"root"`
	Manifests []ManifestScripts `json:"manifests"`
	Settings  []FileLine        `json:"settings,omitempty"`
}

// FileLine is a line (from 1) of a file relative to the root.
type FileLine struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// ManifestScripts are the scripts to remove from one package.json.
type ManifestScripts struct {
	File   string   `json:"file"`
	Remove []string `json:"remove"`
}

// GeneratedInput is what generated.js place reads: where the files generate:
// wrote are (mirroring the repository root), the deployed tree, the workspace
// packages the tree holds, and the app's directory (its files reach the image
// through its build, not the tree).
type GeneratedInput struct {
	// Generated are where collect wrote, each for the repository root, in
	// the order the stages ran: a later one's file wins.
	Generated []string `json:"generated"`
	Tree      string   `json:"tree"`
	// Out is where the files go, at their paths in Tree.
	Out      string             `json:"out"`
	Packages []WorkspacePackage `json:"packages"`
	App      string             `json:"app"`
	// Entries are each production package's virtual store entries, as
	// pnpm names them: a file generate: wrote into node_modules/.pnpm/<entry>
	// belongs to that package.
	Entries map[string][]string `json:"entries"`
}

// WorkspacePackage is a workspace package: its name and directory relative
// to the repository root.
type WorkspacePackage struct {
	Name string `json:"name"`
	Dir  string `json:"dir"`
	// StoreName and StorePath are Name and Dir as pnpm writes them in the
	// names of the package's virtual store entries (pnpm.WorkspaceEntry).
	StoreName string `json:"storeName"`
	StorePath string `json:"storePath"`
	// Manifest says the package's build rewrites its package.json (an
	// output), so the production tree takes the built one.
	Manifest bool `json:"manifest,omitempty"`
}

// WorkspaceInput is what workspace.js reads: the deployed tree, the
// repository root in the build, where npm-packlist is, and the workspace
// packages of the production closure (the app's own files come from its
// build).
type WorkspaceInput struct {
	Tree string `json:"tree"`
	// Out is where the files go, at their paths in Tree.
	Out      string             `json:"out"`
	Root     string             `json:"root"`
	Packlist string             `json:"packlist"`
	Packages []WorkspacePackage `json:"packages"`
	// Bins are the app's starts through a dependency's bin (at most one).
	Bins []BinLink `json:"bins,omitempty"`
}

// BinLink is a start through a dependency's bin (react-router-serve):
// workspace.js links Link, relative to the tree, to the file that bin names
// in the package.json of the first of Deps (the app's dependencies, as the
// tree holds them in node_modules) that has it, as pnpm links
// node_modules/.bin; node then runs that file, with no shell.
type BinLink struct {
	Name string   `json:"name"`
	Deps []string `json:"deps"`
	Link string   `json:"link"`
}

// NativeInput is what native-build.js reads: the packages whose install
// scripts run ("name@version"; none: every package with one) and those among
// the tree's packages whose failure is a warning. Then, for every addon
// (.node file) in the tree, the shared libraries it links that the image
// mounted at Runtime lacks are copied from the build image into Libs, at the
// path the runtime's loader searches.
type NativeInput struct {
	Packages []string `json:"packages"`
	Optional []string `json:"optional"`
	Libs     string   `json:"libs"`
	Runtime  string   `json:"runtime"`
	// Built is the install's virtual store (node_modules/.pnpm), where pnpm
	// already ran these scripts on the build platform. It exists only when
	// the stage starts from the install (Stage.OnBuildPlatform): each package
	// is then copied from there, as built, instead of built again.
	Built string `json:"built,omitempty"`
	// Ran says pnpm deploy already ran the scripts in the tree (pnpm before
	// 10.14): only the libraries are added.
	Ran bool `json:"ran,omitempty"`
	// Entries are the virtual store entries (node_modules/.pnpm/<entry>) pnpm
	// gives each of Packages: the only entries the script reads.
	Entries map[string][]string `json:"entries,omitempty"`
}

// TraceInput is what trace.js reads: the untraced production tree (Root:
// the dependencies, workspace and app layers merged), the workspace and app
// layers alone at Root's path in each, where the kept files go (Out, one
// directory per layer), where @vercel/nft is, and what node loads first.
type TraceInput struct {
	Root      string `json:"root"`
	Workspace string `json:"workspace"`
	App       string `json:"app"`
	Out       string `json:"out"`
	NFT       string `json:"nft"`
	// TypeScript is set when node runs TypeScript sources (tsx): trace.js
	// then strips their types with Esbuild (the transform tsx itself runs)
	// before the tracer reads them, and resolves what TypeScript's own
	// resolution finds (./util.js for util.ts, ./util for util.ts).
	TypeScript bool   `json:"typescript,omitempty"`
	Esbuild    string `json:"esbuild,omitempty"`
	// Entries are the files node runs (the start file), relative to Root;
	// Modules the modules it preloads (-r, --import), resolved from Root;
	// Files the files node reads itself (--env-file), kept as they are.
	Entries []string `json:"entries"`
	Modules []string `json:"modules,omitempty"`
	Files   []string `json:"files,omitempty"`
	// Include are the target's include: globs.
	Include []TraceGlob `json:"include,omitempty"`
}

// TraceGlob is an include: glob as trace.js matches it: Regexp, a
// JavaScript regular expression the planner built from the glob, tested
// against paths relative to Root under Base, the glob's directory without
// wildcards.
type TraceGlob struct {
	Glob   string `json:"glob"`
	Base   string `json:"base"`
	Regexp string `json:"regexp"`
}

// The helper scripts, where stages find them, and their inputs.
const (
	// NativeScript runs install scripts in the production tree (plan2llb writes it);
	// NativeData is its input, a NativeInput.
	NativeScript = "/usr/local/lib/monokit/native-build.js"
	NativeData   = "/usr/local/lib/monokit/native.json"
	// GeneratedScript collects what generate: commands wrote and lays it onto
	// the production tree; GeneratedData is the latter's input, a
	// GeneratedInput.
	GeneratedScript = "/usr/local/lib/monokit/generated.js"
	GeneratedData   = "/usr/local/lib/monokit/generated.json"
	// CollectData is generated.js collect's input, a CollectInput.
	CollectData = "/usr/local/lib/monokit/collect.json"
	// MetadataScript prepares the install's metadata: it takes workspace
	// projects' lifecycle scripts out of their package.json files, and
	// comments out pnpm settings monokit has acted on; MetadataData is its
	// input, a MetadataInput.
	MetadataScript = "/usr/local/lib/monokit/metadata.js"
	MetadataData   = "/usr/local/lib/monokit/metadata.json"
	// SelectScript fits a traced production tree to the target platform.
	SelectScript = "/usr/local/lib/monokit/select-platform.js"
	// StoreScript is what SelectScript and GeneratedScript share about pnpm's
	// virtual store; a stage that runs either has it beside them.
	StoreScript = "/usr/local/lib/monokit/pnpm-store.js"
	SelectData  = "/usr/local/lib/monokit/select.json"
	// WorkspaceScript lays the workspace packages' files onto the production
	// tree, as pnpm deploy would have copied them; WorkspaceData is its input,
	// a WorkspaceInput.
	WorkspaceScript = "/usr/local/lib/monokit/workspace.js"
	WorkspaceData   = "/usr/local/lib/monokit/workspace.json"
	// Packlist is npm-packlist, which pnpm 8 to 10 use to choose a
	// package's files when they deploy it; the toolchain installs
	// PacklistVersion globally for WorkspaceScript.
	Packlist        = "/usr/local/lib/node_modules/npm-packlist"
	PacklistVersion = "5.1.3"
	// TraceScript cuts the production tree down to what the app loads;
	// TraceData is its input, a TraceInput. NFT is @vercel/nft, which the
	// toolchain installs at NFTVersion for it when a target traces.
	TraceScript = "/usr/local/lib/monokit/trace.js"
	TraceData   = "/usr/local/lib/monokit/trace.json"
	NFT         = "/usr/local/lib/node_modules/@vercel/nft"
	NFTVersion  = "1.11.16"
	// Esbuild strips TypeScript's types for the tracer (nft parses
	// JavaScript only); the tracer stage installs it beside @vercel/nft.
	Esbuild        = "/usr/local/lib/node_modules/esbuild"
	EsbuildVersion = "0.28.2"
)
