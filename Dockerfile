# syntax=docker/dockerfile:1
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
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
# The same flags as `npm start`: V8 heap growth and pretenuring tuned for many short-lived
# requests (README, Performance).
CMD ["node", "--heap-growing-percent=50", "--no-allocation-site-pretenuring", "--min-semi-space-size=16", "dist/server.js"]
