// Writes bench/RESULTS.md from the raw results of one `make bench` run
// (target/bench/*.json, target/criterion/, target/pkg-sizes.json) and the
// long fuzz run kept in bench/fuzz-<FUZZ_REFERENCE_RUNS>.json.
//
//   node bench/report.mjs

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const T = path.join(ROOT, 'target', 'bench');
const read = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null);
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'n/a';
  }
};

const size = read(path.join(T, 'size.json'));
const startup = read(path.join(T, 'startup.json'));
const hot = read(path.join(T, 'hotpath.json'));
const boundary = read(path.join(T, 'boundary.json'));
const load = read(path.join(T, 'load.json'));
const steps = read(path.join(T, 'steps.json'));
const pkgSizes = read(path.join(ROOT, 'target', 'pkg-sizes.json'));
const quickFuzz = read(path.join(T, 'fuzz-quick.json'));
const refRuns = process.env.FUZZ_REFERENCE_RUNS ?? '10000000';
const longFuzz = read(path.join(ROOT, 'bench', `fuzz-${refRuns}.json`));

const kb = (b) => (b / 1024).toFixed(1);
const ms = (x, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const num = (x) => Math.round(x).toLocaleString('en-US');
const verdict = (ok) => (ok ? '**met**' : '**MISSED**');

// ------------------------------------------------------------ criterion
const CRIT = [
  ['build', 'validate_encode', 'TransferDraft::validate + encode (no credentials)'],
  ['build', 'validate_encode_credentials', 'TransferDraft::validate + encode (source, user, pass with +)'],
  ['build', 'validate_only', 'TransferDraft::validate alone (with credentials)'],
  ['build', 'encode_only', 'TransferRequest::encode alone (with credentials)'],
  ['build', 'encode_sketch', 'reference: a 4-escape encoder, asserted equal to encode() (not the library)'],
  ['build', 'validate_invalid', 'TransferDraft::validate of an invalid draft'],
  ['parse', 'success', 'parse_reply, SUCCESS line'],
  ['parse', 'no_active_call', 'parse_reply, no active call'],
  ['parse', 'auth_error', 'parse_reply, auth error with SQL'],
  ['parse', 'success_full_js_work', 'parse_reply + without_secret + message + redact (what parseReply does in Rust)'],
  ['parse', 'recorded_mix', 'parse_reply, every recorded reply (per reply)'],
  ['decode', 'proxy_request', 'decode_transfer of a proxy request'],
];
const crit = {};
for (const [g, n, what] of CRIT) {
  const est = read(path.join(ROOT, 'target', 'criterion', g, n, 'new', 'estimates.json'));
  const bench = read(path.join(ROOT, 'target', 'criterion', g, n, 'new', 'benchmark.json'));
  if (!est) continue;
  const elems = bench?.throughput?.Elements ?? 1;
  const nsPerElem = est.median.point_estimate / elems;
  crit[`${g}/${n}`] = { what, nsPerElem, perSec: 1e9 / nsPerElem, lo: est.median.confidence_interval.lower_bound / elems, hi: est.median.confidence_interval.upper_bound / elems };
}

// ------------------------------------------------------------ goals
const wasmGz = pkgSizes?.find((r) => r.file === 'vicidial_xfer_bg.wasm')?.gzip;
const startTotal = startup?.inProcess?.total?.median;
const freshAdded = startup?.freshProcess?.added?.median;
const pkgNs = hot?.results?.package?.nsPerOp;
const jsNs = hot?.results?.['js same-checks']?.nsPerOp;
const buildRate = crit['build/validate_encode']?.perSec;
const buildRateCred = crit['build/validate_encode_credentials']?.perSec;
const parseRate = crit['parse/success']?.perSec;
const parseMix = crit['parse/recorded_mix']?.perSec;
const closedProxy = load?.closed?.proxy;
const rateAdded = load?.rate?.added;
const serialAdded = load?.serial?.added;
const v = load?.verify;
const loadErrors = load ? ['closed', 'rate', 'rateLow', 'serial'].filter((m) => load[m]).reduce((n, m) => n + load[m].proxy.errors + load[m].direct.errors, 0) : null;

const goals = [];
const goal = (what, target, measured, ok, miss) => goals.push({ what, target, measured, ok, miss });
if (wasmGz) {
  goal('wasm size, gzip -9', '<= 30 KB (stretch 20 KB)', `${kb(wasmGz)} KB`, wasmGz <= 30 * 1024, `${kb(wasmGz - 30 * 1024)} KB over`);
}
if (startTotal !== undefined) {
  goal('Node start-up: compile + instantiate + first parseReply (in-process, median)', '<= 1 ms', `${ms(startTotal)} ms`, startTotal <= 1, `${ms(startTotal - 1)} ms over (x${(startTotal / 1).toFixed(1)})`);
}
if (pkgNs !== undefined) {
  goal('hot path per transfer (validate + build + parse), package in Node', '<= 5 µs', `${(pkgNs / 1000).toFixed(2)} µs`, pkgNs <= 5000, `${((pkgNs - 5000) / 1000).toFixed(2)} µs over`);
  goal('package vs same-checks JS baseline', 'not slower', `x${(pkgNs / jsNs).toFixed(2)}`, pkgNs <= jsNs, `${(pkgNs / jsNs).toFixed(2)}x the baseline's time`);
}
if (buildRate !== undefined) {
  goal('native builds (validate + encode) per second, one core', '>= 2 M/s', `${(buildRate / 1e6).toFixed(2)} M/s (with credentials ${(buildRateCred / 1e6).toFixed(2)} M/s)`, buildRate >= 2e6, `${((2e6 - buildRate) / 1e6).toFixed(2)} M/s short`);
}
if (parseRate !== undefined) {
  goal('native parses per second, one core (SUCCESS line)', '>= 5 M/s', `${(parseRate / 1e6).toFixed(2)} M/s (recorded mix ${(parseMix / 1e6).toFixed(2)} M/s)`, parseRate >= 5e6, `${((5e6 - parseRate) / 1e6).toFixed(2)} M/s short`);
}
if (closedProxy) {
  goal('proxy throughput, transfers with 0 errors', '>= 2,000 req/s', `${num(closedProxy.reqPerSec)} req/s, ${loadErrors} errors`, closedProxy.reqPerSec >= 2000 && loadErrors === 0, `${num(2000 - closedProxy.reqPerSec)} req/s short`);
  const low = load.rateLow?.added;
  goal('proxy p99 added latency (open loop at 2,000 req/s offered)', '<= 1 ms', `${ms(rateAdded.p99)} ms (at ${load.rateLow?.proxy?.offered ?? '?'} req/s: ${ms(low?.p99)} ms; serial: ${ms(serialAdded.p99)} ms)`, rateAdded.p99 <= 1, `${ms(rateAdded.p99 - 1)} ms over`);
  goal('transfers lost / duplicated', '0 / 0', `${v.lost} / ${v.duplicated} of ${num(v.callsCreated)}`, v.lost === 0 && v.duplicated === 0, 'see load section');
}
if (longFuzz) {
  const ok = longFuzz.targets.every((t) => t.crashes === 0 && t.exit === 0 && t.executions >= Number(refRuns));
  goal(`fuzzing, >= ${num(Number(refRuns))} executions per target`, '0 crashes', longFuzz.targets.map((t) => `${t.target}: ${num(t.executions)} execs, ${t.crashes} crashes`).join('; '), ok, 'see fuzz section');
}

// ------------------------------------------------------------ machine
const machine = {
  nproc: sh('nproc', []),
  model: sh('sh', ['-c', "lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1"]),
  kernel: sh('uname', ['-r']),
  mem: sh('sh', ['-c', "awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo"]),
};
const tools = {
  rustc: sh('rustc', ['--version']),
  cargo: sh('cargo', ['--version']),
  node: process.version,
  'wasm-bindgen': sh('wasm-bindgen', ['--version']),
  'wasm-opt (npm binaryen)': sh(process.execPath, [path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), '--version']),
  workerd: sh(path.join(ROOT, 'node_modules', '.bin', 'workerd'), ['--version']),
  twiggy: sh('twiggy', ['--version']),
  wrk: sh('sh', ['-c', 'wrk --version 2>&1 | head -1 | cut -d" " -f1-2']),
  'cargo-fuzz': sh('cargo', ['fuzz', '--version']),
  criterion: sh('sh', ['-c', "awk '/^name = \"criterion\"$/ { getline; gsub(/version = |\"/, \"\"); print; exit }' Cargo.lock"]),
};
const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no']) !== '';

