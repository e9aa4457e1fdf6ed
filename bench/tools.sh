#!/usr/bin/env bash
# Installs what `make bench` needs when it is missing (CI machines start
# with none of it); quick when everything is there. `make setup` (run
# before) provides the Rust targets, wasm-bindgen-cli and node_modules.
#   twiggy      cargo install twiggy           (wasm size attribution)
#   wrk         apt-get install wrk            (fixed-body HTTP load)
#   cargo-fuzz  cargo install cargo-fuzz       (bench/fuzz.sh)
#   rust-src    rustup component add rust-src  (-Zbuild-std size experiments)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v twiggy >/dev/null; then
  echo "bench-tools: installing twiggy (about 2 minutes)"
  cargo install twiggy
fi
if ! command -v wrk >/dev/null; then
  echo "bench-tools: installing wrk (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "bench-tools: installing cargo-fuzz (about 2 minutes)"
  cargo install cargo-fuzz
fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  echo "bench-tools: adding rust-src (for the -Zbuild-std size experiments)"
  rustup component add rust-src || echo "bench-tools: rust-src unavailable: the build-std experiments will report an error"
fi
echo "bench-tools: ready ($(twiggy --version), $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), $(cargo fuzz --version))"
