#!/usr/bin/env bash
# After `next build`: boots exactly what the Docker image runs. The standalone output is laid out as the
# Dockerfile lays it out (static assets, db/migrations, scripts/migrate.mjs and the complete driver
# packages), the plain-Node migration runs against a scratch database (PostgreSQL beside DATABASE_URL,
# or PGlite without it), then `node server.js` starts on a free port with Redis behind the Upstash REST
# bridge (when Redis answers). Checks /api/health, one page, one static asset and one cron pass; stops.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
STANDALONE="$ROOT/.next/standalone"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/check-standalone.XXXXXX")"
LOG="$WORK/server.log"
SERVER_PID=""
BRIDGE_PID=""
SCRATCH_DB="signalbridge_standalone_check"
SERVER_URL=""

fail() {
  echo "check-standalone: FAILED: $*" >&2
  if [ -s "$LOG" ]; then
    echo "---- standalone server log ($LOG) ----" >&2
    tail -n 200 "$LOG" >&2
    echo "---- end of server log ----" >&2
  fi
  exit 1
}

cleanup() {
  set +e
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  # The bridge runs in its own process group (npx, then tsx, then node): the whole group goes.
  if [ -n "$BRIDGE_PID" ]; then kill -- "-$BRIDGE_PID" 2>/dev/null || kill "$BRIDGE_PID" 2>/dev/null; wait "$BRIDGE_PID" 2>/dev/null; fi
  if [ -n "$SERVER_URL" ]; then node scripts/pg-db.mjs drop "$SERVER_URL" "$SCRATCH_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
  return 0
}
trap cleanup EXIT INT TERM

[ -f "$STANDALONE/server.js" ] || fail ".next/standalone/server.js is missing: run \`next build\` first (next.config.mjs sets output: \"standalone\")"

# --- the image's layout (Dockerfile, runner stage) ------------------------------------------------------
rm -rf "$STANDALONE/.next/static" "$STANDALONE/db/migrations"
mkdir -p "$STANDALONE/.next" "$STANDALONE/db" "$STANDALONE/scripts" "$STANDALONE/node_modules/@electric-sql"
cp -R .next/static "$STANDALONE/.next/static"
[ -d public ] && rm -rf "$STANDALONE/public" && cp -R public "$STANDALONE/public"
cp -R db/migrations "$STANDALONE/db/migrations"
cp scripts/migrate.mjs "$STANDALONE/scripts/migrate.mjs"
for pkg in drizzle-orm postgres @electric-sql/pglite; do
  rm -rf "$STANDALONE/node_modules/$pkg"
  cp -R "node_modules/$pkg" "$STANDALONE/node_modules/$pkg"
done

# --- environment, as docker-compose.yml gives it --------------------------------------------------------
export NODE_ENV=production
export NEXT_TELEMETRY_DISABLED=1
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export PORT HOSTNAME=127.0.0.1
export APP_URL="http://127.0.0.1:$PORT"
export AUTH_SECRET="standalone-check-auth-secret-0123456789abcdef"
export ENCRYPTION_KEY="standalone-check-encryption-key-0123456789ab"
export CRON_SECRET="standalone-check-cron-secret-0123456789"
export TRUSTED_PROXY_HOPS=1
export EMAIL_DISABLED=true
unset EXCHANGE_API_OVERRIDE RESEND_API_KEY UPSTASH_REDIS_REST_URL UPSTASH_REDIS_REST_TOKEN
if [ -n "${DATABASE_URL:-}" ]; then
  ORIGINAL_DATABASE_URL="$DATABASE_URL"
  case "$DATABASE_URL" in
    *127.0.0.1*|*localhost*) ;;
    *) fail "refusing to create a scratch database beside a non-local DATABASE_URL" ;;
  esac
  DATABASE_URL="$(node scripts/pg-db.mjs recreate "$DATABASE_URL" "$SCRATCH_DB")" || fail "could not create the scratch database"
  SERVER_URL="$ORIGINAL_DATABASE_URL"
  export DATABASE_URL
  DB_LABEL="PostgreSQL (scratch database $SCRATCH_DB)"
