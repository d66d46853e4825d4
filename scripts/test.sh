#!/usr/bin/env bash
# Every test: formatting, lints, type checks, unit and integration tests,
# and the end-to-end test of the real app against a real relay.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_shared_data
install_system
if ! command -v tauri-driver >/dev/null 2>&1; then
  step "tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
install_node_deps

step "formatting"
(cd "$ROOT" && cargo fmt --all -- --check)
(cd "$ROOT/ui" && npm run --silent format:check)

build_ui

step "ui unit tests (vitest)"
(cd "$ROOT/ui" && npm test --silent)

step "clippy (warnings denied)"
(cd "$ROOT" && cargo clippy --locked --workspace --all-targets -- -D warnings)

step "rust tests"
(cd "$ROOT" && cargo test --locked --workspace)

# The integration tests above already built both binaries (cargo builds a
# package's binaries for its integration tests); building them again with
# other feature unification would only relink the same programs.
for bin in gridline gridline-relay; do
  [ -x "$CARGO_TARGET_DIR/debug/$bin" ] || { echo "gridline: $bin was not built" >&2; exit 1; }
done

step "end to end: real app, real relay (tauri-driver, WebKitWebDriver, Xvfb)"
(cd "$ROOT/e2e" && xvfb-run -a -s '-screen 0 1280x1024x24' npm test)
echo "screenshots: $ROOT/artifacts/e2e/"
