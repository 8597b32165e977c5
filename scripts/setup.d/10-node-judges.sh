#!/usr/bin/env bash
# Installs the official npm clients the tests use as independent judges (tests/judges).
set -euo pipefail
cd "$(dirname "$0")/../../tests/judges"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
