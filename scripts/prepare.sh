#!/usr/bin/env bash
# Runs before `npm start` and `npm test`: makes a fresh machine ready (system packages,
# Docker engine, local image, npm dependencies). Fast and silent-ish when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund
