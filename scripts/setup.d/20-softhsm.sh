#!/usr/bin/env bash
# Installs SoftHSM2 (a software PKCS#11 token) and OpenSC (pkcs11-tool) for the Secrets.Client.Pkcs11 tests.
# Idempotent; non-interactive; uses sudo only when not already root.
set -euo pipefail
if command -v softhsm2-util >/dev/null 2>&1 && command -v pkcs11-tool >/dev/null 2>&1 && [ -e /usr/lib/softhsm/libsofthsm2.so ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends softhsm2 opensc openssl >/dev/null
command -v softhsm2-util >/dev/null
[ -e /usr/lib/softhsm/libsofthsm2.so ]
