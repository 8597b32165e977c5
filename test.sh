#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need (scripts/setup.d), then dotnet test.
# Extra arguments go to dotnet test (for example: ./test.sh --filter FullyQualifiedName~Caching).
set -euo pipefail
cd "$(dirname "$0")"
for setup in scripts/setup.d/*.sh; do
  bash "$setup"
done
rm -rf .artifacts/test-results
dotnet test Secrets.Client.sln --configuration Release --logger trx --results-directory .artifacts/test-results "$@"
