# The baseline for hack/bench on this fixture: the Dockerfile pnpm documents for
# a monorepo (pnpm.io/docker: copy the repository, install with the store in a
# cache mount, build, pnpm deploy one app), with what this fixture needs.
# Adaptations, each because the documented lines cannot run here:
#  - the build image is the one monokit picks for .nvmrc's Node.js 24.4.0, with
#    the compilers and libpq's headers installed: the native modules compile
#    from source (their prebuilt binaries are GitHub downloads);
#  - npm_config_nodedir points node-gyp at Node.js's bundled headers instead of
#    a download from nodejs.org;
#  - pnpm installed with npm at the pinned version (corepack cannot verify
#    signatures against this registry), and deploy --legacy as pnpm 10 needs
#    without injected workspace packages;
#  - the runner is node:24-trixie-slim (the documented one reuses the build
#    image) with libpq5 installed, and runs as a non-root user added to
#    /etc/passwd directly.
# Build: buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=docker \
#   --opt filename=api.Dockerfile

FROM node:24.4.0-bookworm-slim AS base
ENV PNPM_HOME="/pnpm"
ENV PATH="$PNPM_HOME:$PATH"
ENV npm_config_nodedir=/usr/local
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ libpq-dev && rm -rf /var/lib/apt/lists/*
RUN npm install --global --no-fund --no-audit pnpm@10.34.9

FROM base AS build
COPY . /usr/src/app
WORKDIR /usr/src/app
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile
RUN pnpm run -r build
RUN pnpm deploy --filter=@native/api --prod --legacy /prod/api

FROM node:24-trixie-slim AS runner
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
RUN echo "app:x:1001:" >>/etc/group && \
    echo "app:x:1001:1001::/prod/api:/sbin/nologin" >>/etc/passwd
COPY --from=build --chown=app:app /prod/api /prod/api
WORKDIR /prod/api
USER app
EXPOSE 4107
CMD ["node", "server.js"]
