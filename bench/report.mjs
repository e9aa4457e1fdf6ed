// Writes bench/RESULTS.md from the raw results of one `make bench` run
// (target/bench/*.json, target/criterion/), the long fuzz run kept in
// bench/fuzz-<FUZZ_REFERENCE_RUNS>.json, and bench/NOTES.md (hand-written:
// what was tried for each goal), appended.
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
    return 'not available';
  }
};
const [size, startup, hot, load, loadMem, steps, quickFuzz] = ['size', 'startup', 'hotpath', 'load', 'load-inmemory', 'steps', 'fuzz-quick'].map((n) => read(path.join(T, `${n}.json`)));
const refRuns = process.env.FUZZ_REFERENCE_RUNS ?? '10000000';
const longFuzz = read(path.join(ROOT, 'bench', `fuzz-${refRuns}.json`));

const kb = (b) => (b / 1024).toFixed(1);
const ms = (x, d = 3) => (typeof x === 'number' ? x.toFixed(d) : 'not measured');
const num = (x) => Math.round(x).toLocaleString('en-US');
const L = [];
const p = (...xs) => L.push(...xs);
// Columns whose cells start with a digit (or x1.2, <=) are right-aligned.
const numeric = (rows, i) => rows.length > 0 && rows.every((r) => /^(\*\*)?[x<>=~-]*[0-9]/.test(String(r[i])) || r[i] === 'not measured');
const table = (head, rows) => p(`| ${head.join(' | ')} |`, `|${head.map((h, i) => (numeric(rows, i) ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), '');

// ------------------------------------------------------------ criterion
const CRIT = [
  ['build', 'validate_encode', 'INGROUPTRANSFER TransferDraft validate (2.14-82) + encode, no credentials'],
  ['build', 'validate_encode_credentials', 'the same with source, user, pass (with +)'],
  ['build', 'validate_only', 'validate alone (with credentials)'],
  ['build', 'encode_only', 'encode alone (with credentials)'],
  ['build', 'extension_validate_encode', 'EXTENSIONTRANSFER CallControlDraft validate (2.14-82) + encode'],
  ['build', 'hangup_validate_encode', 'HANGUP CallControlDraft validate (any version) + encode'],
  ['build', 'validate_invalid', 'validate of an invalid draft'],
  ['parse', 'success', 'parse_reply, SUCCESS line'],
  ['parse', 'no_active_call', 'parse_reply, no active call'],
  ['parse', 'auth_error', 'parse_reply, auth error with SQL'],
  ['parse', 'success_full_js_work', 'parse_reply_with_secret + message + redact (what parseReply does in Rust)'],
  ['parse', 'recorded_mix', 'parse_reply, every recorded agc reply (per reply)'],
  ['decode', 'proxy_request', 'decode_transfer of a proxy request'],
  ['decode', 'call_control_extension', 'decode_call_control of an EXTENSIONTRANSFER request (2.14-82)'],
];
const crit = [];
for (const [g, n, what] of CRIT) {
  const est = read(path.join(ROOT, 'target', 'criterion', g, n, 'new', 'estimates.json'));
  const elems = read(path.join(ROOT, 'target', 'criterion', g, n, 'new', 'benchmark.json'))?.throughput?.Elements ?? 1;
  if (est) crit.push({ id: `${g}/${n}`, what, ns: est.median.point_estimate / elems });
}
const critOf = (id) => crit.find((c) => c.id === id);

// ------------------------------------------------------------ goals
const wasm = size?.files?.find((f) => f.file === 'vicidial_xfer_bg.wasm');
const fresh = startup?.freshProcess;
const freshRatio = fresh ? fresh.wasm.median / fresh.js.median : undefined;
const inProc = startup?.inProcess?.total?.median;
const pkgNs = hot?.results?.package?.nsPerOp;
const jsNs = hot?.results?.['js same-checks']?.nsPerOp;
const closed = load?.closed;
const errors = load ? ['serial', 'closed'].reduce((n, m) => n + (load[m]?.proxy?.errors ?? 0) + (load[m]?.direct?.errors ?? 0), 0) : undefined;
const v = load?.verify;
const goals = [];
const goal = (what, target, measured, ok, miss) => goals.push([what, target, measured, measured === 'not measured' ? 'not measured' : ok ? '**met**' : `**MISSED** (${miss})`]);
goal('wasm size, gzip -9', '<= 24 KB (moonshot 20 KB)', wasm ? `${kb(wasm.gzip)} KB` : 'not measured', wasm && wasm.gzip <= 24 * 1024,
  wasm && `${kb(wasm.gzip - 24 * 1024)} KB over; moonshot ${kb(wasm.gzip - 20 * 1024)} KB over`);
if (wasm && wasm.gzip <= 24 * 1024) goals.at(-1)[3] += wasm.gzip <= 20 * 1024 ? ', moonshot met' : `, moonshot missed by ${kb(wasm.gzip - 20 * 1024)} KB`;
goal('fresh Node process: import the package + parse one reply, vs the same-checks JS baseline (medians)', '<= 2.0x', fresh ? `x${freshRatio.toFixed(2)} (${ms(fresh.wasm.median, 1)} vs ${ms(fresh.js.median, 1)} ms)` : 'not measured',
  fresh && freshRatio <= 2, fresh && `x${freshRatio.toFixed(2)}: ${ms(fresh.wasm.median - 2 * fresh.js.median, 1)} ms over 2x`);
goal('in-process compile + instantiate + first call (Node, median)', '<= 1 ms', inProc !== undefined ? `${ms(inProc)} ms` : 'not measured', inProc !== undefined && inProc <= 1, `${ms(inProc - 1)} ms over`);
goal('validate + build + parse per transfer, vs the same-checks JS baseline', '<= 1.0x (moonshot 0.5x)', pkgNs ? `x${(pkgNs / jsNs).toFixed(2)} (${(pkgNs / 1000).toFixed(2)} vs ${(jsNs / 1000).toFixed(2)} µs)` : 'not measured',
  pkgNs && pkgNs <= jsNs, pkgNs && `${((pkgNs - jsNs) / 1000).toFixed(2)} µs per transfer over the baseline`);
goal(`proxy throughput (ownership check + Durable Object), ${closed?.concurrency ?? '?'} concurrent, 0 errors`, '>= 2,000 transfers/s', closed ? `${num(closed.proxy.reqPerSec)}/s, ${errors} errors` : 'not measured',
  closed && closed.proxy.reqPerSec >= 2000 && errors === 0, closed && `${num(2000 - closed.proxy.reqPerSec)}/s short${errors ? `, ${errors} errors` : ''}`);
goal('transfers lost / duplicated', '0 / 0', v ? `${v.lost} / ${v.duplicated} of ${num(v.callsCreated)}` : 'not measured', v && v.lost === 0 && v.duplicated === 0, 'see section 5');
goal('proxy p99 added latency, serial', '<= 1 ms', load ? `${ms(load.serial.added.p99)} ms (p50 ${ms(load.serial.added.p50)} ms)` : 'not measured', load && load.serial.added.p99 <= 1, load && `${ms(load.serial.added.p99 - 1)} ms over`);
const build = critOf('build/validate_encode');
const parse = critOf('parse/success');
goal('native builds per second, one core (INGROUPTRANSFER, no credentials)', '>= 2 M/s', build ? `${(1e3 / build.ns).toFixed(2)} M/s` : 'not measured', build && 1e3 / build.ns >= 2, build && `${(2 - 1e3 / build.ns).toFixed(2)} M/s short`);
goal('native parses per second, one core (SUCCESS line)', '>= 5 M/s', parse ? `${(1e3 / parse.ns).toFixed(2)} M/s` : 'not measured', parse && 1e3 / parse.ns >= 5, parse && `${(5 - 1e3 / parse.ns).toFixed(2)} M/s short`);
goal('quick fuzz pass, every target', '0 crashes', quickFuzz ? quickFuzz.targets.map((t) => `${t.target}: ${num(t.executions)} execs, ${t.crashes} crashes`).join('; ') : 'not measured',
  quickFuzz && quickFuzz.targets.every((t) => t.crashes === 0 && t.exit === 0), 'see section 6');

// ------------------------------------------------------------ header
// The commit of the run (size.mjs records HEAD first), not of this report.
const commit = size?.commit ?? sh('git', ['rev-parse', '--short', 'HEAD']);
const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'pkg-template', 'proxy', 'sandbox', 'Cargo.toml', 'Cargo.lock']);
const machine = `${sh('nproc', [])} cores, ${sh('sh', ['-c', "lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1"])}, ${sh('sh', ['-c', "awk '/MemTotal/ {printf \"%.1f GiB\", $2/1048576}' /proc/meminfo"])}, Linux ${sh('uname', ['-r'])}`;
const tools = {
  rustc: sh('rustc', ['--version']),
  node: process.version,
  'wasm-bindgen': sh('wasm-bindgen', ['--version']),
  'wasm-opt': size?.tools?.wasmOpt ?? sh(process.execPath, [path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), '--version']),
  workerd: sh(path.join(ROOT, 'node_modules', '.bin', 'workerd'), ['--version']),
  twiggy: sh('twiggy', ['--version']),
  'cargo-fuzz': sh('cargo', ['fuzz', '--version']),
};
p('# vicidial-xfer: benchmark results', '');
p(`Written by \`make bench\` (mk/bench.mk -> bench/run.sh -> bench/report.mjs), run started ${(steps?.started ?? new Date().toISOString()).replace('T', ' ').slice(0, 16)} UTC` +
  `; this text regenerated ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC from the run's raw results. ` +
  `Commit measured: \`${commit}\`${dirty ? ` (with uncommitted changes to: ${[...new Set(dirty.split('\n').map((l) => l.slice(3).split('/')[0]))].join(', ')})` : ''}; pkg/ built from it by \`make pkg\` in the same run. ` +
  `Every part ran one after another${steps ? ` (${steps.totalSeconds} s: ${Object.entries(steps.steps).map(([k, s]) => `${k} ${s} s`).join(', ')})` : ''}.`, '');
