#!/usr/bin/env bash
# Builds the admin app (plugin/admin-app) into plugin/relaypress/build/, unless the build
# there already comes from the same sources (a hash of them is kept in build/.source-hash,
# a dot-file the plugin zip leaves out). `--force` builds anyway.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RELAYPRESS_ROOT"
APP=plugin/admin-app
OUT=plugin/relaypress/build
source_hash() {
  { find "$APP/src" "$APP/webpack.config.cjs" "$APP/package.json" -type f -not -path '*/__tests__/*' -not -name '*.test.*' -print0 | sort -z | xargs -0 sha256sum
    sha256sum package-lock.json; node --version; } | sha256sum | cut -d' ' -f1
}
want="$(source_hash)"
if [ "${1:-}" != "--force" ] && [ -f "$OUT/admin-app.js" ] && [ "$(cat "$OUT/.source-hash" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
bash scripts/ensure-deps.sh
echo "relaypress: building the admin app" >&2
npm run --silent build -w @relaypress/admin-app >"${TMPDIR:-/tmp}/relaypress-admin-build.log" 2>&1 || {
  cat "${TMPDIR:-/tmp}/relaypress-admin-build.log" >&2
  exit 1
}
echo "$want" >"$OUT/.source-hash"
