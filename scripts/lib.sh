# Shared steps of the run and test scripts: install what is missing and
# build. Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${GRIDLINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

CURRENT_STEP="start"
step() {
  CURRENT_STEP="$*"
  if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi
}
# Name the step that failed, so a long log ends with what to look at.
trap 'rc=$?; [ $rc -ne 0 ] && printf "\ngridline: FAILED at step: %s (exit %s)\n" "$CURRENT_STEP" "$rc" >&2' EXIT

need_shared_data() {
  if [ ! -f "$SHARED/data/divisions/zhengzhou.csv" ]; then
    echo "gridline: the shared data folder was not found at $SHARED (set GRIDLINE_SHARED)" >&2
    exit 1
  fi
}

install_system() {
  step "system packages"
  bash "$ROOT/scripts/setup-system.sh"
}

install_node_deps() {
  step "npm dependencies (ui/, e2e/)"
  for dir in ui e2e; do
    if [ ! -d "$ROOT/$dir/node_modules" ] || [ "$ROOT/$dir/package-lock.json" -nt "$ROOT/$dir/node_modules/.package-lock.json" ]; then
      (cd "$ROOT/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

build_ui() {
  step "ui build (vue-tsc + vite)"
  (cd "$ROOT/ui" && npm run --silent build)
}

build_binaries() {
  step "cargo build: relay and app"
  (cd "$ROOT" && cargo build --locked -p gridline-relay -p gridline-app)
}
