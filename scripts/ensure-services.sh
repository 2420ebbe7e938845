#!/usr/bin/env bash
# Starts the machine's PostgreSQL when it is installed but stopped (store tests run on it).
set -euo pipefail
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
  [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 50); do pg_up && break; sleep 0.2; done
fi
pg_up || { echo "relaypress: PostgreSQL is not reachable on 127.0.0.1:5432 (set RELAY_TEST_POSTGRES_URL)" >&2; exit 1; }
