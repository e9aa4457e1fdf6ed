# Sandbox VICIdial: the comparison with the real server alone (it also runs in test-sandbox).
#   make test-sandbox-real   tests/sandbox/realserver.test.mjs: the sandbox vs ../shared/realserver (MariaDB + PHP)
.PHONY: test-sandbox-real
test-sandbox-real:
	$(NODE) --test tests/sandbox/realserver.test.mjs
