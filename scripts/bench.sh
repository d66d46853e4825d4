#!/usr/bin/env bash
# The sync benchmark, side by side: Gridline's device and relay against
# PouchDB 9 and pouchdb-server, a plain gzip download (the floor) and
# vipsthumbnail, on one dataset in one run; then the registry search
# benchmark if it exists. Installs what it needs, builds in release, and
# ends with one name=value line per figure.
#
# Extra arguments go to `gridline-bench run` (e.g. --runs 3).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_shared_data

if ! command -v vipsthumbnail >/dev/null 2>&1; then
  step "system packages: libvips-tools"
  sudo_if_needed=()
  [ "$(id -u)" -ne 0 ] && sudo_if_needed=(sudo)
  "${sudo_if_needed[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends libvips-tools >/dev/null
fi

step "npm dependencies (bench/pouchdb)"
POUCH="$ROOT/bench/pouchdb"
if [ ! -d "$POUCH/node_modules" ] || [ "$POUCH/package-lock.json" -nt "$POUCH/node_modules/.package-lock.json" ]; then
  (cd "$POUCH" && npm ci --no-audit --no-fund --loglevel=error)
fi

step "cargo build --release: gridline-bench"
(cd "$ROOT" && cargo build --release --locked -p gridline-bench)

SEARCH_LINE=""
if [ -f "$ROOT/src-tauri/benches/search.rs" ]; then
  step "registry search benchmark"
  # Shown as it runs (on stderr) and kept, for its figure to close the output.
  SEARCH_OUT=$(cd "$ROOT" && cargo bench --locked -p gridline-app --no-default-features --bench search | tee /dev/stderr)
  SEARCH_LINE=$(grep -E '^search_p95_ms=' <<<"$SEARCH_OUT" | tail -n 1 || true)
  [ -n "$SEARCH_LINE" ] || { echo "gridline: the search benchmark printed no search_p95_ms line" >&2; exit 1; }
fi

step "sync benchmark (about two minutes)"
# 500 simulated devices hold a socket at each end, in one process.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n 4096 2>/dev/null || true
fi
GRIDLINE_SHARED="$SHARED" "$CARGO_TARGET_DIR/release/gridline-bench" run --pouch "$POUCH" "$@"

[ -z "$SEARCH_LINE" ] || echo "$SEARCH_LINE"
