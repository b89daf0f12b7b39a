# hack/bench's "turbo" tool: Turborepo's documented Docker recipe (its "Docker"
# guide: `turbo prune <app> --docker` in a pruner stage, install from out/json,
# then out/full and `turbo run build`) adapted to this example, stage for stage.
# Adaptations, each because the recipe's line cannot run here:
#  - node:24-trixie-slim instead of node:<v>-alpine, as the baseline (no Alpine
#    packages can be fetched, so the apk steps are dropped);
#  - pnpm installed with npm at the pinned version (corepack cannot verify
#    signatures against this registry), and turbo with npm at an exact version
#    once in the base stage: the recipe adds it globally in the pruner and
#    runs the repository's own turbo in the installer, but this example has no
#    turbo devDependency. Telemetry and the update check are off (only the npm
#    registry is reachable);
#  - this example is not a Turborepo: the pruner writes the turbo.json its
#    root would hold, so prune carries it into out/full. It has the recipe's
#    build task, `db:generate` (the seed's code generation) before the
#    backend's build as Turborepo's Prisma guide orders it, and declares
#    NODE_ENV and NEXT_TELEMETRY_DISABLED: turbo's strict environment mode
#    drops undeclared variables from the tasks' environment;
#  - tsconfig.base.json, which every package's tsconfig extends, is copied from
#    the context: turbo prune copies the packages and the workspace's root
#    manifests only;
#  - the install mounts the pnpm store as a cache, with the baseline's flags;
#  - the runtime copies the built packages and their production node_modules,
#    installed --prod from the same out/json (the recipe's api runner copies the
#    whole installer tree, dev dependencies included);
#  - the user is added to /etc/passwd directly (the image's busybox has no
#    adduser); busybox wget for the HEALTHCHECK (no curl).
# Build: buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=docker \
#   --opt filename=backend.turbo.Dockerfile --opt target=runner

# Stage 1: base
FROM node:24-trixie-slim AS base
ENV PNPM_HOME="/pnpm"
ENV PATH="$PNPM_HOME:$PATH"
RUN npm install --global --no-fund --no-audit pnpm@10.34.9
RUN npm install --global --no-fund --no-audit turbo@2.11.13
ENV TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
WORKDIR /app

# Stage 2: a partial monorepo of the backend and the packages it depends on
FROM base AS pruner
COPY . .
COPY <<'EOF' turbo.json
{
  "globalEnv": ["NODE_ENV", "NEXT_TELEMETRY_DISABLED"],
  "tasks": {
    "db:generate": { "cache": false },
    "build": {
      "dependsOn": ["^build", "db:generate"],
      "outputs": ["dist/**", ".next/**", "!.next/cache/**"]
    }
  }
}
EOF
RUN turbo prune @nexus/backend --docker

# Stage 3: install from the pruned manifests and lockfile, then build
# (turbo 2.11 writes the pruned lockfile into out/json as well as out/)
FROM base AS installer
COPY --from=pruner /app/out/json/ .
COPY --from=pruner /app/out/pnpm-lock.yaml ./pnpm-lock.yaml
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline
COPY --from=pruner /app/out/full/ .
COPY tsconfig.base.json ./
ENV NODE_ENV=production
RUN turbo run build --filter=@nexus/backend

# Stage 4: production dependencies of the same pruned workspace
FROM base AS prod-deps
COPY --from=pruner /app/out/json/ .
COPY --from=pruner /app/out/pnpm-lock.yaml ./pnpm-lock.yaml
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --prefer-offline --prod

# Stage 5: runtime
FROM node:24-trixie-slim AS runner
WORKDIR /app
RUN echo "nodejs:x:1001:" >>/etc/group && \
    echo "nestjs:x:1001:1001::/app:/sbin/nologin" >>/etc/passwd
COPY --from=prod-deps --chown=nestjs:nodejs /app ./
COPY --from=installer --chown=nestjs:nodejs /app/packages/shared-types/dist ./packages/shared-types/dist
COPY --from=installer --chown=nestjs:nodejs /app/packages/shared-utils/dist ./packages/shared-utils/dist
COPY --from=installer --chown=nestjs:nodejs /app/packages/shared-database/dist ./packages/shared-database/dist
COPY --from=installer --chown=nestjs:nodejs /app/services/backend/dist ./services/backend/dist
USER nestjs
EXPOSE 3001
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD wget -q --spider http://localhost:3001/health/live || exit 1
CMD ["node", "services/backend/dist/main.js"]
