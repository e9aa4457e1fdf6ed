# Browser end-to-end: the demo page (www/) and the MV3 example extension
# (examples/crm-extension/) in Debian Chromium through playwright-core,
# against the demo stack (demo/start.mjs). Screenshots: test-output/e2e/.
TEST_TARGETS += test-e2e

.PHONY: test-e2e
## Playwright (Debian chromium) on the demo page and the MV3 extension; `make help` completeness. Screenshots: test-output/e2e/.
test-e2e: pkg/package.json
	$(NODE) examples/crm-extension/build.mjs
	timeout 420 $(NODE) --test --test-concurrency=1 tests/e2e/
