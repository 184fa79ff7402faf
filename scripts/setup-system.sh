#!/usr/bin/env bash
# Prepares a Debian 12 machine for DeCloud: system packages, a private Docker engine
# (when none answers) and the local image decloud/busybox:local. Idempotent; run as root
# or through sudo. Undo the engine with: scripts/docker-engine.sh stop
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then exec sudo -E bash "$0" "$@"; fi
  echo "setup-system: needs root (or sudo) to install packages and start dockerd" >&2; exit 1
fi

step() { printf '\033[1m==>\033[0m %s\n' "$*"; }

# docker.io: container engine; busybox-static: the local image; rustc + rust-src + llvm + lld:
# the offline program build; clang: linker test fixtures; chromium: web client tests.
packages=(docker.io busybox-static rustc rust-src llvm clang lld chromium iptables ca-certificates git)
command -v cargo >/dev/null || packages+=(cargo)   # cargo test for the program's unit tests
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=600
  apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
else
  step "system packages present"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$node_major" -lt 20 ]; then
  echo "setup-system: Node.js >= 20 is required (found ${node_major}); install it from nodejs.org or your distribution" >&2
  exit 1
fi

"$here/docker-engine.sh" start
"$here/docker-image.sh"
