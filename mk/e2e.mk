# Browser end-to-end: the demo page (www/) and the MV3 example extension
# (examples/crm-extension/) in Debian Chromium through playwright-core,
# against the demo stack (demo/start.mjs). Screenshots: test-output/e2e/.
TEST_TARGETS += test-e2e

.PHONY: test-e2e
test-e2e: pkg
	$(NODE) examples/crm-extension/build.mjs
	timeout 300 $(NODE) --test tests/e2e/
