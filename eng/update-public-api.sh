#!/usr/bin/env bash
# Adds every public symbol the analyzer reports as undeclared (RS0016/RS0037) to PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh src/Secrets.Client   (review the diff: it is the package's public surface)
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
[ -f "$unshipped" ] || echo "#nullable enable" > "$unshipped"
[ -f "$project_dir/PublicAPI.Shipped.txt" ] || echo "#nullable enable" > "$project_dir/PublicAPI.Shipped.txt"
csproj=$(cd "$project_dir" && ls "$PWD"/*.csproj | head -1)
for _ in 1 2 3; do
  symbols=$(dotnet build "$project_dir" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 \
    | grep -E "RS0016" | grep -F "[$csproj]" | sed -nE "s/.*Symbol '(.*)' is not part of the declared (public )?API.*/\1/p" | sort -u)
  [ -n "$symbols" ] || break
  { cat "$unshipped"; printf '%s\n' "$symbols"; } | awk 'NR==1 && /^#nullable/ {print; next} {print | "sort -u"}' > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
done
dotnet build "$project_dir" 2>&1 | grep -E "RS00[0-9]+" | sort -u | head -20 || true
