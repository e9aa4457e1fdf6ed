# The package's distribution: what a user installs (npm tarball, crate,
# docs) and the Rust-side client feature.
#   make test-pkg-dist   npm pack and cargo package clean, docs as docs.rs builds them, client lint
#   make test-pkg-rust   the binding's Rust tests: JSON writers vs serde_json, the request reader,
#                        index.d.ts's code unions vs the core (tests/pkg_codes.rs)
TEST_TARGETS += test-pkg-dist test-pkg-rust

.PHONY: test-pkg-dist test-pkg-rust

## The binding's Rust tests: JSON writers vs serde_json, the request reader, index.d.ts's code unions vs the core.
test-pkg-rust:
	$(CARGO) test --lib --features wasm,serde wasm::
	$(CARGO) test --features wasm,serde --test pkg_codes
	$(CARGO) clippy --lib --tests --features wasm,serde -- -D warnings
	$(CARGO) clippy --features wasm,serde --test pkg_codes -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --no-default-features --features wasm -- -D warnings

# Fails on any warning of npm pack or cargo package (their stderr is checked).
## npm pack and cargo package without warnings, docs as docs.rs builds them, the client feature's lint.
test-pkg-dist: pkg
	@mkdir -p target
	npm pack ./pkg --dry-run --json >target/npm-pack.json 2>target/npm-pack.err || { cat target/npm-pack.err; exit 1; }
	@! grep -i 'warn' target/npm-pack.err || { echo "npm pack warned"; exit 1; }
	$(CARGO) package --allow-dirty 2>target/cargo-package.err || { cat target/cargo-package.err; exit 1; }
	@! grep -E '^warning' target/cargo-package.err || { echo "cargo package warned"; exit 1; }
	RUSTDOCFLAGS="--cfg docsrs -D warnings" $(CARGO) doc --no-deps --all-features --quiet
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features wasm,client -- -D warnings
	$(CARGO) build --no-default-features --features client --lib --target wasm32-unknown-unknown --quiet
	@echo "test-pkg-dist: npm pack, cargo package, docs.rs-style docs and the client feature are clean"
