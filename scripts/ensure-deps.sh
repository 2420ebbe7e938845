#!/usr/bin/env bash
# Installs the workspace's npm packages when package-lock.json changed since the last install.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RELAYPRESS_ROOT"
stamp=node_modules/.relaypress-lock-hash
want="$( (cat package-lock.json 2>/dev/null; node --version) | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -d node_modules/better-sqlite3/build ]; then
  echo "relaypress: installing npm packages" >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error >&2
  else npm install --no-audit --no-fund --loglevel=error >&2; fi
  echo "$want" >"$stamp"
fi
