# Edge proxy (proxy/), demo server (demo/) and their tests (tests/proxy/).
#   make demo         serve page + package + proxy + sandbox on http://127.0.0.1:8787 (PORT=... overrides)
#   make test-proxy   run tests/proxy/ against real workerd processes on ephemeral 127.0.0.1 ports

.PHONY: demo test-proxy
TEST_TARGETS += test-proxy

demo: pkg
	$(NODE) demo/run.mjs

test-proxy: pkg
	$(NODE) --test --test-timeout=60000 tests/proxy/
