# imbridge: the compiled server on Node 20, run as the unprivileged `node` user (uid 1000).
#   docker build -t imbridge .
#   docker run -e IMBRIDGE_API_KEY="$(openssl rand -hex 16)" -p 8080:8080 -v imbridge-data:/data imbridge

# Build stage: the full toolchain (better-sqlite3 compiles from source when no prebuilt binary
# fits), the dev dependencies for tsc, then only the production dependencies kept.
FROM node:20.20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the one native module is rebuilt on its own.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY schemas ./schemas
COPY src ./src
COPY adapters ./adapters
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Run stage: no compiler, no TypeScript, no sources: node_modules, dist/ and the bin.
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production \
    IMBRIDGE_CONFIG=/etc/imbridge/config.yaml
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY docker/config.yaml /etc/imbridge/config.yaml
RUN mkdir /data && chown 1000:1000 /data
VOLUME /data
# 1000 is the `node` user of the official image; numeric, so that a runtime that checks for non-root can see it.
USER 1000:1000
EXPOSE 8080
# /healthz answers without an API key; node's own fetch, since the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1's command (no npm in between), so `docker stop` reaches the server's SIGTERM handler.
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
