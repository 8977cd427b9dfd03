#!/usr/bin/env bash
# Runs every test: unit tests, and API/integration tests against a real local PostgreSQL
# (installed and started when needed). Ends with the line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/postgres.sh || exit 1
bash scripts/chromium.sh || exit 1

results="TestResults"
rm -rf "$results"
dotnet build Modular.sln -c Release -v quiet -nologo
status=$?
# The host is built now: scripts/run.sh starts it without building again.
[ "$status" -eq 0 ] && touch src/Host/bin/Release/net10.0/.built

# One project at a time: each writes its own results file, and integration tests do not
# compete for the machine's cores.
if [ "$status" -eq 0 ]; then
  for project in tests/*.Tests/*.Tests.csproj; do
    name="$(basename "$project" .csproj)"
    dotnet test "$project" -c Release --no-build \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" --blame-hang-timeout 10m || status=1
  done
fi

passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed without a failing test (a build error or a crashed test host): count it.
  failed=1
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
