#!/usr/bin/env bash
# `make bench`: every measurement, one after another (no build or other
# measurement overlaps a timing), then bench/report.mjs writes
# bench/RESULTS.md. Raw results land in target/bench/. The machine's load
# (`uptime`) is recorded before and after.
#   BENCH_FUZZ_RUNS (default 200000): the quick fuzz pass of this run;
#   the long run quoted next to it is bench/fuzz-$FUZZ_REFERENCE_RUNS.json
#   (`make fuzz FUZZ_RUNS=10000000`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
before=$(uptime)
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

step size node bench/size.mjs --json "$out/size.json"
step startup node bench/startup.mjs --runs 200 --workerd-runs 60 --json "$out/startup.json"
step hotpath node bench/hotpath.mjs --rounds 15 --iter 50000 --json "$out/hotpath.json"
step criterion bash -c "cargo bench --bench core 2>&1 | tee $out/criterion.txt"
step load node bench/load.mjs --closed 15000 --concurrency 32 --serial 2000 --batch 512 --json "$out/load.json"
# The same stack with the Durable Object's storage in memory: what the disk costs.
step load-inmemory node bench/load.mjs --closed 6000 --concurrency 32 --serial 1000 --batch 512 --memory inmemory --json "$out/load-inmemory.json"
# A crash found here is reported in RESULTS.md, not a reason to lose the rest.
step fuzz bash -c "FUZZ_OUT=$out/fuzz-quick.json bash bench/fuzz.sh ${BENCH_FUZZ_RUNS:-200000} || echo 'bench: the fuzz pass found a crash (see RESULTS.md)'"

joined=$(IFS=,; echo "${steps[*]}")
after=$(uptime)
node -e 'const [s, t, b, a, j] = process.argv.slice(1); console.log(JSON.stringify({ started: s, totalSeconds: Number(t), uptimeBefore: b.trim(), uptimeAfter: a.trim(), steps: JSON.parse(`{${j}}`) }))' \
  "$started" "$(($(date +%s) - t_all))" "$before" "$after" "$joined" > "$out/steps.json"
node bench/report.mjs
echo "bench: wrote bench/RESULTS.md in $(($(date +%s) - t_all)) s"
