#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (a supported Node.js
# from npm when the system one is older, npm deps, Debian's prometheus, postgresql-15 and
# redis-server), builds, lints, runs unit + e2e tests, the docs snippets and the bench
# scripts at a small size on Node 24, the version matrix of every instrumented library,
# then the end-to-end tests on Node 22 and 26 (installed from npm into a temp prefix).
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
AGENTMETER_NODE_MAJOR="${AGENTMETER_NODE_MAJOR:-24}"
source scripts/ensure-node.sh

need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(prometheus)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql-15)
command -v redis-server >/dev/null || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
npm run lint

node scripts/run-tests.mjs all

if [ "${AGENTMETER_SKIP_VERSIONS:-}" != "1" ]; then
  echo "== version matrix: oldest and newest supported release of each instrumented library"
  node scripts/test-versions.mjs
fi

if [ "${AGENTMETER_SKIP_OTHER_NODES:-}" != "1" ]; then
  for v in 22 26; do
    d=$(mktemp -d)
    echo "== Node $v: preload and Prometheus end-to-end tests"
    npm i --prefix "$d" --no-audit --no-fund --silent "node@$v" >/dev/null
    PATH="$d/node_modules/node/bin:$PATH" node --version
    PATH="$d/node_modules/node/bin:$PATH" node scripts/run-tests.mjs e2e
    rm -rf "$d"
  done
fi
