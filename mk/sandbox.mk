# Sandbox VICIdial: the comparison with the real server alone (it also runs in test-sandbox).
#   make test-sandbox-real   tests/sandbox/realserver.test.mjs: the sandbox vs ../shared/realserver (MariaDB + PHP)
.PHONY: test-sandbox-real
## The sandbox compared with the real api.php and non_agent_api.php (MariaDB + PHP); also part of test-sandbox.
test-sandbox-real:
	$(NODE) --test tests/sandbox/realserver.test.mjs
