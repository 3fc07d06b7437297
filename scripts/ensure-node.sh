# Sourced by scripts/demo.sh and scripts/test.sh: makes sure a supported Node.js is first
# on PATH. agentmeter supports Node >= 22.15 (22, 24 and 26 lines). When the node on PATH
# is older (a machine whose system node is 20), Node 24 is installed from the npm registry
# into .cache/node24 (once; reused afterwards) and put first on PATH, so npm, the build and
# the tests all run on it. AGENTMETER_NODE_MAJOR picks another line (22, 24 or 26).
agentmeter_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}
agentmeter_ensure_node() {
  local want="${AGENTMETER_NODE_MAJOR:-}"
  if [ -z "$want" ] && agentmeter_node_ok; then return 0; fi
  want="${want:-24}"
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local prefix="$root/.cache/node$want"
  if [ ! -x "$prefix/node_modules/node/bin/node" ]; then
    echo "agentmeter: Node $(node --version 2>/dev/null || echo '(none)') is not supported (needs >= 22.15); installing node@$want from npm into .cache/node$want" >&2
    mkdir -p "$prefix"
    npm i --prefix "$prefix" --no-audit --no-fund --no-save --silent "node@$want" >/dev/null
  fi
  export PATH="$prefix/node_modules/node/bin:$PATH"
  hash -r
  echo "agentmeter: using Node $(node --version) from .cache/node$want" >&2
}
agentmeter_ensure_node
