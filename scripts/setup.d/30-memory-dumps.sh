#!/usr/bin/env bash
# Installs gdb (for gcore) and util-linux's setpriv/prlimit for the secret-memory tests, which dump a client process and
# run it without CAP_IPC_LOCK under an enforced RLIMIT_MEMLOCK. createdump ships with the .NET runtime.
# Idempotent; non-interactive; uses sudo only when not already root.
set -euo pipefail
if command -v gcore >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1 && command -v prlimit >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends gdb util-linux >/dev/null
command -v gcore >/dev/null
command -v setpriv >/dev/null
command -v prlimit >/dev/null
