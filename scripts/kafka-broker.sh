#!/usr/bin/env bash
# Runs the embedded Kafka-protocol broker on its own (default 127.0.0.1:9092), for several hosts
# or tools such as kcat to share: scripts/kafka-broker.sh [--port 9092] [--partitions 6]
set -euo pipefail
cd "$(dirname "$0")/.."
host="$(bash scripts/built-host.sh)"
exec dotnet "$host" kafka-broker "$@"
