# The package against the real VICIdial agc/api.php (../shared/realserver:
# 2.14-82 and the older revisions versions.sh serves) over MariaDB + PHP.
# The first run on a fresh machine installs mariadb-server, php-cli and
# php-mysql with apt (the harness's up.sh). Without ../shared the suite says
# so and is skipped; under CI=true that is a failure. Ports: 18080 (2.14-82),
# 13306 (MariaDB), 18081.. (older revisions); override with REALVICI_PORT,
# REALVICI_DB_PORT, REALVICI_OLD_PORT_BASE.
.PHONY: test-realserver
TEST_TARGETS += test-realserver

## The package's requests for every stage against the real api.php 2.14-82 and older revisions (../shared/realserver, MariaDB + PHP via apt); database effects compared.
test-realserver: pkg
	timeout 1500 $(NODE) --test --test-concurrency=1 tests/realserver/
