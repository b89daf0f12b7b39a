# The monokit frontend image: one static binary on scratch.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/monokit:1 --push .
#
# Where the golang image cannot be pulled (air-gapped, or behind a registry
# allow-list), either point it at a mirror with
#   --build-context golang:1.26=docker-image://<mirror>/golang:1.26
# or build the binaries on the host and package them without Go:
#   for a in amd64 arm64; do CGO_ENABLED=0 GOARCH=$a go build -trimpath -o bin/linux_$a/monokit ./cmd/monokit; done
#   docker buildx build --build-arg BINARY=prebuilt --platform linux/amd64,linux/arm64 ...

ARG GO_VERSION=1.26
ARG BINARY=build

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS TARGETARCH VERSION=dev
WORKDIR /src
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/monokit ./cmd/monokit

FROM scratch AS prebuilt
ARG TARGETOS TARGETARCH
COPY bin/${TARGETOS}_${TARGETARCH}/monokit /out/monokit

FROM ${BINARY} AS binary

FROM scratch AS release
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
LABEL org.opencontainers.image.title="monokit" \
      org.opencontainers.image.description="BuildKit frontend for pnpm monorepos"
COPY --from=binary /out/monokit /bin/monokit
ENTRYPOINT ["/bin/monokit", "frontend"]
