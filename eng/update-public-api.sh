#!/usr/bin/env bash
# Brings PublicAPI.Unshipped.txt in line with the code: adds every public symbol the analyzer reports as undeclared
# (RS0016) and removes declared symbols that no longer exist (RS0017).
# Usage: eng/update-public-api.sh src/Secrets.Client   (review the diff: it is the package's public surface)
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
[ -f "$unshipped" ] || echo "#nullable enable" > "$unshipped"
[ -f "$project_dir/PublicAPI.Shipped.txt" ] || echo "#nullable enable" > "$project_dir/PublicAPI.Shipped.txt"
csproj=$(cd "$project_dir" && ls "$PWD"/*.csproj | head -1)
for _ in 1 2 3; do
  output=$(dotnet build "$project_dir" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 | grep -F "[$csproj]" || true)
  added=$(printf '%s\n' "$output" | grep -E "RS0016" | sed -nE "s/.*Symbol '(.*)' is not part of the declared (public )?API.*/\1/p" | sort -u || true)
  removed=$(printf '%s\n' "$output" | grep -E "RS0017" | sed -nE "s/.*Symbol '(.*)' is part of the declared (public )?API, but.*/\1/p" | sort -u || true)
  [ -n "$added$removed" ] || break
  python3 - "$unshipped" "$added" "$removed" <<'PY'
import sys
path, added, removed = sys.argv[1], sys.argv[2], sys.argv[3]
lines = [l for l in open(path).read().splitlines() if l.strip()]
header = [l for l in lines if l.startswith("#")]
body = set(l for l in lines if not l.startswith("#"))
body -= set(x for x in removed.splitlines() if x)
body |= set(x for x in added.splitlines() if x)
open(path, "w").write("\n".join(header + sorted(body)) + "\n")
PY
done
dotnet build "$project_dir" 2>&1 | grep -F "[$csproj]" | grep -E "RS00[0-9]+" | sort -u | head -20 || true
