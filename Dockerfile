# Parley: one image for the scheduler, the workers and the simulator (the command picks the role).
# The build context is kept small by .dockerignore (a test measures it: under 20 MB).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY scripts ./scripts
COPY tsconfig.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev && npm cache clean --force
COPY seeds ./seeds
COPY jobs ./jobs
# Parley runs as the image's unprivileged `node` user (uid 1000); only the folders it writes
# belong to it. docker-compose.yml can map another uid (PARLEY_UID) for bind-mounted releases.
RUN mkdir -p /app/releases /app/data && chown node:node /app/releases
ENV NODE_ENV=production \
    PARLEY_HEARTBEAT_FILE=/tmp/parley-heartbeat
USER node
ENTRYPOINT ["node", "dist/parley.mjs"]
CMD ["--help"]
