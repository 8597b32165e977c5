#!/usr/bin/env bash
# Installs Debian's direnv for the direnv provider's tests (Secrets.Client.Local.Tests/Direnv), which check the provider
# against the real `direnv exec`. Idempotent; non-interactive; uses sudo only when not already root.
set -euo pipefail
if command -v direnv >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends direnv >/dev/null
command -v direnv >/dev/null
