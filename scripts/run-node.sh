#!/usr/bin/env bash
# Runs a command with the project's Node (>= 22.19) first on PATH.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$@"
