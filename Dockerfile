# syntax=docker/dockerfile:1
# Production image: Next.js standalone output (`node server.js`), run as a non-root user.
#   docker build -t signalbridge .
# docker-compose.yml runs it with PostgreSQL, Redis (behind an Upstash-compatible REST proxy), a one-shot
# migration (`node scripts/migrate.mjs`) and a scheduler for the cron routes. Fonts come from the `geist`
# package: nothing is fetched from the internet at build time beyond `npm ci`.

ARG NODE_VERSION=20-bookworm-slim

FROM node:${NODE_VERSION} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:${NODE_VERSION} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npx next build

FROM node:${NODE_VERSION} AS runner
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
# The standalone server with the node_modules files it traced, then the static assets it does not copy.
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
# The migration entry, plain Node: the SQL files and the complete driver packages it loads (the traced
# copies above hold only what the server itself imports).
COPY --from=build --chown=node:node /app/db/migrations ./db/migrations
COPY --from=build --chown=node:node /app/scripts/migrate.mjs ./scripts/migrate.mjs
COPY --from=deps --chown=node:node /app/node_modules/drizzle-orm ./node_modules/drizzle-orm
COPY --from=deps --chown=node:node /app/node_modules/postgres ./node_modules/postgres
COPY --from=deps --chown=node:node /app/node_modules/@electric-sql/pglite ./node_modules/@electric-sql/pglite
# Only used without DATABASE_URL (the embedded PGlite database): mount a volume here to keep it.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME ["/app/.data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server.js"]
