#!/usr/bin/env bash
# `npm start`: the relay on its embedded SQLite default. Installs what is missing first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$RELAYPRESS_ROOT/scripts/ensure-deps.sh"
cd "$RELAYPRESS_ROOT"
exec node relay-service/bin/relaypress-relay.js start "$@"
