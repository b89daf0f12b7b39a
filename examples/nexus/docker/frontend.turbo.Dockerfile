# hack/bench's "turbo" tool: Turborepo's documented Docker recipe (its "Docker"
# guide: `turbo prune <app> --docker` in a pruner stage, install from out/json,
# then out/full and `turbo run build`, a runner of Next.js's standalone output)
# adapted to this example, stage for stage.
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
#    root would hold (the same as backend.turbo.Dockerfile's), so prune carries
#    it into out/full. It declares NODE_ENV and NEXT_TELEMETRY_DISABLED: turbo's
#    strict environment mode drops undeclared variables from the tasks'
#    environment;
#  - tsconfig.base.json, which every package's tsconfig extends, is copied from
#    the context: turbo prune copies the packages and the workspace's root
#    manifests only;
#  - the install mounts the pnpm store as a cache, with the baseline's flags;
#  - the user is added to /etc/passwd directly (the image's busybox has no
#    adduser); busybox wget for the HEALTHCHECK, as the baseline.
# The runner is the recipe's: the standalone server, its static assets and the
# app's public/ (which the baseline's runner leaves out).
# Build: buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=docker \
#   --opt filename=frontend.turbo.Dockerfile --opt target=runner

# Stage 1: base
FROM node:24-trixie-slim AS base
ENV PNPM_HOME="/pnpm"
ENV PATH="$PNPM_HOME:$PATH"
RUN npm install --global --no-fund --no-audit pnpm@10.34.9
RUN npm install --global --no-fund --no-audit turbo@2.11.13
ENV TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
WORKDIR /app

# Stage 2: a partial monorepo of the frontend and the packages it depends on
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
RUN turbo prune @nexus/frontend --docker

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
ENV NEXT_TELEMETRY_DISABLED=1
RUN turbo run build --filter=@nexus/frontend

# Stage 4: runtime
FROM node:24-trixie-slim AS runner
WORKDIR /app
RUN echo "nodejs:x:1001:" >>/etc/group && \
    echo "nextjs:x:1001:1001::/app:/sbin/nologin" >>/etc/passwd
COPY --from=installer --chown=nextjs:nodejs /app/apps/frontend/.next/standalone ./
COPY --from=installer --chown=nextjs:nodejs /app/apps/frontend/.next/static ./apps/frontend/.next/static
COPY --from=installer --chown=nextjs:nodejs /app/apps/frontend/public ./apps/frontend/public
USER nextjs
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
    CMD wget -q --spider http://localhost:3000/api/health || exit 1
CMD ["node", "apps/frontend/server.js"]
