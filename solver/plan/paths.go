package plan

// BuildRoot is where the workspace lives in build stages; AppRoot is where the
// production tree lives in the runtime image.
const (
	BuildRoot = "/repo"
	PruneRoot = "/prune"
	// TreeMount is where a stage that writes the production tree mounts its
	// result, so the tree is never copied out of a build filesystem: the tree is
	// TreeDir while the stage runs, PruneRoot in its result. (pnpm deploy
	// removes its target directory, so that cannot be the mount point itself.)
	TreeMount = "/out"
	TreeDir   = TreeMount + PruneRoot
	// LibsRoot is where the native stage's result holds the shared libraries
	// its addons link that the runtime image lacks, at the paths they take in
	// the runtime image (LibsDir while it runs).
	LibsRoot = "/libs"
	LibsDir  = TreeMount + LibsRoot
	// OverlayMount is where the workspace stage writes the files it adds to
	// the production tree (which it reads at ShippedTreeDir), at their paths in
	// it under PruneRoot (OverlayDir while it runs): the runtime lays them on
	// as a layer of their own, so editing a workspace package leaves the
	// tree's layer as it was.
	OverlayMount = "/monokit/overlay"
	OverlayDir   = OverlayMount + PruneRoot
	// LayerMount is where the workspace stage sees the runtime image's
	// dependencies layer (Mount.Layer), read-only: the production tree is
	// ShippedTreeDir in it, as the image ships it.
	LayerMount     = "/monokit/layer"
	ShippedTreeDir = LayerMount + AppRoot
	// RuntimeImageMount is where the native stage sees the runtime image,
	// read-only, to tell which libraries it already has.
	RuntimeImageMount = "/monokit/runtime"
	// CollectMount is where an app's Run also copies the files it ships that
	// may not exist (its package.json files entries, Next.js's public/). Later
	// stages copy the mount's content instead of copying those paths from the
	// build filesystem: a copy that tolerates a missing path is a wildcard copy,
	// and BuildKit checksums a wildcard's source by walking the whole build
	// filesystem, node_modules included, on every rebuild of the app.
	CollectMount = "/monokit/collect"
	AppRoot      = "/app"
	// TraceMount is where the trace stage writes the files it keeps, in a
	// directory per layer (TracedDependencies, TracedWorkspace) at their
	// paths under AppRoot; TraceTree is where it sees the untraced image's
	// layers merged (the tree is TraceTree+AppRoot), and TraceLayers where
	// it sees them one by one, to tell which held a file.
	TraceMount         = "/monokit/traced"
	TracedDependencies = "/dependencies"
	TracedWorkspace    = "/workspace"
	TraceTree          = "/monokit/tree"
	TraceLayers        = "/monokit/layers"
	// FetchRoot is where a stage sees the files BuildKit downloaded for it
	// (a Mount's URL), each in a directory of its own.
	FetchRoot = "/monokit/fetch"
	StoreDir  = "/pnpm/store"
	CacheDir  = "/root/.cache/pnpm"
	// GenerateMarker is touched before setup steps and generate: commands
	// run; GeneratedOut is where a build's exec keeps what they wrote (and
	// its package.json when its build rewrote it), at their absolute paths,
	// and GeneratedMount where the workspace stage sees each build's.
	GenerateMarker = "/tmp/monokit-generate.start"
	GeneratedOut   = "/monokit/generate-out"
	GeneratedMount = "/monokit/generated"
	// ManifestBefore is a package's package.json as its build found it.
	ManifestBefore = "/tmp/monokit-package.json"
)
