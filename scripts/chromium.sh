#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the operator console's browser test (Playwright drives it; it never
# downloads a browser of its own). Idempotent. Needs root (or sudo) only to install.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

# shellcheck source=scripts/privileged.sh
source "$(dirname "$0")/privileged.sh"

echo "Installing Chromium from the distribution's packages..."
privileged apt-get update -qq
DEBIAN_FRONTEND=noninteractive privileged apt-get install -y -qq --no-install-recommends chromium >/dev/null
