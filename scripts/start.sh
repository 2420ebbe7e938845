#!/usr/bin/env bash
# `npm start`: the relay on its embedded SQLite default. Installs what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$RELAYPRESS_ROOT/scripts/ensure-deps.sh"
cd "$RELAYPRESS_ROOT"
# V8's young generation grows to 64 MB under a steady stream of short-lived objects (one
# set per message); capped at 2 × 8 MB the relay stays under 250 MB at full load for a few
# per cent of throughput (bench/README.md). The Dockerfile and the bench use the same flag.
exec node --max-semi-space-size=8 relay-service/bin/relaypress-relay.js start "$@"
