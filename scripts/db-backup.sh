#!/usr/bin/env bash
# `npm run db:backup [-- FILE]`            pg_dump -Fc of DATABASE_URL (default .data/backups/<time>.dump)
# `npm run db:restore -- FILE [--yes]`     pg_restore of FILE into DATABASE_URL, replacing what is there
#
# A backup holds exchange API keys, 2FA secrets and signal keys encrypted under ENCRYPTION_KEY (and any
# ENCRYPTION_KEYS_PREVIOUS): keep the key with the backup, apart from it. Without its key a backup's
# secrets cannot be read; the key without the backup opens every secret in whatever copy leaks.
set -euo pipefail

die() {
  echo "db-$MODE: $*" >&2
  exit 1
}

MODE="${1:-}"
shift || true
case "$MODE" in
  backup | restore) ;;
  *) echo "usage: bash scripts/db-backup.sh backup [FILE] | restore FILE [--yes]" >&2; exit 2 ;;
esac

if [ -z "${DATABASE_URL:-}" ]; then
  die "DATABASE_URL is not set. With the embedded PGlite database there is no server to dump: stop the app and copy its data folder (PGLITE_DIR, default .data/pglite) instead, e.g. \`cp -a .data/pglite backup-pglite\`; restore by copying it back while the app is stopped."
fi
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) die "DATABASE_URL must be a postgres:// or postgresql:// connection URL" ;;
esac

need() {
  command -v "$1" >/dev/null 2>&1 ||
    die "$1 was not found. Install the PostgreSQL client tools of your server's major version or newer (Debian/Ubuntu: \`apt-get install postgresql-client\`; macOS: \`brew install libpq\`), or run this inside the postgres container: \`docker compose exec postgres $1 ...\`."
}

if [ "$MODE" = backup ]; then
  need pg_dump
  FILE="${1:-.data/backups/signalbridge-$(date -u +%Y%m%d-%H%M%S).dump}"
  mkdir -p "$(dirname "$FILE")"
  # Written beside the target and moved into place, so a failed dump never leaves a truncated backup.
  pg_dump --format=custom --no-owner --no-privileges --file="$FILE.partial" --dbname="$DATABASE_URL" ||
    { rm -f "$FILE.partial"; die "pg_dump failed (see its message above)"; }
  mv "$FILE.partial" "$FILE"
  chmod 600 "$FILE"
  echo "Backup written to $FILE ($(wc -c <"$FILE" | tr -d ' ') bytes)."
  echo "It is useless without ENCRYPTION_KEY (and ENCRYPTION_KEYS_PREVIOUS, if set): keep the key safe, and stored apart from the backup."
  exit 0
fi

need pg_restore
FILE="${1:-}"
YES="${2:-}"
[ -n "$FILE" ] || die "name the backup to restore: npm run db:restore -- FILE"
[ -f "$FILE" ] || die "no such file: $FILE"
pg_restore --list "$FILE" >/dev/null 2>&1 || die "$FILE is not a pg_dump custom-format backup (made by npm run db:backup)"
if [ "$YES" != "--yes" ]; then
  [ -t 0 ] || die "restoring replaces every table in the database; pass --yes to confirm: npm run db:restore -- $FILE --yes"
  printf 'Restoring %s replaces every table in the database named by DATABASE_URL. Type "restore" to go on: ' "$FILE"
  read -r answer
  [ "$answer" = restore ] || die "cancelled"
fi
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$FILE" ||
  die "pg_restore failed (see its message above); with --single-transaction nothing was changed"
echo "Restored $FILE. The app needs the ENCRYPTION_KEY the backup was made under to read the exchange keys in it."
