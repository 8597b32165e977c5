#!/usr/bin/env bash
# Installs Azurite (Microsoft's Azure Storage emulator, pinned to 3.34.0: its engines accept Node 20) for the
# Storage-queue listener tests (tests/azurite). The tests start it themselves on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/../../tests/azurite"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
