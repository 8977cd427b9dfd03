#!/usr/bin/env bash
# Starts the bank: a local PostgreSQL (installed and started when needed) and the host, built first when a source changed.
# Override the address with ASPNETCORE_URLS; point at another database with ConnectionStrings__Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  bash scripts/postgres.sh
fi

host="$(bash scripts/built-host.sh)"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
exec dotnet "$host" "$@"
