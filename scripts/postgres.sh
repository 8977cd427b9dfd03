#!/usr/bin/env bash
# Makes sure a local PostgreSQL is installed, running and has the bank's role and database.
# Idempotent: safe to run on every start. Needs root (or sudo) only to install, start or configure
# PostgreSQL; once it runs with the bank's role and database, it needs no privileges at all.
set -euo pipefail

PG_ROLE="${BANK_PG_USER:-bank}"
PG_PASSWORD="${BANK_PG_PASSWORD:-bank}"
PG_DATABASE="${BANK_PG_DATABASE:-bank}"

# Ready as the bank itself connects: its role, its database, and room for several hosts' connection pools.
bank_ready() {
  command -v psql >/dev/null 2>&1 &&
    PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -U "$PG_ROLE" -d "$PG_DATABASE" -tAc \
      "SELECT current_setting('max_connections')::int >= 300" 2>/dev/null | grep -qx t
}
if bank_ready; then
  exit 0
fi

# shellcheck source=scripts/privileged.sh
source "$(dirname "$0")/privileged.sh"
as_root() { privileged "$@"; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else privileged -u postgres "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL from the distribution's packages..."
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  as_root pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$version" main start
fi

wait_ready() {
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 && return 0
    sleep 0.5
  done
  echo "PostgreSQL did not become ready" >&2
  exit 1
}
wait_ready

# Several hosts, their connection pools and the test databases need more than the default 100 connections.
connections="$(as_postgres psql -tAc 'SHOW max_connections')"
if [ "$connections" -lt 300 ]; then
  as_postgres psql -q -c "ALTER SYSTEM SET max_connections = 300"
  as_root pg_ctlcluster "$version" main restart
  wait_ready
fi

as_postgres psql -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}') THEN
    CREATE ROLE "${PG_ROLE}" LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
  END IF;
END
\$\$;
SQL
if ! as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'" | grep -q 1; then
  as_postgres createdb -O "$PG_ROLE" "$PG_DATABASE"
fi
