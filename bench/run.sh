#!/usr/bin/env bash
# npm run bench: installs what the comparison needs (Debian packages, when root and missing),
# then runs the orchestrator (bench/bench.mjs) on Node >= 22.19. Settings: see bench/README.md.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../scripts/env.sh"

# Postfix (relay under comparison, smtp-source/smtp-sink), OpenDKIM (the milter signer) and
# python3-dkim (checks one signed message per system). Installed without starting any service.
ensure_packages() {
  local wanted=(postfix opendkim opendkim-tools python3-dkim) missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "bench: missing Debian packages (${missing[*]}); not root, so the Postfix comparison may be skipped" >&2
    return 0
  fi
  echo "bench: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  apt-get update -qq >&2 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || echo "bench: apt-get install failed; continuing with what is there" >&2
  [ "$created" = 1 ] && rm -f "$policy"
  return 0
}
[ "${BENCH_SKIP_APT:-0}" = 1 ] || ensure_packages

# The relay's dependencies (better-sqlite3 is native) must be installed for this Node.
[ -d "$RELAYPRESS_ROOT/node_modules/better-sqlite3" ] || bash "$RELAYPRESS_ROOT/scripts/ensure-deps.sh"

exec node "$BENCH_DIR/bench.mjs" "$@"
