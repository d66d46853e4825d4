#!/usr/bin/env bash
# Installs the Debian packages Gridline needs to build and test the app.
# Idempotent: skips apt entirely when every package is already present.
set -euo pipefail

packages=(
  libwebkit2gtk-4.1-dev build-essential pkg-config file libxdo-dev
  libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver fonts-noto-cjk curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "gridline: missing system packages: ${missing[*]}" >&2
  echo "gridline: run as root, or install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "gridline: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
