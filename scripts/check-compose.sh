#!/usr/bin/env bash
# Validates docker-compose.yml with a real compose implementation (no Docker engine needed). These machines
# have the Docker client without the compose plugin: Debian's docker-compose (1.29) is installed from apt then.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  if ! command -v docker-compose >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "No compose implementation found: install the Docker Compose plugin or docker-compose." >&2
      exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
      if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "docker-compose is missing and installing it needs root: run 'sudo apt-get install -y docker-compose'." >&2
        exit 1
      fi
    fi
    echo "Installing docker-compose from apt…"
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker-compose >/dev/null
  fi
  compose=(docker-compose)
fi

# Dummy values for the secrets the file requires (`${VAR:?}`); a clean environment, so neither the shell's
# variables nor a local .env stand in for them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/env" <<'VARS'
POSTGRES_PASSWORD=pg-password-for-config-check
SRH_TOKEN=srh-token-for-config-check
AUTH_SECRET=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ENCRYPTION_KEY=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
CRON_SECRET=cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc
TRUSTED_PROXY_HOPS=1
VARS

echo "$("${compose[@]}" version 2>/dev/null | head -1)"
env -i PATH="$PATH" HOME="${HOME:-$tmp}" ${DOCKER_CONFIG:+DOCKER_CONFIG="$DOCKER_CONFIG"} "${compose[@]}" --project-directory . -f docker-compose.yml --env-file "$tmp/env" config -q
echo "docker-compose.yml is valid"
