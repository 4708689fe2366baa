# syntax=docker/dockerfile:1

# Build stage: every dependency, then the TypeScript build into dist/.
FROM node:22-slim AS build
WORKDIR /app
# .npmrc: legacy-peer-deps, which the lock was made with (a test-only
# devDependency's peer, aws-cdk-lib, is left out); npm ci refuses it otherwise.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and dist/ only, run as a non-root user.
FROM node:22-slim AS runtime
ENV NODE_ENV=production API_ADAPTER_PORT=8080
WORKDIR /app
# uid/gid 10001, as the Helm chart's securityContext expects. HOME is /tmp,
# the one writable path under the chart's read-only root filesystem.
# tini as PID 1 forwards SIGTERM to node and reaps the MCP stdio servers'
# processes, which would otherwise linger as zombies.
RUN apt-get update && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 gateway \
  && useradd --system --uid 10001 --gid gateway --home-dir /tmp \
    --no-create-home --shell /usr/sbin/nologin gateway
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# OpenAI's schemas, merged into the served OpenAPI document at run time.
COPY openapi/openai-schemas.json ./openapi/
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# AsyncLocalStorage (each request's log context) on frames instead of a hook
# on every promise: a fifth less CPU a non-streamed request on Node 22
# (bench/RESULTS.md, session 11 notes). Node 24's default; Node 22's flag.
CMD ["node", "--experimental-async-context-frame", "dist/main.js"]
