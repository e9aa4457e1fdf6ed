// Start-up of the package: WebAssembly compile + instantiate + first call.
//
// A. Node, in one process, RUNS iterations: the .wasm bytes with a unique
//    custom section right after the header each time (so V8's in-process
//    module cache cannot answer: it looks a module up by a hash of the
//    bytes before the code section, then compares the bytes; with the
//    section at the end every compile compared ~50 KB several times with
//    the modules earlier iterations left alive, ~0.04 ms that a page's one
//    compile does not pay), a fresh copy of the web glue (imported with a unique
//    query, not timed), then timed: `new WebAssembly.Module(bytes)` (V8
//    compiles lazily: this is decoding and validation), `initSync({ module })`
//    (instantiate + __wbindgen_start), the first `parseReply` (includes the
//    lazy compilation of the functions it runs), through the package's API
//    (api.js's makeApi over that glue copy). Reported beside, not in the
//    total: loading that glue copy and api.js (import + makeApi), where V8
//    compiles what build.mjs marks EAGER. The iterations run in 4 blocks
//    spread over the step (see A_BLOCKS); reported last.
// B. Node, RUNS fresh processes per implementation (alternating):
//    bench/startup/child.mjs times from its first line to the end of the
//    first parseReply, import included: pkg/node.js (wasm) against the
//    hand-written JS baseline (no wasm). Also the whole process wall time.
// C. workerd, WORKERD_RUNS fresh processes per worker (interleaved):
//    time from spawn to listening (workerd compiles imported .wasm modules
//    while it loads the config), then the first and a second request on new
//    connections. Workers: worker-js (no wasm), worker-lazy (instantiates on
//    its first request: first minus second request = instantiate + first
//    call), worker-shipped (pkg/workerd.js as shipped: instantiates while
//    the worker starts). Code inside workerd cannot time itself (its clock
//    stands still during execution), so everything is timed from outside.
//
//   node bench/startup.mjs [--runs 200] [--workerd-runs 60] [--json out.json] [--only A|B|C]

import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { capnpConfig, startWorkerd, workerService } from '../tests/support/workerd.mjs';
import { customSection } from '../pkg-template/wasm-sections.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Number(arg('--runs', 200));
const WORKERD_RUNS = Number(arg('--workerd-runs', 60));
const jsonOut = arg('--json', null);
const dir = path.join(ROOT, 'pkg');
const only = arg('--only', null);
const BODY = 'SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n';

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const stats = (a) => ({ median: median(a), p10: pct(a, 10), p90: pct(a, 90), n: a.length });
const fmt = (s) => `${s.median.toFixed(3)} ms (p10 ${s.p10.toFixed(3)}, p90 ${s.p90.toFixed(3)}, n=${s.n})`;

const out = { node: process.version };

// ---------------------------------------------------------------- A
// The machine this runs on changes speed in phases of seconds to tens of
// seconds (bench/NOTES.md), and 200 iterations take under a second: in
// one go they measure one phase. So A runs in A_BLOCKS blocks spread over the
// step (before B, in the middle of B, after B, after C; back to back when
// B and C do not run), and reports the median of every iteration and each
// block's own.
const A_BLOCKS = 4;
const inProcess = !only || only === 'A' ? setupA() : null;
const t0Step = performance.now();

function setupA() {
  const bytes = readFileSync(path.join(dir, 'vicidial_xfer_bg.wasm'));
  return {
    bytes,
    api: pathToFileURL(path.join(dir, 'api.js')).href,
    glueUrl: pathToFileURL(path.join(dir, 'vicidial_xfer.js')).href,
    unique: (i) => Buffer.concat([bytes.subarray(0, 8), customSection(`bench${i}`), bytes.subarray(8)]),
    next: 0,
    blocks: [],
    load: [],
    compile: [],
    instantiate: [],
    first: [],
    total: [],
  };
}

