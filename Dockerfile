# One image for every role: PAIDSYNC_ROLE picks api, worker or all.
FROM node:20-bookworm-slim
WORKDIR /app
RUN npm install --global pnpm@12
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml codegen.ts ./
COPY server/package.json server/
COPY web/package.json web/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm run build
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
# plain node on the compiled server: no TypeScript at run time, and signals reach the server itself
CMD ["node", "server/dist/main.js"]
