#!/usr/bin/env bash
# Starts the production build on a fresh database for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=production
export AUTH_SECRET="${E2E_AUTH_SECRET:-e2e-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz}"
export ENCRYPTION_KEY="${E2E_ENCRYPTION_KEY:-e2e-encryption-key-0123456789abcdefghijklmnopqrstuv}"
export AUTH_URL="http://127.0.0.1:${E2E_PORT:-3100}"
# Every e2e browser comes from 127.0.0.1: the per-IP login limit is tested in integration tests instead.
export AUTH_RATE_LIMIT_PER_MINUTE=1000
# Likewise the per-account limit: the stories sign the same accounts in many times a minute.
export AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE=1000
# The suite's first admin signs in from a new browser in nearly every spec.
export AUTH_DEVICE_EMAILS_PER_HOUR=1000
# No email service: emails land in the dev mailbox, which the production build shows only with
# DEV_MAILBOX, and then only to loopback clients and admins. Production refuses to start without an
# email service unless EMAIL_DISABLED says so.
export EMAIL_DISABLED=true
export DEV_MAILBOX=true
# No proxy in front: `next start` itself writes the socket address into X-Forwarded-For (the browsers
# send none), so trusting that one entry makes the e2e browsers' address 127.0.0.1, i.e. loopback.
export TRUSTED_PROXY_HOPS=1
# Registration never makes the first account an admin in production: the e2e admin is named here.
export ADMIN_EMAIL=alice.admin@example.com
# The cron routes answer the specs that call them (reconciliation is run on demand, not on a timer).
export CRON_SECRET="${E2E_CRON_SECRET:-e2e-cron-secret-0123456789abcdef}"
if [ -n "${DATABASE_URL:-}" ]; then
  # Never the configured database itself: a scratch one beside it.
  case "$DATABASE_URL" in
    *127.0.0.1*|*localhost*) ;;
    *) echo "Refusing to run end-to-end tests against a non-local database." >&2; exit 1 ;;
  esac
  DATABASE_URL="$(node scripts/pg-db.mjs recreate "$DATABASE_URL" "${E2E_DB_NAME:-signalbridge_e2e}")"
  export DATABASE_URL
  npx tsx scripts/migrate.ts
else
  export PGLITE_DIR=.data/e2e-pglite
  rm -rf "$PGLITE_DIR"
fi

# The exchange simulator stands in for Binance: ccxt's real code talks to it over HTTP.
export SIMULATOR_PORT="${E2E_SIMULATOR_PORT:-3101}"
export EXCHANGE_API_OVERRIDE="http://127.0.0.1:${SIMULATOR_PORT}"
# Production refuses EXCHANGE_API_OVERRIDE unless told explicitly that this is a test run.
export ALLOW_EXCHANGE_OVERRIDE_IN_PRODUCTION=true
export OUTBOUND_IPS="203.0.113.10,203.0.113.11"
npx tsx scripts/simulator.ts &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT INT TERM
npx next start -H 127.0.0.1 -p "${E2E_PORT:-3100}"
