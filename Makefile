# vicidial-xfer: every build and test entry point.
#   make demo   build the package and serve the demo, proxy and sandbox on http://127.0.0.1:8787
#   make test   run every test (Rust core, wasm in Node and Chromium, package, proxy, sandbox, browser)
#   make pkg    build the npm package into pkg/
#   make bench  measure and write bench/RESULTS.md
#   make fuzz   run the fuzz targets
# Fragments in mk/*.mk add their own targets to TEST_TARGETS.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
NODE ?= node
export CHROMEDRIVER ?= /usr/bin/chromedriver

TEST_TARGETS := test-rust test-nostd test-wasm test-pkg test-sandbox

.PHONY: help setup setup-browser test test-rust test-nostd test-wasm test-pkg test-sandbox lint pkg

help:
	@sed -n '2,8p' Makefile

include $(wildcard mk/*.mk)

# Installs toolchain pieces on a fresh machine (quick when present).
setup:
	bash scripts/setup.sh
setup-browser:
	bash scripts/setup.sh --browser

test: setup-browser
	$(MAKE) --no-print-directory $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"

test-rust: lint
	$(CARGO) test --features serde
	$(CARGO) test --doc --features serde

# Proves the core builds without std on a target that has none.
test-nostd:
	$(CARGO) build --no-default-features --lib --target x86_64-unknown-none
	$(CARGO) build --no-default-features --features serde --lib --target x86_64-unknown-none
	$(CARGO) build --no-default-features --features wasm --lib --target wasm32-unknown-unknown

# The npm package: cargo -> wasm-bindgen -> wasm-opt -> pkg/, smoke-loaded, sizes reported.
pkg: setup
	$(NODE) pkg-template/build.mjs

# The wasm suite in Node, a Chromium page, a dedicated and a service worker.
test-wasm:
	bash tests/support/run-wasm-tests.sh

# The built package installed from its tarball; TypeScript; workerd.
test-pkg: pkg
	$(NODE) --test tests/pkg/

# The sandbox VICIdial replays every recorded scenario byte for byte.
test-sandbox: setup
	$(NODE) --test tests/sandbox/

lint:
	$(CARGO) clippy --all-targets --features serde -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features wasm -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --features serde --quiet
