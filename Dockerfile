# One image for every role: PAIDSYNC_ROLE picks api, worker or all.
# Node 24 LTS (Node 20 reached its end of life in April 2026).
FROM node:24-bookworm-slim
WORKDIR /app
RUN npm install --global pnpm@12
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml codegen.ts ./
COPY server/package.json server/
COPY web/package.json web/
COPY examples/package.json examples/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm run build
# the application files stay root's; the process runs as the image's unprivileged `node` user and
# may write only its data directory (embedded database, generated secret, DMP files)
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
# plain node on the compiled server: no TypeScript at run time, and signals reach the server itself.
# A larger young generation: a sync allocates short-lived rows in 10,000-row batches, and with V8's
# default semi-space they outlived scavenges and were collected again as old objects (README, Performance)
CMD ["node", "--max-semi-space-size=32", "server/dist/main.js"]
