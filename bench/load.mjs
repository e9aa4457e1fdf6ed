// The proxy under load, on 127.0.0.1, against the sandbox directly.
//
// Stack: the demo's workerd (demo/start.mjs demoConfig: front worker ->
// proxy worker -> sandbox worker by service binding, token `demo` bound to
// agent 1028) with two changes for load: the proxy's per-token rate limit
// is raised (RATE_LIMIT=1000000, RATE_BURST=10000; the demo's 5/s would
// answer 429) and a second socket serves the SAME sandbox service directly,
// so "direct" and "through the proxy" hit one sandbox state, in one
// workerd process.
//
// Every transfer needs a live call: N calls are created first
// (POST /sandbox/calls), then each gets exactly one transfer. The load
// generator is this script (Node http, keep-alive), because every request
// carries a different call ID. Modes, each run direct and through the proxy:
//   closed  C concurrent workers, as fast as answers come: throughput, p50/p99
//   rate    open loop at RATE req/s (latency from the intended send time, so
//           queueing counts): p50/p99 and the added latency of the proxy;
//           also at RATE_LOW req/s, well inside capacity
//   serial  one request at a time: the latency floor and the added latency
// Then GET /sandbox/stats: every call created here transferred exactly once
// (0 lost, 0 duplicated), every answer a SUCCESS line for its call.
// Finally wrk (C, one thread) with ONE fixed body (a call ID that does not
// exist: the whole path runs, nothing is transferred) for raw throughput.
//
//   node bench/load.mjs [--closed 15000] [--concurrency 32] [--rate 2000] [--rate-seconds 8]
//                       [--rate-low 500] [--serial 2000] [--wrk-seconds 8] [--json out.json]

import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoConfig, freePort, DEMO_TOKEN, DEMO_AGENT } from '../demo/start.mjs';
import { startWorkerd, waitForHttp } from '../tests/support/workerd.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const CLOSED = Number(arg('--closed', 15000));
const CONCURRENCY = Number(arg('--concurrency', 32));
const RATE = Number(arg('--rate', 2000));
const RATE_SECONDS = Number(arg('--rate-seconds', 8));
// A second open-loop rate well inside capacity: latency without queueing.
const RATE_LOW = Number(arg('--rate-low', 500));
const SERIAL = Number(arg('--serial', 2000));
const WRK_SECONDS = Number(arg('--wrk-seconds', 8));
const jsonOut = arg('--json', null);
const DEADLINE = Date.now() + 10 * 60 * 1000; // the whole run is bounded

function setBinding(config, name, value) {
  const re = new RegExp(`\\(name = "${name}", text = "[^"]*"\\)`);
  if (!re.test(config)) throw new Error(`demoConfig no longer has a ${name} binding: update bench/load.mjs`);
  return config.replace(re, `(name = "${name}", text = "${value}")`);
}

async function startStack() {
  const port = await freePort();
  let config = demoConfig({ port });
  config = setBinding(config, 'RATE_LIMIT', '1000000');
  config = setBinding(config, 'RATE_BURST', '10000');
  if (!config.includes('sockets = [')) throw new Error('unexpected demoConfig shape: update bench/load.mjs');
  config = config.replace(
    'sockets = [',
    'sockets = [\n    (name = "direct", address = "127.0.0.1:0", http = (), service = "sandbox"),',
  );
  const w = await startWorkerd(config, { sockets: ['http', 'direct'] });
  const front = `http://127.0.0.1:${w.ports.http}`;
  const direct = `http://127.0.0.1:${w.ports.direct}`;
  await waitForHttp(`${front}/sandbox/stats`);
  return { front, direct, pid: w.pid, stop: w.stop };
}

// One keep-alive agent per run: sockets left idle by an earlier run (e.g.
// hundreds opened while an overloaded run queued) are never reused later,
// where the server may already be closing them (ECONNRESET before the
// request reaches it).
let agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function freshAgent() {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
}

function request(base, { method = 'POST', path: p = '/agc/api.php', headers = {}, body = '' }) {
  return new Promise((resolve) => {
    const url = new URL(p, base);
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
        res.on('error', (e) => resolve({ status: 0, body: String(e) }));
      },
    );
    req.setTimeout(15000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end(body);
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const targets = {
  direct: (stack, callId) => ({
    base: stack.direct,
    headers: FORM,
    body: `source=bench&user=6666&pass=1234&agent_user=${DEMO_AGENT}&function=ra_call_control&stage=INGROUPTRANSFER&value=${callId}&ingroup_choices=SALESLINE`,
  }),
  proxy: (stack, callId) => ({
    base: stack.front,
    headers: { ...FORM, Authorization: `Bearer ${DEMO_TOKEN}` },
    body: `agent_user=${DEMO_AGENT}&function=ra_call_control&stage=INGROUPTRANSFER&value=${callId}&ingroup_choices=SALESLINE`,
  }),
};

async function createCalls(stack, n) {
  const ids = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < n) {
        const i = next++;
        const r = await request(stack.front, { path: '/sandbox/calls', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agentUser: DEMO_AGENT }) });
        if (r.status !== 200) throw new Error(`POST /sandbox/calls: ${r.status} ${r.body}`);
        ids[i] = JSON.parse(r.body).callId;
      }
    }),
  );
  return ids;
}