/** One block of A: `count` recorded iterations (the first block after 5 unrecorded ones). */
async function blockA(x, count) {
  const warmUp = x.next === 0 ? 5 : 0;
  const totals = [];
  const started = performance.now();
  for (let n = 0; n < warmUp + count; n++) {
    const i = x.next++;
    const b = x.unique(i);
    const l0 = performance.now();
    const glue = await import(`${x.glueUrl}?startup=${i}`);
    // The package's API over this glue copy (api.js's makeApi, as the entries use it).
    const api = (await import(`${x.api}?startup=${i}`)).makeApi(glue, () => true);
    const t0 = performance.now();
    const module = new WebAssembly.Module(b);
    const t1 = performance.now();
    glue.initSync({ module });
    const t2 = performance.now();
    const r = api.parseReply(BODY, { secret: '1234' });
    const t3 = performance.now();
    if (r.code !== 'TRANSFERRED') throw new Error('first call failed');
    if (n < warmUp) continue; // warm-up of the timing code itself
    x.load.push(t0 - l0);
    x.compile.push(t1 - t0);
    x.instantiate.push(t2 - t1);
    x.first.push(t3 - t2);
    x.total.push(t3 - t0);
    totals.push(t3 - t0);
  }
  x.blocks.push({ startedAtSeconds: Number(((started - t0Step) / 1000).toFixed(1)), seconds: Number(((performance.now() - started) / 1000).toFixed(2)), total: stats(totals) });
}

function reportA(x) {
  out.inProcess = {
    method: `one Node process, ${RUNS} iterations (after 5 unrecorded) in ${A_BLOCKS} blocks spread over the step, each with unique .wasm bytes and a fresh glue copy`,
    wasmBytes: x.bytes.length,
    load: stats(x.load),
    compile: stats(x.compile),
    instantiate: stats(x.instantiate),
    firstCall: stats(x.first),
    total: stats(x.total),
    blocks: x.blocks,
  };
  const a = out.inProcess;
  console.log(`A. Node in-process (${a.wasmBytes} B wasm): compile ${fmt(a.compile)}`);
  console.log(`   instantiate ${fmt(a.instantiate)}`);
  console.log(`   first parseReply ${fmt(a.firstCall)}`);
  console.log(`   TOTAL compile+instantiate+first call ${fmt(a.total)}`);
  console.log(`   each block's total: ${a.blocks.map((b) => `${b.total.median.toFixed(3)} ms (from ${b.startedAtSeconds} s, ${b.seconds} s long)`).join(', ')}`);
  console.log(`   (not in the total: loading the glue copy and api.js ${fmt(a.load)})`);
}

// Block sizes: RUNS split into A_BLOCKS (the first blocks take the remainder).
const aBlock = (k) => Math.floor(RUNS / A_BLOCKS) + (k < RUNS % A_BLOCKS ? 1 : 0);
let aBlocksDone = 0;
const nextBlockA = async () => {
  if (inProcess && aBlocksDone < A_BLOCKS) await blockA(inProcess, aBlock(aBlocksDone++));
};
await nextBlockA();

// ---------------------------------------------------------------- B
if (!only || only === 'B') {
  const child = path.join(HERE, 'startup', 'child.mjs');
  const inside = { wasm: [], js: [] };
  const wall = { wasm: [], js: [] };
  for (let i = 0; i < RUNS; i++) {
    if (i === RUNS >> 1) await nextBlockA();
    for (const which of i % 2 ? ['js', 'wasm'] : ['wasm', 'js']) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [child, which], { encoding: 'utf8' });
      const t1 = process.hrtime.bigint();
      if (r.status !== 0) throw new Error(`child ${which} failed: ${r.stderr}`);
      inside[which].push(JSON.parse(r.stdout).ms);
      wall[which].push(Number(t1 - t0) / 1e6);
    }
  }
  const diff = inside.wasm.map((x, i) => x - inside.js[i]);
  out.freshProcess = {
    method: `${RUNS} fresh Node processes per implementation (alternating); time from the child script's first line to the end of its first parseReply, import included`,
    wasm: stats(inside.wasm),
    js: stats(inside.js),
    added: { median: median(inside.wasm) - median(inside.js) },
    wallWasm: stats(wall.wasm),
    wallJs: stats(wall.js),
  };
  console.log(`B. Node fresh process: import pkg/node.js + first parseReply ${fmt(out.freshProcess.wasm)}`);
  console.log(`   import js baseline + first parseReply ${fmt(out.freshProcess.js)}`);
  console.log(`   added by the package: ${out.freshProcess.added.median.toFixed(3)} ms (median difference ${median(diff).toFixed(3)})`);
  console.log(`   process wall time: wasm ${fmt(out.freshProcess.wallWasm)}; js ${fmt(out.freshProcess.wallJs)}`);
}

