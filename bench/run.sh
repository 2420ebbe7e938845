#!/usr/bin/env bash
# npm run bench: installs what the comparison needs (Debian packages, when root and missing),
# then runs the orchestrator (bench/bench.mjs) on Node >= 22.19. Settings: see bench/README.md.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../scripts/env.sh"

# Postfix (relay under comparison, smtp-source/smtp-sink), OpenDKIM (the milter signer) and
# python3-dkim (checks one signed message per system), installed without starting any service.
# Without root the Postfix comparison may be skipped.
ensure_packages() {
  bash "$RELAYPRESS_ROOT/scripts/ensure-system-packages.sh" opendkim opendkim-tools ||
    echo "bench: could not install the Debian packages; continuing with what is there" >&2
}
[ "${BENCH_SKIP_APT:-0}" = 1 ] || ensure_packages

# The relay's dependencies (better-sqlite3 is native) must be installed for this Node.
[ -d "$RELAYPRESS_ROOT/node_modules/better-sqlite3" ] || bash "$RELAYPRESS_ROOT/scripts/ensure-deps.sh"

exec node "$BENCH_DIR/bench.mjs" "$@"
