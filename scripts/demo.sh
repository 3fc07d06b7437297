#!/usr/bin/env bash
# Quick start: install, build, and run the demo app instrumented by agentmeter.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
[ -f packages/sdk/dist/index.js ] && [ -f packages/cost/dist/index.js ] || npm run build
exec node --import @agentmeter/sdk/register examples/demo/server.mjs "$@"
