# Sourced by the scripts that install or start what the bank needs: runs a command as root, directly or through sudo,
# or stops with what to run once as root.
privileged() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "$(basename "$0"): this step needs root or sudo (to run: $*); run scripts/$(basename "$0") once as root." >&2
    exit 1
  fi
}
