# The monokit frontend image: one static binary on scratch.
#
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/monokit:1 --push .
#
# and the image static apps run on (monokit-serve on distroless/static), which
# plans name as docker.io/monokit/serve:1:
#
#   docker buildx build --target serve --platform linux/amd64,linux/arm64 -t <registry>/serve:1 --push .
#
# Where the golang image cannot be pulled (air-gapped, or behind a registry
# allow-list), either point it at a mirror with
#   --build-context golang:1.26=docker-image://<mirror>/golang:1.26
# or build the binaries on the host and package them without Go:
#   for a in amd64 arm64; do for c in monokit monokit-serve; do CGO_ENABLED=0 GOARCH=$a go build -trimpath -o bin/linux_$a/$c ./cmd/$c; done; done
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
    go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/ ./cmd/monokit ./cmd/monokit-serve

FROM scratch AS prebuilt
ARG TARGETOS TARGETARCH
COPY bin/${TARGETOS}_${TARGETARCH}/ /out/

FROM ${BINARY} AS binary

# Static single-page apps: one static server, no shell, no Node.js, nonroot.
FROM gcr.io/distroless/static-debian13:nonroot AS serve
LABEL org.opencontainers.image.title="monokit-serve" \
      org.opencontainers.image.description="Static file server with SPA fallback, the runtime of monokit's static apps"
COPY --from=binary /out/monokit-serve /monokit-serve
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/monokit-serve"]

FROM scratch AS release
LABEL moby.buildkit.frontend.network.none="true"
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"
LABEL org.opencontainers.image.title="monokit" \
      org.opencontainers.image.description="BuildKit frontend for pnpm monorepos"
COPY --from=binary /out/monokit /bin/monokit
ENTRYPOINT ["/bin/monokit", "frontend"]

