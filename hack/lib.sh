# Shared settings of the hack/ scripts. Source it; override any of these from the
# environment.
set -eu -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# State that outlives a run: tools, downloads, BuildKit's cache, registry blobs.
STATE=${MONOKIT_STATE:-/var/lib/monokit-dev}
BIN=$STATE/bin
RUN=$STATE/run
REGISTRY_PORT=${MONOKIT_REGISTRY_PORT:-5047}
REGISTRY=127.0.0.1:$REGISTRY_PORT
BUILDKIT_SOCK=$RUN/buildkitd.sock
export BUILDKIT_HOST=${BUILDKIT_HOST:-unix://$BUILDKIT_SOCK}
# The frontend image built from this checkout, served by the loopback registry
# under the name the example manifest's "# syntax=" line uses.
FRONTEND_REF=${MONOKIT_FRONTEND_REF:-docker.io/monokit/monokit:1}
# The Node.js release the test base images carry (the npm registry serves it).
NODE_VERSION=${MONOKIT_NODE_VERSION:-24.21.0}
NPM_VERSION=${MONOKIT_NPM_VERSION:-11.6.2}
# What hack/up sets up: "demo" only what hack/demo uses (the host's
# architecture, no test tools); "full" (default) everything the tests need.
SETUP=${MONOKIT_SETUP:-full}
# The docker buildx builder hack/builder points at buildkitd.
BUILDER=${MONOKIT_BUILDX_BUILDER:-monokit}
export NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
export PATH=$BIN:$PATH

mkdir -p "$STATE" "$BIN" "$RUN"

log() { printf '\033[1m[monokit hack]\033[0m %s\n' "$*" >&2; }

# alive NAME: whether the process whose pid is in $RUN/NAME.pid is alive.
alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# running NAME: whether the process whose pid is in $RUN/NAME.pid is alive and is
# still ours (a pid file can outlive its process, and the pid be reused).
running() {
	local pid
	alive "$1" || return 1
	pid=$(cat "$RUN/$1.pid")
	grep -qa "$1" "/proc/$pid/cmdline"
}
