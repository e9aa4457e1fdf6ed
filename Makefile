# vicidial-xfer: every build and test entry point. `make help` lists them.
# A target is documented by `## ` comment lines directly above its rule;
# `make help` prints those (from this file and mk/*.mk), and names any phony
# or test target that has none. Fragments in mk/*.mk add their own targets
# to TEST_TARGETS.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
NODE ?= node
export CHROMEDRIVER ?= /usr/bin/chromedriver

TEST_TARGETS := test-rust test-nostd test-wasm test-pkg test-sandbox

.PHONY: help setup setup-browser test test-rust test-nostd test-wasm test-pkg test-sandbox lint pkg

## List every target and what it does (this list).
help:
	@awk -v first='demo test' -v test_targets='$(TEST_TARGETS)' -f mk/help.awk $(MAKEFILE_LIST)

include $(wildcard mk/*.mk)

## Install what building needs (Rust targets, wasm-bindgen-cli, npm packages); quick when present.
setup:
	bash scripts/setup.sh
## setup, plus Debian chromium and chromedriver for the browser tests (never downloads a browser).
setup-browser:
	bash scripts/setup.sh --browser

## Run every test-* suite listed here (what CI runs, through .ci/run).
test: setup-browser
	$(MAKE) --no-print-directory $(TEST_TARGETS)
	@echo "make test: all suites passed ($(TEST_TARGETS))"

## The Rust suites (after lint), unit and doc tests.
test-rust: lint
	$(CARGO) test --features serde
	$(CARGO) test --doc --features serde

## Prove the core builds without std on a target that has none.
test-nostd:
	$(CARGO) build --no-default-features --lib --target x86_64-unknown-none
	$(CARGO) build --no-default-features --features serde --lib --target x86_64-unknown-none
	$(CARGO) build --no-default-features --features wasm --lib --target wasm32-unknown-unknown

## Build the npm package into pkg/ (cargo -> wasm-bindgen -> wasm-opt), smoke-load it, report sizes.
pkg: setup
	$(NODE) pkg-template/build.mjs

# pkg/ as a file target: rebuilt only when a source is newer than the last
# build (build.mjs empties pkg/ first and writes package.json after the rest;
# a failed build removes it, so the next make builds again).
# For `make demo` and `make test-e2e`; build.mjs's output stops at its size
# report (the table, the goals and what follows them: `make pkg` shows them).
PKG_SOURCES := Cargo.toml Cargo.lock $(shell find src pkg-template -type f 2>/dev/null)
pkg/package.json: $(PKG_SOURCES)
	@echo "pkg/ is missing or older than its sources: building it (make pkg)"
	@$(MAKE) --no-print-directory setup
	@$(NODE) pkg-template/build.mjs | awk '/^pkg\/ sizes/ { sizes = 1 } !sizes { print }' \
	  || { rm -f pkg/package.json; echo "pkg/ build failed (pkg/package.json removed: the next make builds again)"; exit 1; }

## The wasm suite in Node, a Chromium page, a dedicated and a service worker.
test-wasm:
	bash tests/support/run-wasm-tests.sh

## The built package installed from its tarball; TypeScript; workerd.
test-pkg: pkg
	$(NODE) --test tests/pkg/

## The sandbox VICIdial replays every recorded scenario byte for byte.
test-sandbox: setup
	$(NODE) --test tests/sandbox/

## clippy -D warnings (native and wasm32) and rustdoc without warnings.
lint:
	$(CARGO) clippy --all-targets --features serde -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features wasm -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --features serde --quiet
