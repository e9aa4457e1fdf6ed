#!/usr/bin/env bash
# Runs the wasm suite (tests/wasm_suite) in Node, a Chromium page, a
# dedicated worker and a service worker, against the replay server: the
# bindings (feature wasm) and the Rust-side FetchClient (feature client).
# A runner configured for another environment exits 0 having run nothing,
# so each run must print its own "N passed" line.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

log=$(mktemp)
node tests/support/replay-server.mjs 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
VX_REPLAY_URL=$(awk '/listening/ { print $2 }' "$log")
export VX_REPLAY_URL
[[ -n "$VX_REPLAY_URL" ]] || { echo "replay server did not start"; cat "$log"; exit 1; }

run() {
  local name=$1 test=$2; shift 2
  local out
  out=$(env "$@" cargo test --target wasm32-unknown-unknown --features wasm,client --test "$test" 2>&1) || { echo "$out"; echo "wasm tests FAILED in $name"; exit 1; }
  local line
  line=$(grep -E '^test result: ok\. [1-9][0-9]* passed' <<<"$out" || true)
  [[ -n "$line" ]] || { echo "$out"; echo "wasm tests in $name ran nothing"; exit 1; }
  echo "wasm $name: $line"
}
run node wasm_node WASM_BINDGEN_TEST_ONLY_NODE=1
run chromium-page wasm_browser WASM_BINDGEN_USE_BROWSER=1
run chromium-dedicated-worker wasm_node WASM_BINDGEN_USE_DEDICATED_WORKER=1
run chromium-service-worker wasm_node WASM_BINDGEN_USE_SERVICE_WORKER=1
