#!/usr/bin/env bash
# Builds the installable plugin: plugin/dist/relaypress.zip with one top folder, relaypress/,
# holding only what runs on a site (PHP, readme.txt, uninstall.php, languages/, build/).
# Usage: plugin/bin/build-zip.sh [output.zip]
set -euo pipefail
PLUGIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$PLUGIN_ROOT/dist/relaypress.zip}"
mkdir -p "$(dirname "$OUT")"
php "$PLUGIN_ROOT/bin/build-zip.php" "$PLUGIN_ROOT/relaypress" "$OUT"
echo "$OUT"