else
  export PGLITE_DIR="$WORK/pglite"
  DB_LABEL="PGlite ($PGLITE_DIR)"
fi

REDIS="${REDIS_URL:-redis://127.0.0.1:6379}"
REDIS_HOSTPORT="${REDIS#redis://}"; REDIS_HOSTPORT="${REDIS_HOSTPORT%%/*}"
if (exec 3<>"/dev/tcp/${REDIS_HOSTPORT%%:*}/${REDIS_HOSTPORT##*:}") 2>/dev/null; then
  setsid npx tsx tests/helpers/upstash-bridge-cli.ts "$REDIS" 12 >"$WORK/bridge.out" 2>"$WORK/bridge.err" &
  BRIDGE_PID=$!
  for _ in $(seq 1 100); do [ -s "$WORK/bridge.out" ] && break; sleep 0.1; done
  [ -s "$WORK/bridge.out" ] || { cat "$WORK/bridge.err" >&2; fail "the Upstash REST bridge to $REDIS did not start"; }
  UPSTASH_REDIS_REST_URL="$(node -e 'console.log(JSON.parse(process.argv[1]).url)' "$(head -n1 "$WORK/bridge.out")")"
  UPSTASH_REDIS_REST_TOKEN="$(node -e 'console.log(JSON.parse(process.argv[1]).token)' "$(head -n1 "$WORK/bridge.out")")"
  export UPSTASH_REDIS_REST_URL UPSTASH_REDIS_REST_TOKEN
  REDIS_LABEL="Redis at $REDIS through the Upstash REST bridge"
else
  REDIS_LABEL="no Redis (queue and limits in the database)"
fi
echo "check-standalone: database $DB_LABEL; $REDIS_LABEL"

# --- the migration step, then the server ------------------------------------------------------------------
STARTED=$(date +%s)
(cd "$STANDALONE" && node scripts/migrate.mjs) || fail "node scripts/migrate.mjs failed"

(cd "$STANDALONE" && exec node server.js) >"$LOG" 2>&1 &
SERVER_PID=$!

health=""
for _ in $(seq 1 120); do
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the standalone server exited during startup"
  health="$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/api/health" 2>/dev/null || true)"
  case "$health" in *'"status":"ok"'*) break ;; esac
  sleep 0.25
done
case "$health" in *'"status":"ok"'*) ;; *) fail "/api/health never answered ok (last answer: ${health:-none})" ;; esac
echo "check-standalone: /api/health $health"

page="$(curl -sS --max-time 20 -w '\n%{http_code}' "http://127.0.0.1:$PORT/login")" || fail "GET /login failed"
code="${page##*$'\n'}"
[ "$code" = "200" ] || fail "GET /login answered $code"
case "$page" in *"<html"*) ;; *) fail "GET /login is not an HTML page" ;; esac
asset="$(printf '%s' "$page" | grep -o '/_next/static/[^"]*\.js' | head -n1)"
[ -n "$asset" ] || fail "GET /login names no /_next/static script"
code="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$asset")"
[ "$code" = "200" ] || fail "static asset $asset answered $code (is .next/static copied beside server.js?)"
echo "check-standalone: GET /login 200, $asset 200"

cron="$(curl -sS --max-time 30 -w '\n%{http_code}' -H "Authorization: Bearer $CRON_SECRET" "http://127.0.0.1:$PORT/api/cron/drain")" || fail "GET /api/cron/drain failed"
code="${cron##*$'\n'}"
[ "$code" = "200" ] || fail "GET /api/cron/drain answered $code: ${cron%$'\n'*}"
code="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/cron/drain")"
[ "$code" = "401" ] || fail "GET /api/cron/drain without the bearer token answered $code, not 401"
echo "check-standalone: GET /api/cron/drain with CRON_SECRET 200 (${cron%$'\n'*}), without it 401"

kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
echo "check-standalone: ok in $(( $(date +%s) - STARTED )) s after the build (migrate, boot, health, page, asset, cron)"
