#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the operator console's browser test (Playwright drives it; it never
# downloads a browser of its own). Idempotent. Needs root (or sudo) only to install.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

install() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "chromium.sh: installing Chromium needs root or sudo (to run: $*); run scripts/chromium.sh once as root." >&2
    exit 1
  fi
}

echo "Installing Chromium from the distribution's packages..."
install apt-get update -qq
DEBIAN_FRONTEND=noninteractive install apt-get install -y -qq --no-install-recommends chromium >/dev/null
