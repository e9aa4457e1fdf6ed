#!/usr/bin/env bash
# Installs what `make bench` needs when it is missing (CI machines start
# with none of it); quick when everything is there. `make setup` (run
# before) provides the Rust targets, wasm-bindgen-cli and node_modules.
#   twiggy      cargo install twiggy           (wasm size attribution)
#   cargo-fuzz  cargo install cargo-fuzz       (bench/fuzz.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v twiggy >/dev/null; then
  echo "bench-tools: installing twiggy (about 2 minutes)"
  cargo install --locked twiggy
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "bench-tools: installing cargo-fuzz (about 2 minutes)"
  cargo install --locked cargo-fuzz
fi
echo "bench-tools: ready ($(twiggy --version), $(cargo fuzz --version))"