p(`Machine: ${machine}; shared with other sessions, so timings are noisy: load average before the run \`${steps?.uptimeBefore ?? '?'}\`, after \`${steps?.uptimeAfter ?? '?'}\`. Everything (load generator included) runs on this machine, on 127.0.0.1.`, '');
p('Tools: ' + Object.entries(tools).map(([k, x]) => `${k} \`${x}\``).join(', ') + '.', '');
p('## Goals', '');
table(['goal', 'target', 'measured', 'verdict'], goals);

// ------------------------------------------------------------ 1. size
if (size) {
  p('## 1. Size', '', 'Command: `make pkg` (pkg-template/build.mjs), then `node bench/size.mjs`: every file raw / gzip -9 / brotli 11 (Node zlib); per `exports` entry, the files it loads (each compressed alone, as each is a separate module or fetch).', '');
  table(['file', 'raw', 'gzip', 'brotli'], size.files.map((f) => [f.file, `${kb(f.raw)} KB`, `${kb(f.gzip)} KB`, `${kb(f.brotli)} KB`]));
  table(['entry', 'loads', 'raw', 'gzip', 'brotli'], size.entries.map((e) => [e.entry, e.files.join(' + '), `${kb(e.raw)} KB`, `${kb(e.gzip)} KB`, `${kb(e.brotli)} KB`]));
  if (size.memory) p(`Each instance's memory starts at ${size.memory.initialPages} pages of 64 KiB (${size.memory.initialPages * 64} KiB: the 64 KiB stack of .cargo/config.toml, then the data) and grows as a call needs${size.memory.maxPages === null ? '' : `, to at most ${size.memory.maxPages} pages`}.`, '');
  const a = size.attribution;
  if (a?.perCrate) {
    p(`Where the bytes go: ${a.method}. Code + data ${num(a.codeAndDataBytes)} B before compression.`, '');
    table(['crate / part', 'bytes', 'share'], a.perCrate.slice(0, 16).map((c) => [c.crate, num(c.bytes), `${((100 * c.bytes) / a.codeAndDataBytes).toFixed(1)} %`]));
    table(['export', 'retained bytes (twiggy dominators)'], a.exports.slice(0, 12).map((e) => [e.name, num(e.retained)]));
    p('<details><summary>twiggy top -n 25</summary>', '', '```', a.topText.trim(), '```', '', '</details>', '');
  } else if (a) p(`Attribution: ${a.skipped}.`, '');
}

