#!/usr/bin/env bash
# End-to-end tests drive the system's Chromium. Install Debian's package when it is missing.
set -euo pipefail
if node scripts/find-chromium.mjs >/dev/null; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "Chromium is missing and installing it needs root: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
      exit 1
    fi
  fi
  echo "Installing Chromium from apt…"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium found. Install Chromium or Google Chrome, or set CHROMIUM_PATH to its executable." >&2
exit 1
