# Benchmarks and fuzzing (bench/, benches/, fuzz/).
#   make bench                 measure everything side by side and write bench/RESULTS.md (~10-15 min)
#   make fuzz                  run each fuzz target FUZZ_RUNS times (default 1000000) -> bench/fuzz-<runs>.json
#   make fuzz FUZZ_RUNS=10000000   the long run that bench/RESULTS.md quotes
# Not part of `make test`.

FUZZ_RUNS ?= 1000000
# The quick fuzz pass inside `make bench`.
BENCH_FUZZ_RUNS ?= 200000
# The long fuzz run RESULTS.md quotes (its file is kept in bench/).
FUZZ_REFERENCE_RUNS ?= 10000000

.PHONY: bench fuzz bench-tools

## Run each fuzz target FUZZ_RUNS times (default 1000000) -> bench/fuzz-<runs>.json.
fuzz:
	bash bench/fuzz.sh $(FUZZ_RUNS)

# Tools the measurements need: installed when missing (CI machines have none of them).
## Install the tools the measurements need when missing.
bench-tools: setup
	bash bench/tools.sh

## Measure size, start-up, hot path, native core, proxy load and a fuzz pass; write bench/RESULTS.md (~10-15 min).
bench: bench-tools pkg
	BENCH_FUZZ_RUNS=$(BENCH_FUZZ_RUNS) FUZZ_REFERENCE_RUNS=$(FUZZ_REFERENCE_RUNS) bash bench/run.sh
