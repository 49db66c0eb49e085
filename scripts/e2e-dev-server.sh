#!/usr/bin/env bash
# Starts `next dev` (what a newcomer runs) on a fresh embedded database, with the exchange simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
# The newcomer's defaults: the embedded database (never the configured server's), migrated on start.
unset DATABASE_URL
export PGLITE_DIR=.data/e2e-dev-pglite
rm -rf "$PGLITE_DIR"
export AUTH_URL="http://127.0.0.1:${E2E_DEV_PORT:-3200}"
export AUTH_RATE_LIMIT_PER_MINUTE=1000
export AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE=1000
export SIMULATOR_PORT="${E2E_DEV_SIMULATOR_PORT:-3201}"
export EXCHANGE_API_OVERRIDE="http://127.0.0.1:${SIMULATOR_PORT}"
export OUTBOUND_IPS="203.0.113.10"
npx tsx scripts/simulator.ts &
SIM_PID=$!
trap 'kill $SIM_PID 2>/dev/null || true' EXIT INT TERM
npx next dev -H 127.0.0.1 -p "${E2E_DEV_PORT:-3200}"
