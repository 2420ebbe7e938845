#!/usr/bin/env bash
# `npm test`: every suite. Installs what is missing (Node, npm packages, Debian peers),
# type-checks, builds and tests the admin app (jest), runs the plugin's PHPUnit suite (on
# the built app), then the relay tests (SQLite and PostgreSQL) and the end-to-end suites.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$RELAYPRESS_ROOT"
bash scripts/ensure-system-packages.sh
bash scripts/ensure-services.sh
bash scripts/ensure-deps.sh
echo "== typecheck" >&2
npx tsc -p relay-service && npx tsc -p test && npx tsc -p plugin/admin-app
echo "== admin app (build into plugin/relaypress/build, component tests)" >&2
bash scripts/build-admin.sh
npm run --silent test -w @relaypress/admin-app
echo "== WordPress plugin (PHPUnit on a real WordPress and MariaDB)" >&2
bash plugin/bin/test.sh
echo "== relay and end-to-end tests" >&2
# One file at a time keeps port use and CPU predictable on 2 cores; each file runs its own servers.
exec node --test --test-concurrency=1 --test-reporter=spec \
  'relay-service/test/**/*.test.ts' 'test/**/*.test.ts'