/** Checks one transfer's answer; returns an error string or null. */
function judge(res, callId) {
  if (res.status === 0) return `connection error (no HTTP answer): ${res.body.slice(0, 120)}`;
  if (res.status !== 200) return `HTTP ${res.status}: ${res.body.slice(0, 120)}`;
  const want = `SUCCESS: ra_call_control transfer - ${DEMO_AGENT}|${callId}|`;
  if (res.body.trim() !== want) return `unexpected body: ${res.body.slice(0, 120)}`;
  return null;
}

function summarize(latencies, ms, errors) {
  const s = Float64Array.from(latencies).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    requests: latencies.length,
    seconds: ms / 1000,
    reqPerSec: latencies.length / (ms / 1000),
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: s[s.length - 1],
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
  };
}

async function closedLoop(stack, target, ids, concurrency) {
  freshAgent();
  const lat = [];
  const errors = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length && Date.now() < DEADLINE) {
        const id = ids[next++];
        const r = targets[target](stack, id);
        const s = performance.now();
        const res = await request(r.base, r);
        lat.push(performance.now() - s);
        const e = judge(res, id);
        if (e) errors.push(e);
      }
    }),
  );
  return summarize(lat, performance.now() - t0, errors);
}

async function openLoop(stack, target, ids, rate) {
  freshAgent();
  const lat = [];
  const errors = [];
  const pending = [];
  const t0 = performance.now();
  const interval = 1000 / rate;
  let i = 0;
  while (i < ids.length && Date.now() < DEADLINE) {
    const now = performance.now();
    while (i < ids.length && t0 + i * interval <= now) {
      const id = ids[i];
      const intended = t0 + i * interval;
      const r = targets[target](stack, id);
      pending.push(
        request(r.base, r).then((res) => {
          lat.push(performance.now() - intended);
          const e = judge(res, id);
          if (e) errors.push(e);
        }),
      );
      i++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(pending);
  return { offered: rate, ...summarize(lat, performance.now() - t0, errors) };
}

async function serial(stack, target, ids) {
  return closedLoop(stack, target, ids, 1);
}

function wrk(url, headers, body, seconds, connections) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vicidial-xfer-wrk-'));
  const script = path.join(dir, 'post.lua');
  const lines = [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(body)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  // Count answers that are not 200 or lack the expected reply line.
  lines.push(
    'local bad = 0',
    'function response(status, headers, body) if status ~= 200 or not string.find(body, "no active call found", 1, true) then bad = bad + 1 end end',
    'function done(summary, latency, requests) io.write(string.format("BAD %d\\n", bad)) end',
  );
  writeFileSync(script, lines.join('\n') + '\n');
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.error}`);
  const text = r.stdout;
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const dur = (re) => {
    const m = re.exec(text);
    if (!m) return null;
    const v = Number(m[1]);
    return { us: v / 1000, ms: v, s: v * 1000 }[m[2]];
  };
  // Note: the `response` callback makes wrk parse every body; it costs a little throughput.
  return {
    command: `wrk ${args.slice(0, -3).join(' ')} -s post.lua ${url}`,
    reqPerSec: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    p50: dur(/\s50%\s+([\d.]+)(us|ms|s)/),
    p99: dur(/\s99%\s+([\d.]+)(us|ms|s)/),
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors: /Socket errors:/.test(text) ? text.match(/Socket errors:.*/)[0] : null,
    bad: num(/BAD (\d+)/),
    raw: text,
  };
}

const stack = await startStack();
const out = {
  stack: 'demo/start.mjs demoConfig (front -> proxy -> sandbox, one workerd) + RATE_LIMIT=1000000, RATE_BURST=10000 + a direct socket to the sandbox service',
  generator: 'bench/load.mjs (Node http keep-alive, one process) for transfers with distinct call IDs; wrk for the fixed-body runs',
  workerdPid: stack.pid,
};
try {
  const nRate = Math.round(RATE * RATE_SECONDS);
  const nRateLow = Math.round(RATE_LOW * RATE_SECONDS);
  const perTarget = 300 + CLOSED + nRate + nRateLow + SERIAL;
  const t0 = performance.now();
  const all = await createCalls(stack, 2 * perTarget);
  out.calls = { created: all.length, seconds: (performance.now() - t0) / 1000 };
  console.log(`load: ${all.length} live calls created in ${out.calls.seconds.toFixed(1)} s`);
  const slices = { direct: all.slice(0, perTarget), proxy: all.slice(perTarget) };
  const take = (t, n) => slices[t].splice(0, n);

  // Warm-up: 300 transfers each (JIT), not recorded.
  for (const t of ['direct', 'proxy']) await closedLoop(stack, t, take(t, 300), 8);

  out.closed = {};
  out.rate = {};
  out.serial = {};
  out.rateLow = {};
  // Alternate direct and proxy, in halves, so drift affects both alike.
  for (const [mode, n, fn] of [
    ['serial', SERIAL, (t, ids) => serial(stack, t, ids)],
    ['closed', CLOSED, (t, ids) => closedLoop(stack, t, ids, CONCURRENCY)],
    ['rateLow', nRateLow, (t, ids) => openLoop(stack, t, ids, RATE_LOW)],
    ['rate', nRate, (t, ids) => openLoop(stack, t, ids, RATE)],
  ]) {
    const halves = { direct: [], proxy: [] };
    for (const order of [['direct', 'proxy'], ['proxy', 'direct']]) {
      for (const t of order) halves[t].push(await fn(t, take(t, Math.floor(n / 2))));
    }
    for (const t of ['direct', 'proxy']) {
      const [a, b] = halves[t];
      // Requests and errors add up; rates and percentiles: the mean of the halves.
      const m = (k) => (a[k] + b[k]) / 2;
      out[mode][t] = {
        requests: a.requests + b.requests,
        reqPerSec: m('reqPerSec'),
        p50: m('p50'),
        p90: m('p90'),
        p99: m('p99'),
        max: Math.max(a.max, b.max),
        errors: a.errors + b.errors,
        firstErrors: [...a.firstErrors, ...b.firstErrors].slice(0, 5),
        ...(mode === 'rate' ? { offered: RATE } : {}),
        ...(mode === 'rateLow' ? { offered: RATE_LOW } : {}),
        ...(mode === 'closed' ? { concurrency: CONCURRENCY } : {}),
      };
    }
    const d = out[mode].direct;
    const p = out[mode].proxy;
    out[mode].added = { p50: p.p50 - d.p50, p99: p.p99 - d.p99 };
    console.log(
      `load ${mode}: direct ${d.reqPerSec.toFixed(0)} req/s p50 ${d.p50.toFixed(3)} p99 ${d.p99.toFixed(3)} ms err ${d.errors}; ` +
        `proxy ${p.reqPerSec.toFixed(0)} req/s p50 ${p.p50.toFixed(3)} p99 ${p.p99.toFixed(3)} ms err ${p.errors}; ` +
        `added p50 ${out[mode].added.p50.toFixed(3)} p99 ${out[mode].added.p99.toFixed(3)} ms`,
    );
  }

  // Every call created here: transferred exactly once.
  const statsRes = await request(stack.front, { method: 'GET', path: '/sandbox/stats' });
  const stats = JSON.parse(statsRes.body);
  let once = 0;
  let never = 0;
  let more = 0;
  for (const id of all) {
    const c = stats.perCall[id];
    const n = c ? c.transfers : 0;
    if (n === 1) once++;
    else if (n === 0) never++;
    else more++;
  }
  out.verify = {
    callsCreated: all.length,
    transferredOnce: once,
    lost: never,
    duplicated: more,
    sandboxTransfers: stats.transfers,
    sandboxDuplicated: stats.duplicated,
    sandboxRequests: stats.requests,
    liveCallsLeft: stats.liveCalls,
  };
  console.log(`load verify: ${JSON.stringify(out.verify)}`);

  // Raw throughput with one fixed body (no transfer happens).
  const ghost = 'Y0000000000000000000';
  const d = targets.direct(stack, ghost);
  const p = targets.proxy(stack, ghost);
  out.wrk = {
    direct: wrk(`${stack.direct}/agc/api.php`, d.headers, d.body, WRK_SECONDS, CONCURRENCY),
    proxy: wrk(`${stack.front}/agc/api.php`, p.headers, p.body, WRK_SECONDS, CONCURRENCY),
  };
  for (const t of ['direct', 'proxy']) {
    const w = out.wrk[t];
    console.log(`wrk ${t}: ${w.reqPerSec} req/s p50 ${w.p50} ms p99 ${w.p99} ms non-2xx ${w.non2xx} bad ${w.bad} ${w.socketErrors ?? ''}`);
  }
  out.wrkVersion = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
} finally {
  await stack.stop();
  agent.destroy();
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