// ------------------------------------------------------------ 2. start-up
if (startup) {
  const s = (x) => `${ms(x.median)} ms (p10 ${ms(x.p10)}, p90 ${ms(x.p90)})`;
  p('## 2. Start-up', '', 'Command: `node bench/startup.mjs --runs 200 --workerd-runs 60` (method in its head comment).', '');
  const i = startup.inProcess;
  if (i) table(['Node, in one process (' + i.method + ')', 'median (p10, p90)'], [['compile (new WebAssembly.Module)', s(i.compile)], ['instantiate (initSync)', s(i.instantiate)], ['first parseReply', s(i.firstCall)], ['**total**', s(i.total)],
    ...(i.blocks ? [['total of each block, in order (seconds into the step)', i.blocks.map((b) => `${ms(b.total.median)} (${b.startedAtSeconds} s)`).join(', ')]] : []),
    ...(i.load ? [['(not in the total) loading the glue copy and api.js: import + makeApi', s(i.load)]] : [])]);
  if (fresh) {
    table([`fresh Node process (${fresh.method})`, 'median (p10, p90)'], [['import pkg/node.js + first parseReply', s(fresh.wasm)], ['import bench/js-baseline.mjs + first parseReply', s(fresh.js)],
      ['ratio of medians', `x${freshRatio.toFixed(2)}`], ['whole process wall time, package / baseline', `${ms(fresh.wallWasm.median, 1)} / ${ms(fresh.wallJs.median, 1)} ms`]]);
  }
  const w = startup.workerd;
  if (w) {
    table([`workerd (${w.method})`, 'listening', 'first request', 'second request'], Object.entries(w.workers).map(([k, x]) => [k, s(x.listen), s(x.first), s(x.second)]));
    p(`workerd: instantiate + first call (lazy worker) ${ms(w.instantiateFirstCall)} ms; compile while loading the config ${ms(w.compileAtLoad)} ms; as shipped, spawn to first answer minus the JS worker ${ms(w.shippedAdded)} ms.`, '');
  }
}

