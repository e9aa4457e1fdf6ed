#!/usr/bin/env bash
# `make bench`: every measurement, one after another (no build or other
# measurement overlaps a timing), then bench/report.mjs writes
# bench/RESULTS.md. Raw results land in target/bench/.
#   BENCH_FUZZ_RUNS (default 200000): the quick fuzz pass of this run;
#   the long run quoted next to it is bench/fuzz-$FUZZ_REFERENCE_RUNS.json
#   (`make fuzz FUZZ_RUNS=10000000`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
rm -f "$out/steps.json.tmp"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_all=$(date +%s)
steps=()
step() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo "bench: [$name] $*"
  "$@"
  steps+=("\"$name\": $(($(date +%s) - t0))")
}

step size node bench/size.mjs --verify --json "$out/size.json"
step startup node bench/startup.mjs --runs 200 --workerd-runs 60 --json "$out/startup.json"
# Start-up (in-process part) of pkg/ and of some size experiments' builds, interleaved.
step startup-variants bash -c "node bench/startup.mjs --only A --runs 200 --compare \$(ls -d target/bench/size-out/{no-transferclient,combined-stable,combined-immediate-abort} 2>/dev/null | paste -sd,) --json $out/startup-variants.json"
step hotpath node bench/hotpath.mjs --rounds 15 --iter 50000 --json "$out/hotpath.json"
step boundary node bench/boundary.mjs --rounds 15 --iter 50000 --json "$out/boundary.json"
step criterion bash -c "cargo bench --bench core 2>&1 | tee $out/criterion.txt"
step load node bench/load.mjs --closed 15000 --concurrency 32 --rate 2000 --rate-low 500 --rate-seconds 8 --serial 2000 --wrk-seconds 8 --json "$out/load.json"
# A crash found here is reported in RESULTS.md, not a reason to lose the rest.
step fuzz bash -c "FUZZ_OUT=$out/fuzz-quick.json bash bench/fuzz.sh ${BENCH_FUZZ_RUNS:-200000} || echo 'bench: the fuzz pass found a crash (see RESULTS.md)'"

joined=$(IFS=,; echo "${steps[*]}")
echo "{\"started\": \"$started\", \"totalSeconds\": $(($(date +%s) - t_all)), \"steps\": {$joined}}" > "$out/steps.json"
node bench/report.mjs
echo "bench: wrote bench/RESULTS.md in $(($(date +%s) - t_all)) s"