// ---------------------------------------------------------------- C
await nextBlockA(); // after B
function get(port) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 10000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, body, status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
if (!only || only === 'C') {
  const variants = {
    js: 'bench/startup/worker-js.mjs',
    lazy: 'bench/startup/worker-lazy.mjs',
    shipped: 'bench/startup/worker-shipped.mjs',
  };
  const configs = Object.fromEntries(
    Object.entries(variants).map(([k, entry]) => [
      k,
      capnpConfig({ services: [workerService({ name: 'w', entry })], sockets: [{ name: 'http', service: 'w', port: 0 }] }),
    ]),
  );
  const r = Object.fromEntries(Object.keys(variants).map((k) => [k, { listen: [], first: [], second: [], ready: [] }]));
  for (let i = 0; i < WORKERD_RUNS + 1; i++) {
    const order = Object.keys(variants);
    if (i % 2) order.reverse();
    for (const k of order) {
      const t0 = process.hrtime.bigint();
      const w = await startWorkerd(configs[k], { sockets: ['http'] });
      const listen = Number(process.hrtime.bigint() - t0) / 1e6;
      try {
        const a = await get(w.ports.http);
        const b = await get(w.ports.http);
        if (a.body !== 'TRANSFERRED' || b.body !== 'TRANSFERRED') throw new Error(`${k}: unexpected ${a.status} ${a.body}`);
        if (i === 0) continue; // the first round warms the page cache
        r[k].listen.push(listen);
        r[k].first.push(a.ms);
        r[k].second.push(b.ms);
        r[k].ready.push(listen + a.ms);
      } finally {
        await w.stop();
      }
    }
  }
  const s = (k, f) => stats(r[k][f]);
  out.workerd = {
    method: `${WORKERD_RUNS} fresh workerd processes per worker (interleaved, after 1 unrecorded round); spawn -> listening (control fd), then two GETs on new connections, timed from Node`,
    workers: Object.fromEntries(Object.keys(variants).map((k) => [k, { listen: s(k, 'listen'), first: s(k, 'first'), second: s(k, 'second'), ready: s(k, 'ready') }])),
  };
  const med = (k, f) => median(r[k][f]);
  out.workerd.instantiateFirstCall = med('lazy', 'first') - med('lazy', 'second') - (med('js', 'first') - med('js', 'second'));
  out.workerd.compileAtLoad = med('lazy', 'listen') - med('js', 'listen');
  out.workerd.shippedAdded = med('shipped', 'ready') - med('js', 'ready');
  for (const k of Object.keys(variants)) {
    console.log(`C. workerd ${k.padEnd(8)} listen ${fmt(s(k, 'listen'))}; first request ${fmt(s(k, 'first'))}; second ${fmt(s(k, 'second'))}`);
  }
  console.log(`   instantiate + first call (lazy: first - second request, minus the same for js): ${out.workerd.instantiateFirstCall.toFixed(3)} ms`);
  console.log(`   compile at config load (lazy listen - js listen): ${out.workerd.compileAtLoad.toFixed(3)} ms`);
  console.log(`   as shipped, spawn to first response minus js: ${out.workerd.shippedAdded.toFixed(3)} ms`);
}

// The rest of A (after C, or every block when B or C did not run).
while (inProcess && aBlocksDone < A_BLOCKS) await nextBlockA();
if (inProcess) reportA(inProcess);

if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