// ------------------------------------------------------------ 3. hot path
if (hot) {
  const g = hot.agreement;
  p('## 3. Hot path', '', `Command: \`node bench/hotpath.mjs --rounds 15 --iter 50000\` (${hot.method}; Node ${hot.node}).`, '',
    `Agreement first (${g.api}): ${num(g.comparisons)} comparisons, all identical (deep equality, messages included): ${num(g.requests)} requests (${num(g.validRequests)} valid; issue codes ${g.issueCodes.join(', ')})${g.requestsSkipped ? `, ${g.requestsSkipped} skipped` : ''}; ${num(g.replies)} replies (reply codes ${g.replyCodes.join(', ')}).`, '');
  table(['per transfer', 'ns (median)', 'min-max', 'vs js same-checks'], Object.entries(hot.results).map(([k, r]) => [k, num(r.nsPerOp), `${num(r.min)}-${num(r.max)}`, `x${(r.nsPerOp / jsNs).toFixed(2)}`]));
}

// ------------------------------------------------------------ 4. native
if (crit.length) {
  p('## 4. Native core (criterion)', '', 'Command: `cargo bench --bench core` (benches/core.rs; 0.5 s warm-up, 2 s measurement, 50 samples each). Built with `[profile.bench]` opt-level 3, as a Rust user\'s release build compiles the crate (a dependency never gets this crate\'s opt-level "z", which is for the wasm; at "z" the same benchmarks take about 2.6 times as long).', '');
  table(['benchmark', 'what', 'ns', 'per second'], crit.map((c) => [c.id, c.what, c.ns.toFixed(1), `${(1e3 / c.ns).toFixed(2)} M`]));
}

