#!/usr/bin/env bash
# Runs every cargo-fuzz target for a fixed number of executions and records
# what happened in bench/fuzz-<runs>.json (read by bench/report.mjs).
#   bench/fuzz.sh [runs=1000000]    env: FUZZ_MAX_TIME (s per target, default 3600),
#                                        FUZZ_SANITIZER (address|none, default address),
#                                        FUZZ_OUT (default bench/fuzz-<runs>.json),
#                                        FUZZ_TARGETS (default "parse_reply decode_call_control")
# Needs cargo-fuzz (installed if missing) and nightly flags: the stable
# toolchain is used with RUSTC_BOOTSTRAP=1. Exit status 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
max_time=${FUZZ_MAX_TIME:-3600}
sanitizer=${FUZZ_SANITIZER:-address}
read -r -a targets <<<"${FUZZ_TARGETS:-parse_reply decode_call_control}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (about 2 minutes)"
  cargo install cargo-fuzz
fi
echo "fuzz: building targets (sanitizer $sanitizer)"
(cd fuzz && cargo fuzz build -s "$sanitizer" >/dev/null 2>&1) || (cd fuzz && cargo fuzz build -s "$sanitizer")

out=${FUZZ_OUT:-bench/fuzz-$runs.json}
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The code fuzzed is what was built now (others may commit while it runs).
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src fuzz || echo "+uncommitted")
entries=()
crashed=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  log="target/fuzz-$t-$runs.log"
  mkdir -p target
  before=$(ls "fuzz/artifacts/$t" | wc -l)
  echo "fuzz: $t for $runs runs (at most $max_time s)"
  set +e
  (cd fuzz && timeout $((max_time + 120)) cargo fuzz run -s "$sanitizer" "$t" "corpus/$t" "seeds/$t" -- \
      -runs="$runs" -max_total_time="$max_time" -dict="$t.dict" -print_final_stats=1 -close_fd_mask=1) > "$log" 2>&1
  rc=$?
  set -e
  execs=$(awk '/^stat::number_of_executed_units/ { print $NF }' "$log" | tail -1)
  rate=$(awk '/^stat::average_exec_per_sec/ { print $NF }' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  corpus=$(ls "fuzz/corpus/$t" | wc -l)
  # libFuzzer's own count of the units it keeps (the directory also holds superseded ones).
  units=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | awk '{ print $2 }')
  new_crashes=$(( $(ls "fuzz/artifacts/$t" | wc -l) - before ))
  if (( rc != 0 )); then
    crashed=1
    echo "fuzz: $t FAILED (exit $rc); new artifacts: $new_crashes"
    grep -E -A3 "panicked at|ERROR: libFuzzer|SUMMARY" "$log" | head -20 || true
    ls -t "fuzz/artifacts/$t" | head -3 | sed "s|^|  fuzz/artifacts/$t/|"
  fi
  echo "fuzz: $t executions=${execs:-?} exec/s=${rate:-?} seconds=${secs:-?} crashes=$new_crashes corpus=$corpus exit=$rc"
  entries+=("{\"target\":\"$t\",\"runs\":$runs,\"executions\":${execs:-0},\"execPerSec\":${rate:-0},\"seconds\":${secs:-0},\"crashes\":$new_crashes,\"exit\":$rc,\"corpus\":$corpus,\"corpusUnits\":${units:-0}}")
done
finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cargo_fuzz=$(cargo fuzz --version 2>/dev/null | head -1)
libfuzzer=$(awk '/^name = "libfuzzer-sys"$/ { getline; gsub(/version = |"/, ""); print; exit }' fuzz/Cargo.lock)
rustc_v=$(rustc --version)
joined=$(IFS=,; echo "${entries[*]}")
cat > "$out" <<JSON
{"started":"$started","finished":"$finished","commit":"$commit","sanitizer":"$sanitizer","cargoFuzz":"$cargo_fuzz","libfuzzerSys":"$libfuzzer","rustc":"$rustc_v (RUSTC_BOOTSTRAP=1)","command":"make fuzz FUZZ_RUNS=$runs","targets":[$joined]}
JSON
echo "fuzz: wrote $out"
exit $crashed
