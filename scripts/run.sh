#!/usr/bin/env bash
# The main job: the relay with the Huiji District demo on embedded SQLite,
# then the app window; the credentials to log in with are printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PORT=${GRIDLINE_PORT:-8787}
DATA=${GRIDLINE_DATA:-$ROOT/.gridline/relay}
URL="http://127.0.0.1:$PORT"

need_shared_data
install_system
install_node_deps
build_ui
build_binaries

if [ ! -f "$DATA/demo-credentials.json" ]; then
  step "demo district (Huiji, 410108) into $DATA"
  "$CARGO_TARGET_DIR/debug/gridline-relay" demo --data "$DATA" --divisions "$SHARED/data/divisions" >"$DATA.demo.txt"
  sed -n '1,/^$/p' "$DATA.demo.txt"
  echo "(every leader's account and password: $DATA/demo-credentials.json and $DATA.demo.txt)"
fi

step "relay on $URL"
"$CARGO_TARGET_DIR/debug/gridline-relay" serve --data "$DATA" --listen "127.0.0.1:$PORT" &
relay=$!
trap 'kill $relay 2>/dev/null; wait $relay 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

python3 - "$DATA/demo-credentials.json" "$URL" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
l = c["leaders"][0]
print(f"""
  relay:      {sys.argv[2]}  (Open311: {sys.argv[2]}/open311/v2/services.json)
  log in as:  {l['account']}  /  {l['password']}
  grid:       {l['grid_name']} ({l['grid_code']}), {l['township']['name']} {l['community']['name']}
  API key for the platform (Open311 POST): {c['api_key']}
""")
PY

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat <<MSG
No display here (DISPLAY is not set), so the app window cannot open.
The relay keeps running until Ctrl-C. To see the app:
  - run this same command from a desktop session on this machine, or
  - start the app yourself in a desktop session on this machine:
      GRIDLINE_RELAY_URL=$URL $CARGO_TARGET_DIR/debug/gridline
  - or let the end-to-end test drive it under a virtual display; it saves
    a screenshot of every main screen in $ROOT/artifacts/e2e/:
      (cd $ROOT/e2e && xvfb-run -a npm test)
MSG
  wait $relay
else
  step "app window"
  GRIDLINE_RELAY_URL=$URL "$CARGO_TARGET_DIR/debug/gridline"
fi
