#!/usr/bin/env bash
# Every test: types, lint, unit and integration (Vitest), then the production build driven by Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -n "${DATABASE_URL:-}" ]; then
  echo "Database for tests: PostgreSQL server from DATABASE_URL (scratch databases are created and dropped)"
else
  echo "Database for tests: embedded PGlite (set DATABASE_URL to use a PostgreSQL server)"
fi

step "typecheck"
npx tsc --noEmit

step "lint"
npx eslint .

step "compose file (validated without an engine)"
bash scripts/check-compose.sh

step "unit and integration tests"
npx vitest run

step "production build"
npx next build
node scripts/check-ccxt-trace.mjs

step "standalone server (what the Docker image runs) on the test database and Redis"
bash scripts/check-standalone.sh

step "end-to-end tests (Chromium)"
bash scripts/ensure-chromium.sh
npx playwright test

step "end-to-end under the development server (Chromium)"
npx playwright test -c playwright.dev.config.ts
