# Edge proxy (proxy/), demo server (demo/) and their tests (tests/proxy/).
#   make demo         serve page + package + proxy + sandbox on http://127.0.0.1:8787 (PORT=..., ALLOWED_ORIGINS=...)
#   make test-proxy   run tests/proxy/ against real workerd processes on ephemeral 127.0.0.1 ports

.PHONY: demo test-proxy
TEST_TARGETS += test-proxy

## Serve page, package, proxy and sandbox on http://127.0.0.1:8787; builds pkg/ only when a source is newer.
## PORT=9000 serves elsewhere; ALLOWED_ORIGINS='chrome-extension://<id>,https://crm.example.com' adds origins the demo proxy accepts;
## SANDBOX_API_VERSION=2.14-72 makes the sandbox act as that api.php version.
demo: pkg/package.json
	$(NODE) demo/run.mjs

## The proxy's refusals and upstream faults against real workerd processes.
test-proxy: pkg
	$(NODE) --test --test-timeout=60000 tests/proxy/
