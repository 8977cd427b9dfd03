#!/usr/bin/env bash
# Starts the bank: a local PostgreSQL (installed and started when needed) and the host.
# Override the address with ASPNETCORE_URLS; point at another database with ConnectionStrings__Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  bash scripts/postgres.sh
fi

export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
exec dotnet run --project src/Host/Bank.Host.csproj -c Release --no-launch-profile -- "$@"