// ------------------------------------------------------------ 5. load
if (load) {
  p('## 5. Proxy under load', '', 'Command: `node bench/load.mjs --closed 15000 --concurrency 32 --serial 2000 --batch 512`.', '', `Stack: ${load.stack}. Generator: ${load.generator}.`, '');
  const row = (m, t) => [m, t, num(load[m][t].requests), num(load[m][t].reqPerSec), ms(load[m][t].p50), ms(load[m][t].p90), ms(load[m][t].p99), ms(load[m][t].max, 1), String(load[m][t].errors)];
  table(['mode', 'path', 'transfers', 'per second', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors'], ['serial', 'closed'].flatMap((m) => [row(m, 'direct'), row(m, 'proxy')]));
  p(`Added by the proxy: serial p50 ${ms(load.serial.added.p50)} ms, p99 ${ms(load.serial.added.p99)} ms; at ${load.closed.concurrency} concurrent p50 ${ms(load.closed.added.p50)} ms, p99 ${ms(load.closed.added.p99)} ms.`, '');
  p(`Exactly once (GET /sandbox/stats): ${num(v.callsCreated)} calls created, ${num(v.transferredOnce)} transferred once, ${v.lost} never, ${v.duplicated} more than once (sandbox: ${num(v.sandboxTransfers)} transfers, ${num(v.sandboxRequests)} requests).`, '');
  for (const e of ['serial', 'closed'].flatMap((m) => [...load[m].direct.firstErrors, ...load[m].proxy.firstErrors])) p(`- error: \`${e}\``);
  p('');
}
if (loadMem) {
  const m = loadMem;
  p(`The same stack with the Durable Object's storage in memory (\`--memory inmemory --closed 6000 --serial 1000\`): proxy serial ${num(m.serial.proxy.reqPerSec)}/s (added p50 ${ms(m.serial.added.p50)}, p99 ${ms(m.serial.added.p99)} ms), ` +
    `${m.closed.concurrency} concurrent ${num(m.closed.proxy.reqPerSec)}/s (direct ${num(m.closed.direct.reqPerSec)}/s); errors ${m.serial.proxy.errors + m.closed.proxy.errors}; lost ${m.verify.lost}, duplicated ${m.verify.duplicated} of ${num(m.verify.callsCreated)}.`, '');
}

// ------------------------------------------------------------ 6. fuzz
p('## 6. Fuzzing', '');
const fuzzRows = (f) => f.targets.map((t) => [t.target, num(t.executions), num(t.execPerSec), String(t.seconds), String(t.crashes), String(t.exit), `${t.corpusUnits ?? '?'} units`]);
if (quickFuzz) {
  p(`Quick pass of this run: \`bash bench/fuzz.sh ${quickFuzz.targets[0]?.runs}\` (${quickFuzz.sanitizer} sanitizer, ${quickFuzz.cargoFuzz}, libfuzzer-sys ${quickFuzz.libfuzzerSys}), commit ${quickFuzz.commit}, ${quickFuzz.started} -> ${quickFuzz.finished}. Properties: the head comments of fuzz/fuzz_targets/*.rs.`, '');
  table(['target', 'executions', 'exec/s', 's', 'crashes', 'exit', 'corpus'], fuzzRows(quickFuzz));
}
if (longFuzz) {
  p(`The last long run (\`make fuzz FUZZ_RUNS=${refRuns}\`, not repeated here): commit ${longFuzz.commit}, ${longFuzz.started} -> ${longFuzz.finished}.${longFuzz.note ? ` ${longFuzz.note}` : ''}`, '');
  table(['target', 'executions', 'exec/s', 's', 'crashes', 'exit', 'corpus'], fuzzRows(longFuzz));
}

const notes = path.join(ROOT, 'bench', 'NOTES.md');
if (existsSync(notes)) p(readFileSync(notes, 'utf8').trim(), '');
writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), L.join('\n'));
console.log(`report: wrote bench/RESULTS.md (${L.length} lines)`);
