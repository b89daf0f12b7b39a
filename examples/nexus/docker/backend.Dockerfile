# The baseline for hack/bench: the seed's services/backend/Dockerfile
# (shared/seed/containerization-summary.md) adapted to this example, stage for stage.
# Adaptations, each because the seed's line cannot run here:
#  - node:24-trixie-slim instead of node:20-alpine (the images monokit uses too;
#    no Alpine packages can be fetched, so apk steps and tini are dropped);
#  - pnpm installed with npm at the pinned version: corepack cannot verify
#    signatures against this registry;
#  - the production-deps stage gets every package.json and the runner copies the
#    whole production tree: the seed's copies of root node_modules alone do not
#    start (pnpm links each project's dependencies under its own node_modules);
#  - the user is added to /etc/passwd directly (the image's busybox has no
#    adduser); busybox wget for the HEALTHCHECK (no curl).
# Build: buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=docker \
#   --opt filename=backend.Dockerfile

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
RUN pnpm --filter "@nexus/shared-database" build

# Stage 4: application (code generation first, as the seed's db:generate)
FROM shared-builder AS builder
COPY services/backend ./services/backend
ENV NODE_ENV=production
RUN cd services/backend && pnpm db:generate
RUN pnpm --filter "@nexus/backend" build

# Stage 5: production dependencies
FROM base AS prod-deps
COPY pnpm-workspace.yaml package.json pnpm-lock.yaml ./
COPY packages/shared-types/package.json packages/shared-types/
COPY packages/shared-utils/package.json packages/shared-utils/
COPY packages/shared-database/package.json packages/shared-database/
COPY packages/ui/package.json packages/ui/
COPY apps/frontend/package.json apps/frontend/
COPY services/backend/package.json services/backend/
COPY --from=shared-builder /app/packages/shared-types/dist ./packages/shared-types/dist
COPY --from=shared-builder /app/packages/shared-utils/dist ./packages/shared-utils/dist
COPY --from=shared-builder /app/packages/shared-database/dist ./packages/shared-database/dist
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline --prod

# Stage 6: runtime
FROM node:24-trixie-slim AS runner
WORKDIR /app
RUN echo "nodejs:x:1001:" >>/etc/group && \
    echo "nestjs:x:1001:1001::/app:/sbin/nologin" >>/etc/passwd
COPY --from=prod-deps --chown=nestjs:nodejs /app ./
COPY --from=builder --chown=nestjs:nodejs /app/services/backend/dist ./services/backend/dist
USER nestjs
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD wget -q --spider http://localhost:3001/health/live || exit 1
CMD ["node", "services/backend/dist/main.js"]
