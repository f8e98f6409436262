# syntax=docker/dockerfile:1
# Node 24.18.1, not the newest 24: see PRODUCTION_NODE in .ci/run (better-sqlite3 12 aborts on 24.19+).
FROM node:24.18.1-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24.18.1-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATABASE_URL=file:/data/store.db
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The committed migrations, one folder per dialect (drizzle/sqlite/, ...), applied at start-up.
COPY drizzle ./drizzle
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# As `npm start` runs it: no V8 tuning flags without a bench figure behind them.
CMD ["node", "dist/server.js"]
