#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine; fast when
# everything is already there. Usage: scripts/setup.sh [--browser]
#   always:    Rust targets wasm32-unknown-unknown + x86_64-unknown-none,
#              wasm-bindgen-cli equal to Cargo.lock's wasm-bindgen, npm ci
#   --browser: Debian chromium + chromium-driver (wasm tests in Chromium,
#              Playwright, the extension test). Never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
[[ "${1:-}" == "--browser" ]] && browser=1

installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown x86_64-unknown-none; do
  grep -qx "$t" <<<"$installed_targets" || rustup target add "$t"
done
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ "$have" != "$want" ]]; then
  echo "setup: installing wasm-bindgen-cli $want (found '${have:-none}'); about 2 minutes"
  # No --locked: its lockfile wants a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$want"
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

if (( browser )) && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  echo "setup: installing Debian chromium + chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
echo "setup: ready (wasm-bindgen $want, node $(node --version))"
