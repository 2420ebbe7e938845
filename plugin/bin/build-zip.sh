#!/usr/bin/env bash
# Builds the installable plugin: plugin/dist/relaypress.zip with one top folder, relaypress/,
# holding only what runs on a site (PHP, readme.txt, uninstall.php, languages/, build/).
# The admin app's build/ is not committed: it is built here (when its sources changed) first.
# Usage: plugin/bin/build-zip.sh [output.zip]
set -euo pipefail
PLUGIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$PLUGIN_ROOT/../scripts/build-admin.sh" >&2
[ -f "$PLUGIN_ROOT/relaypress/build/admin-app.js" ] || { echo "build-zip: the admin app did not build" >&2; exit 1; }
OUT="${1:-$PLUGIN_ROOT/dist/relaypress.zip}"
mkdir -p "$(dirname "$OUT")"
php "$PLUGIN_ROOT/bin/build-zip.php" "$PLUGIN_ROOT/relaypress" "$OUT"
echo "$OUT"
