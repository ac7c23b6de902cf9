#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real (a browser for the
# report test, redis-server for the scale-out tests), when they are missing. One
# "command package" pair per line.
set -euo pipefail

NEEDED=(
  "chromium chromium"
  "redis-server redis-server"
)

missing=()
for pair in "${NEEDED[@]}"; do
  read -r command package <<<"$pair"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-deps: missing ${missing[*]} and no apt-get to install them; install them and re-run" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "ensure-test-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