// ------------------------------------------------------------ markdown
const L = [];
const p = (...xs) => L.push(...xs);
p('# vicidial-xfer: benchmark results', '');
p(`Written by \`make bench\` (bench/run.sh -> bench/report.mjs) on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC, commit \`${commit}\`${dirty ? ' (work tree had uncommitted changes by others: pkg/ was built from it)' : ''}. All parts ran one after another in this one run${steps ? ` (${steps.totalSeconds} s: ${Object.entries(steps.steps).map(([k, s]) => `${k} ${s} s`).join(', ')})` : ''}.`, '');
p(`Machine: ${machine.nproc} cores, ${machine.model}, ${machine.mem}, Linux ${machine.kernel}. Everything (load generators included) runs on this machine on 127.0.0.1.`, '');
p('Tools: ' + Object.entries(tools).map(([k, x]) => `${k} \`${x}\``).join(', ') + '.', '');

p('## Goals', '', '| goal | target | measured | verdict |', '|---|---|---|---|');
for (const g of goals) p(`| ${g.what} | ${g.target} | ${g.measured} | ${verdict(g.ok)}${g.ok ? '' : ` (${g.miss})`} |`);
p('');

// ---- 1. size
p('## 1. Size of the package', '');
p('Command: `make pkg` (pkg-template/build.mjs: cargo release for wasm32 -> wasm-bindgen -> wasm-opt -Oz from npm binaryen); sizes from `target/pkg-sizes.json` (gzip -9 and brotli 11 via Node zlib).', '');
if (pkgSizes) {
  p('| file | raw | gzip -9 | brotli |', '|---|---:|---:|---:|');
  for (const r of pkgSizes) p(`| ${r.file} | ${kb(r.raw)} KB | ${kb(r.gzip)} KB | ${kb(r.brotli)} KB |`);
  p('');
}
if (size) {
  const a = size.attribution;
  p(`### Where the bytes go (twiggy)`, '');
  p(`Method: ${a.method}. Commit measured: \`${size.commit}\` (${size.scratch}). Code + data: ${num(a.codeAndDataBytes)} B (before gzip).`, '');
  p('| crate / part | bytes | share |', '|---|---:|---:|');
  for (const { crate, bytes } of a.perCrate.slice(0, 18)) p(`| ${crate} | ${num(bytes)} | ${((100 * bytes) / a.codeAndDataBytes).toFixed(1)} % |`);
  p('', '"export shims" are the wasm-bindgen entry points into which wasm-opt inlined the called Rust code (e.g. `decodeTransfer externref shim` holds most of decode_transfer).', '');
  p('Retained size per export (`twiggy dominators`: what would go if the export went):', '', '| export | retained bytes |', '|---|---:|');
  for (const e of a.exports.slice(0, 12)) p(`| ${e.name} | ${num(e.retained)} |`);
  p('', '<details><summary>twiggy top -n 25</summary>', '', '```', a.topText.trim(), '```', '', '</details>', '');
  p('<details><summary>twiggy dominators -d 1 -r 30</summary>', '', '```', a.domText.trim(), '```', '', '</details>', '');
  p('<details><summary>twiggy paths: who keeps slice_error_fail (and hashbrown, if any)</summary>', '', '```', a.pathsFmt.trim().split('\n').slice(0, 60).join('\n'), '', a.pathsHash.trim().split('\n').slice(0, 30).join('\n'), '```', '', '</details>', '');
  p('Findings:', '');
  p('- **TransferClient** (gloo-net, wasm-bindgen-futures, web-sys, js_sys futures queue) is the largest single block: the `future_to_promise` closure, the `transferclient_*` shims, gloo-net\'s request builder and error conversion.');
  p('- **core::fmt** is not called by the crate\'s own code (it builds messages without `format!`): it comes from panic paths. `str` slicing (`&s[..n]`, `split_at`) and std\'s `StrSearcher` (`str::find/contains/replace` with a `&str` pattern) keep `slice_error_fail`, which formats `char` and `Range` with `Debug`; `unwrap` of a `TryFromIntError` keeps its `Debug`; the std panic handler keeps `fmt::write`. `panic = "abort"` does not remove them: only `-Cpanic=immediate-abort` (nightly, build-std) or panic-free code does.');
  const crates = new Set(a.perCrate.map((c) => c.crate));
  if (crates.has('hashbrown') || crates.has('serde_wasm_bindgen')) {
    p('- **hashbrown** comes from serde-wasm-bindgen\'s interned-key cache (`static_str_to_js`), i.e. from every object the package returns.');
  } else {
    p('- **hashbrown / serde-wasm-bindgen**: gone at this commit (objects are built by hand in src/wasm/out.rs). Measured before that change (commit 7b94c53): serde-wasm-bindgen output cost ~6 KB gzip and pulled in hashbrown through its interned-key cache; a serde_json string + JSON.parse variant measured 45.3 KB vs 48.2 KB then, so the hand-built objects (41.0 KB) are the better choice.');
  }
  p('- **dlmalloc** (std\'s allocator on wasm32) is ~7 KB of code.', '');

  p('### Experiments (each measured in this run on a scratch copy; nothing in the repository changed)', '');
  p('Pipeline for each: cargo build (release profile of Cargo.toml unless stated) -> wasm-bindgen --target web -> wasm-opt; then the module is instantiated and `parseReply`, `buildTransfer` (valid, and invalid: must throw with issues) are called (smoke). Source patches are in bench/size.mjs.', '');
  const base = size.experiments.find((e) => e.name === 'baseline');
  p('| experiment | what changed | raw | gzip -9 | brotli | gzip vs baseline | smoke | core tests |', '|---|---|---:|---:|---:|---:|---|---|');
  for (const e of size.experiments) {
    if (e.notApplicable) {
      p(`| ${e.name} | ${e.what} | | | | | n/a: ${e.notApplicable} | |`);
      continue;
    }
    if (e.error) {
      const line = e.error.split('\n').find((l) => /^error(\[|:)/.test(l) && !/could not compile/.test(l)) ?? e.error.split('\n')[0];
      const at = e.error.split('\n').find((l) => /^\s*--> /.test(l))?.trim() ?? '';
      p(`| ${e.name} | ${e.what} | | | | | error: ${line.slice(0, 140).replace(/`/g, "'")} ${at} | |`);
      continue;
    }
    const d = base ? e.gzip - base.gzip : 0;
    p(`| ${e.name} | ${e.what} | ${kb(e.raw)} KB | **${kb(e.gzip)} KB** | ${kb(e.brotli)} KB | ${d === 0 ? '0' : `${d > 0 ? '+' : ''}${kb(d)} KB`} | ${e.smoke} | ${e.verify ?? ''} |`);
  }
  p('');
  p('(`baseline` here is HEAD built in the scratch copy; it can differ by a few hundred bytes from pkg/ above when the work tree has uncommitted changes.)', '');
}

// ---- 2. startup
p('## 2. Start-up', '');
if (startup) {
  const a = startup.inProcess;
  p(`Command: \`node bench/startup.mjs --runs 200 --workerd-runs 60\` (${startup.node}).`, '');
  p(`**A. Node, in one process** (${a.method}; wasm ${num(a.wasmBytes)} B). V8 compiles wasm lazily (Liftoff on first call), so "compile" is decoding + validation and the first call includes compiling the functions it runs.`, '');
  p('| phase | median | p10 | p90 |', '|---|---:|---:|---:|');
  for (const [k, label] of [['compile', 'new WebAssembly.Module(bytes)'], ['instantiate', 'initSync({ module }) (instantiate + start)'], ['firstCall', 'first parseReply'], ['total', '**total**']]) {
    p(`| ${label} | ${ms(a[k].median)} ms | ${ms(a[k].p10)} ms | ${ms(a[k].p90)} ms |`);
  }
  const sv = read(path.join(T, 'startup-variants.json'));
  if (sv?.inProcessCompare?.length) {
    p('', `The same in-process measurement, pkg/ and builds of the size experiments below measured interleaved in one process (\`node bench/startup.mjs --only A --compare target/bench/size-out/...\`; ${sv.inProcess.method}):`, '');
    p('| build | wasm bytes | compile | instantiate | first call | total |', '|---|---:|---:|---:|---:|---:|');
    for (const b of [sv.inProcess, ...sv.inProcessCompare]) {
      p(`| ${b.dir} | ${num(b.wasmBytes)} | ${ms(b.compile.median)} ms | ${ms(b.instantiate.median)} ms | ${ms(b.firstCall.median)} ms | **${ms(b.total.median)} ms** |`);
    }
  }
  const f = startup.freshProcess;
  p('', `**B. Node, fresh processes** (${f.method}).`, '');
  p('| implementation | median | p10 | p90 | process wall time (median) |', '|---|---:|---:|---:|---:|');
  p(`| pkg/node.js (wasm) | ${ms(f.wasm.median)} ms | ${ms(f.wasm.p10)} ms | ${ms(f.wasm.p90)} ms | ${ms(f.wallWasm.median, 1)} ms |`);
  p(`| bench/js-baseline.mjs (no wasm) | ${ms(f.js.median)} ms | ${ms(f.js.p10)} ms | ${ms(f.js.p90)} ms | ${ms(f.wallJs.median, 1)} ms |`);
  p(`| **added by the package** | **${ms(f.added.median)} ms** | | | |`);
  const w = startup.workerd;
  p('', `**C. workerd** (${w.method}). Code inside workerd cannot time itself (the clock stands still while JavaScript runs), so all times are taken from outside.`, '');
  p('| worker | spawn -> listening | first request | second request |', '|---|---:|---:|---:|');
  for (const [k, label] of [['js', 'worker-js: js baseline, no wasm'], ['lazy', 'worker-lazy: .wasm module imported, instantiated on the first request'], ['shipped', 'worker-shipped: pkg/workerd.js as shipped']]) {
    const x = w.workers[k];
    p(`| ${label} | ${ms(x.listen.median, 1)} ms | ${ms(x.first.median)} ms | ${ms(x.second.median)} ms |`);
  }
  p('', `- instantiate + first call in workerd (worker-lazy first - second request, minus the same difference for worker-js): **${ms(w.instantiateFirstCall)} ms**`);
  p(`- compile while workerd loads the config (worker-lazy listening - worker-js listening): **${ms(w.compileAtLoad, 1)} ms** (noisy: process start dominates)`);
  p(`- as shipped, spawn to first response, minus worker-js: **${ms(w.shippedAdded, 1)} ms**`, '');
}

// ---- 3. hot path
p('## 3. Hot path across the JS boundary (Node)', '');
if (hot) {
  p(`Command: \`node bench/hotpath.mjs --rounds 15 --iter 50000\` (${hot.node}). Method: ${hot.method}. One transfer = \`validateTransfer(req)\` + \`buildTransfer(req)\` + \`parseReply(successLine, { secret })\` with a request carrying source, user, pass (\`12+34\`), agent, call ID (1024 distinct) and in-group.`, '');
  const ag = hot.agreement;
  p(`**Agreement before timing**: bench/js-baseline.mjs (the same checks, written from the spec) gave exactly the package's output (deep equality, messages, positions and thrown errors included) in all ${num(ag.comparisons)} comparisons: ${num(ag.requests)} requests (${ag.validRequests} valid; every field with empty, surrounding-space, invalid-character, too-long/short, list, DEFAULTINGROUP-misuse, non-string values, random mixes, non-objects), ${num(ag.replies)} replies (every recorded reply of ../shared/vicidial-replies x 6 secret options, edge cases, 3,000 generated from reply fragments), covering ${ag.replyCodes.length} reply codes.`, '');
  p('| implementation | ns per op (median) | min-max of rounds | vs same-checks JS |', '|---|---:|---:|---:|');
  for (const [k, r] of Object.entries(hot.results)) p(`| ${k} | ${num(r.nsPerOp)} | ${num(r.min)}-${num(r.max)} | x${(r.nsPerOp / jsNs).toFixed(2)} |`);
  p('', 'The naive baseline (URLSearchParams + split) checks nothing, sends `+` as `%2B` only by luck of URLSearchParams, and does not redact: it is the floor, not an alternative.', '');
}
if (boundary?.notApplicable) {
  p('### Experiment: a leaner boundary (bench/boundary.mjs)', '', `Not run: ${boundary.notApplicable}. Measured before (commit 1386124, package then ~21 µs per transfer): fields as string arguments and one length-prefixed string back gave ~9.6 µs with identical output on all shared cases; commit 98eaeb5 adopted that design (fields as arguments, one JSON string back).`, '');
} else if (boundary) {
  p('### Experiment: a leaner boundary (bench/boundary.mjs)', '');
  p(`On a scratch copy of HEAD, three extra exports take the seven fields as string arguments (plus a bitmask of non-string fields) and return ONE length-prefixed string, which a few lines of JavaScript unpack into the same objects. Checked first: identical results to the package in all ${num(boundary.comparisons)} comparisons of the shared cases. Then timed like the hot path (${boundary.rounds} rounds x ${boundary.iter}):`, '');
  p('| implementation | ns per op (median) | vs same-checks JS |', '|---|---:|---:|');
  const bj = boundary.results['js same-checks'].nsPerOp;
  for (const [k, r] of Object.entries(boundary.results)) p(`| ${k} | ${num(r.nsPerOp)} | x${(r.nsPerOp / bj).toFixed(2)} |`);
  p('', `(wasm of that experiment: ${kb(boundary.wasmGzip)} KB gzip.)`, '');
}

// ---- 4. native
p('## 4. Native core (criterion, one core)', '');
p(`Command: \`cargo bench --bench core\` (benches/core.rs, criterion ${tools.criterion}, 50 samples, 2 s measurement each). Median time per element, its 95 % interval, and the rate.`, '');
p('| benchmark | what | median | 95 % CI | per second |', '|---|---|---:|---:|---:|');
for (const [k, c] of Object.entries(crit)) p(`| ${k} | ${c.what} | ${num(c.nsPerElem)} ns | ${num(c.lo)}-${num(c.hi)} ns | **${(c.perSec / 1e6).toFixed(2)} M/s** |`);
p('');

// ---- 5. load
p('## 5. Proxy under load', '');
if (load) {
  p(`Command: \`node bench/load.mjs --closed 15000 --concurrency 32 --rate 2000 --rate-low 500 --rate-seconds 8 --serial 2000 --wrk-seconds 8\`. Stack: ${load.stack}. Generator: ${load.generator}. Each mode ran direct and through the proxy in two alternating halves (direct, proxy, proxy, direct); figures are the mean of the halves. ${num(load.calls.created)} live calls were created first (POST /sandbox/calls, ${load.calls.seconds.toFixed(1)} s); 300 transfers per target warmed up first.`, '');
  p('| mode | target | transfers | req/s | p50 | p90 | p99 | max | errors |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const mode of ['serial', 'closed', 'rateLow', 'rate'].filter((m) => load[m])) {
    for (const t of ['direct', 'proxy']) {
      const r = load[mode][t];
      const label = { serial: 'serial (1 at a time)', closed: `closed loop, ${r.concurrency ?? ''} concurrent`, rate: `open loop, ${r.offered ?? ''} req/s offered`, rateLow: `open loop, ${r.offered ?? ''} req/s offered` }[mode];
      p(`| ${label} | ${t} | ${num(r.requests)} | ${num(r.reqPerSec)} | ${ms(r.p50)} ms | ${ms(r.p90)} ms | ${ms(r.p99)} ms | ${ms(r.max, 1)} ms | ${r.errors} |`);
    }
    p(`| ${mode} | **added by the proxy** | | | ${ms(load[mode].added.p50)} ms | | **${ms(load[mode].added.p99)} ms** | | |`);
  }
  const errs = ['serial', 'closed', 'rateLow', 'rate'].filter((m) => load[m]).flatMap((m) => ['direct', 'proxy'].filter((t) => load[m][t].errors).map((t) => `${m}/${t}: ${load[m][t].errors} (${[...new Set(load[m][t].firstErrors)].join('; ')})`));
  if (errs.length) p('', `Errors: ${errs.join('; ')}.`);
  p('', `Open-loop latencies are measured from each request's scheduled send time (so queueing behind a slow answer counts). Verification via GET /sandbox/stats: ${num(v.callsCreated)} calls created, ${num(v.transferredOnce)} transferred exactly once, **${v.lost} lost, ${v.duplicated} duplicated** (sandbox: ${num(v.sandboxTransfers)} transfers, ${v.sandboxDuplicated} duplicated); every answer was checked to be the SUCCESS line for its own call. A "lost" call is one the sandbox never transferred; its client got an error (never a silent success).`, '');
  if (load.wrk) {
    p(`Raw throughput, fixed body (${load.wrkVersion.split(' ').slice(0, 2).join(' ')}; one thread, 32 connections, 8 s; the call ID does not exist, so the whole path runs and the sandbox answers \`ERROR: no active call found\`; no transfer happens):`, '');
    p('| target | req/s | p50 | p99 | non-2xx | wrong body | socket errors |', '|---|---:|---:|---:|---:|---:|---|');
    for (const t of ['direct', 'proxy']) {
      const w = load.wrk[t];
      p(`| ${t} | ${num(w.reqPerSec)} | ${ms(w.p50)} ms | ${ms(w.p99)} ms | ${w.non2xx} | ${w.bad} | ${w.socketErrors ?? 'none'} |`);
    }
    p('', `Command: \`${load.wrk.proxy.command}\``, '');
  }
}

// ---- 6. fuzz
p('## 6. Fuzzing', '');
const fuzzTable = (f) => {
  p('| target | executions | exec/s | seconds | crashes | corpus (units kept by libFuzzer / files in fuzz/corpus) |', '|---|---:|---:|---:|---:|---:|');
  for (const t of f.targets) p(`| ${t.target} | ${num(t.executions)} | ${num(t.execPerSec)} | ${t.seconds} | ${t.crashes}${t.exit ? ` (exit ${t.exit})` : ''} | ${num(t.corpusUnits ?? 0)} / ${num(t.corpus)} |`);
  p('');
  if (f.note) p(`Note: ${f.note}`, '');
};
p('Targets (fuzz/, cargo-fuzz, libFuzzer, AddressSanitizer, debug assertions on): `parse_reply` (arbitrary bytes as UTF-8 or lossily -> parse_reply / redact; field <= 100 B, excerpt <= 512 B, message bounded, Display == message; an auth error line built from the input with the password in the server\'s slot and repeated in a SQL tail: the parsed reply and the redacted text must not depend on the password, and with the password as secret no copy of it may survive) and `decode_transfer` (arbitrary text; a decoded request re-encodes and decodes to the identical request, encoding is a fixed point, the masked form never shows the password).', '');
if (longFuzz) {
  p(`**Long run** (\`${longFuzz.command}\`, ${longFuzz.started} -> ${longFuzz.finished}, commit \`${longFuzz.commit}\`, ${longFuzz.cargoFuzz}, libfuzzer-sys ${longFuzz.libfuzzerSys}, ${longFuzz.rustc}, sanitizer ${longFuzz.sanitizer}; kept in bench/fuzz-${refRuns}.json):`, '');
  fuzzTable(longFuzz);
} else {
  p(`No long run recorded yet: run \`make fuzz FUZZ_RUNS=${refRuns}\` (writes bench/fuzz-${refRuns}.json).`, '');
}
if (quickFuzz) {
  p(`**This run's quick pass** (\`bash bench/fuzz.sh ${quickFuzz.targets[0]?.runs}\` on \`${quickFuzz.commit}\`, ${quickFuzz.started} -> ${quickFuzz.finished}; corpus carried over from earlier runs in fuzz/corpus/):`, '');
  fuzzTable(quickFuzz);
}

// ---- how to reproduce
p('## Reproduce', '');
p('```sh', 'make bench                        # everything above; raw results in target/bench/', `make fuzz FUZZ_RUNS=${refRuns}     # the long fuzz run (~45 min, targets one after another), kept in bench/fuzz-${refRuns}.json`, 'node bench/size.mjs --only baseline,combined-stable   # chosen size experiments', 'node bench/hotpath.mjs             # one part alone (likewise startup.mjs, load.mjs, boundary.mjs; options in each file head)', '```', '');
p('`make bench` took about 5 minutes here with tools and build caches present; on a fresh machine add the tool installs (twiggy and cargo-fuzz about 2 minutes each, wasm-bindgen-cli about 2 minutes through `make setup`) and the first builds (std for the build-std experiments, criterion, the fuzz targets): about 15-20 minutes.', '');
p('`make bench` installs what it needs when missing (bench/tools.sh: twiggy, wrk, cargo-fuzz, rust-src; `make setup`: wasm-bindgen-cli, node_modules).');

const NOTES = path.join(ROOT, 'bench', 'NOTES.md');
if (existsSync(NOTES)) p('', readFileSync(NOTES, 'utf8').trim());
writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), L.join('\n') + '\n');
console.log(`report: bench/RESULTS.md (${goals.filter((g) => g.ok).length}/${goals.length} goals met)`);
