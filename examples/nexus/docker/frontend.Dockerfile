# The baseline for hack/bench: the seed's apps/frontend/Dockerfile
# (shared/seed/containerization-summary.md) adapted to this example, stage for stage.
# Adaptations, each because the seed's line cannot run here:
#  - node:24-trixie-slim instead of node:20-alpine (the images monokit uses too;
#    no Alpine packages can be fetched, so apk steps and tini are dropped);
#  - pnpm installed with npm at the pinned version: corepack cannot verify
#    signatures against this registry;
#  - the user is added to /etc/passwd directly (the image's busybox has no
#    adduser); busybox wget for the HEALTHCHECK.
# Build: buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=docker \
#   --opt filename=frontend.Dockerfile

# Stage 1: base
FROM node:24-trixie-slim AS base
ENV PNPM_HOME="/pnpm"
ENV PATH="$PNPM_HOME:$PATH"
RUN npm install --global --no-fund --no-audit pnpm@10.34.9
WORKDIR /app

# Stage 2: dependencies (every package.json, frozen install, store cache mount)
FROM base AS deps
COPY pnpm-workspace.yaml package.json pnpm-lock.yaml ./
COPY packages/shared-types/package.json packages/shared-types/
COPY packages/shared-utils/package.json packages/shared-utils/
COPY packages/shared-database/package.json packages/shared-database/
COPY packages/ui/package.json packages/ui/
COPY apps/frontend/package.json apps/frontend/
COPY services/backend/package.json services/backend/
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline

# Stage 3: shared packages, built in sequence
FROM deps AS shared-builder
COPY tsconfig.base.json ./
COPY packages/ ./packages/
RUN pnpm --filter "@nexus/shared-types" build
RUN pnpm --filter "@nexus/shared-utils" build
RUN pnpm --filter "@nexus/ui" build

# Stage 4: application
FROM shared-builder AS builder
COPY apps/frontend ./apps/frontend
ENV NODE_ENV=production
ENV NEXT_TELEMETRY_DISABLED=1
RUN pnpm --filter "@nexus/frontend" build

# Stage 5: runtime
FROM node:24-trixie-slim AS runner
WORKDIR /app
RUN echo "nodejs:x:1001:" >>/etc/group && \
    echo "nextjs:x:1001:1001::/app:/sbin/nologin" >>/etc/passwd
COPY --from=builder --chown=nextjs:nodejs /app/apps/frontend/.next/standalone ./
COPY --from=builder --chown=nextjs:nodejs /app/apps/frontend/.next/static ./apps/frontend/.next/static
USER nextjs
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
    CMD wget -q --spider http://localhost:3000/api/health || exit 1
CMD ["node", "apps/frontend/server.js"]
