#!/usr/bin/env bash
# Prints a bearer token for the local bank as its last line:
#   scripts/token.sh --operator
#   scripts/token.sh --customer CUSTOMER_ID [--lifetime 8h|30m|90s, at most 8784h]
# Signed with the host's local key (Auth:SigningKey, or else the key kept in the database, created on first use),
# so it needs the database scripts/run.sh uses. Exit code 2 on bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  bash scripts/postgres.sh >&2
fi

host="$(bash scripts/built-host.sh)"
exec dotnet "$host" token "$@"
