# Parley: one image for the scheduler, the workers and the simulator (the command picks the role).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY scripts ./scripts
COPY tsconfig.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev
COPY seeds ./seeds
COPY jobs ./jobs
ENV NODE_ENV=production
ENTRYPOINT ["node", "dist/parley.mjs"]
CMD ["--help"]
