# syntax=docker/dockerfile:1.7
# Koppla's worker image: `koppla serve` (schedules, webhooks, /healthz /readyz /metrics, admin API and
# admin page). Build: docker build -t koppla:0.1.0 .   Run: see docker-compose.yml and docs/operations.md.

# --- build: every dependency, the admin page built once, the sources type-checked ----------------------
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Vite is a development dependency: the page is built here, with the stamp the runtime checks
RUN npx tsx -e "import('./runtime/admin-ui/build-ui.ts').then((m) => m.ensureAdminUiBuilt({ quiet: true }))" \
 && npx tsc --noEmit \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf test examples scripts/bench .ci

# --- runtime: production dependencies and sources only, as an unprivileged user --------------------------
FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KOPPLA_HOST=0.0.0.0 \
    KOPPLA_PORT=8080 \
    KOPPLA_LOG_LEVEL=info
WORKDIR /app
# owned by root, run by the node image's `node` user (uid 1000): the code is not writable at run time;
# tsx caches its compiled sources in the OS temp dir (a tmpfs in docker-compose.yml)
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /etc/koppla
USER node
EXPOSE 8080
# liveness: the HTTP server answers; readiness (MongoDB reachable) is /readyz, for load balancers
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KOPPLA_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains: running jobs finish (up to KOPPLA_SHUTDOWN_TIMEOUT), then the process exits
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "runtime/cli/bin.js"]
CMD ["serve", "-c", "/etc/koppla/koppla.yaml"]
