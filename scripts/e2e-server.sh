#!/usr/bin/env bash
# Starts the production build on a fresh database for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=production
export AUTH_SECRET="${E2E_AUTH_SECRET:-e2e-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz}"
export ENCRYPTION_KEY="${E2E_ENCRYPTION_KEY:-e2e-encryption-key-0123456789abcdefghijklmnopqrstuv}"
export AUTH_URL="http://127.0.0.1:${E2E_PORT:-3100}"
if [ -n "${DATABASE_URL:-}" ]; then
  # Never the configured database itself: a scratch one beside it.
  case "$DATABASE_URL" in
    *127.0.0.1*|*localhost*) ;;
    *) echo "Refusing to run end-to-end tests against a non-local database." >&2; exit 1 ;;
  esac
  DATABASE_URL="$(node scripts/pg-db.mjs recreate "$DATABASE_URL" signalbridge_e2e)"
  export DATABASE_URL
  npx tsx db/migrate.ts
else
  export PGLITE_DIR=.data/e2e-pglite
  rm -rf "$PGLITE_DIR"
fi
exec npx next start -H 127.0.0.1 -p "${E2E_PORT:-3100}"
