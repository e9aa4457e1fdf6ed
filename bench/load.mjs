// The proxy under load, on 127.0.0.1, against the sandbox VICIdial.
//
// Stack, one workerd process: the proxy (proxy/worker.mjs) as the entry
// worker, WITH the ownership check (non_agent_api.php agent_status before
// every action: the call must be the agent's current call) and its
// Durable Object memory (CallLedger, stored on disk in a temp dir, as
// proxy/workerd.capnp does), upstream = the sandbox worker by service
// binding (seed `nonagent`: API user 6666/1234, non-agent user naapi);
// a second socket serves the same sandbox directly, so "direct" and
// "through the proxy" hit one sandbox state. The token may act for any
// agent (ALLOW_ANY_AGENT_TOKENS=yes); the rate limit is raised.
// workerd's stdout (the proxy's audit lines) goes to a file, as a
// deployment's log collector would take it, not through this process;
// the run checks one audit line per proxied request.
//
// --upstream process: the sandbox in its own workerd process instead,
// reached by URL over 127.0.0.1 (UPSTREAM_URL, plain fetch), as a VICIdial
// on another machine would be; "direct" then hits that process. On this
// 2-core VM that is not faster: workerd's HTTP client and server over TCP
// cost the proxy's thread more than the in-process sandbox does (a bare
// worker making the two upstream requests: ~2,500/s by binding, ~1,500/s
// over TCP; bench/NOTES.md), so the default stays the service binding.
//
// The sandbox holds ONE current call per agent, so transfers run in
// batches: BATCH agents each get a new live call (POST /sandbox/calls on
// the direct socket, not timed), then each call gets exactly one transfer
// (timed). Modes, each run direct and through the proxy, alternating in
// halves so drift affects both alike:
//   serial  one request at a time: latency floor and the proxy's added latency
//   closed  C concurrent requests, as fast as answers come: throughput, p50/p99
// Each answer must be the SUCCESS line for its agent and call; at the end
// GET /sandbox/stats must show every call created here transferred exactly
// once (0 lost, 0 duplicated).
//
//   node bench/load.mjs [--closed 15000] [--concurrency 32] [--serial 2000] [--batch 512]
//                       [--memory disk|inmemory] [--upstream binding|process] [--json out.json]
//
// Besides rates and latencies, each mode and path reports workerdCpuUs:
// the CPU time (user + system, every workerd process of the stack) per
// timed transfer, from /proc/<pid>/stat.

import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capnpConfig, loopbackNetwork, proxyWorkerService, startWorkerd, waitForHttp, workerService, writableDiskService } from '../tests/support/workerd.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLOSED = arg('--closed', 15000);
const CONCURRENCY = arg('--concurrency', 32);
const SERIAL = arg('--serial', 2000);
const BATCH = arg('--batch', 512);
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const DEADLINE = Date.now() + 10 * 60 * 1000; // the whole run is bounded
const TOKEN = 'bench-load-token';
// --memory disk (default: as proxy/workerd.capnp) | inmemory: where the Durable Object keeps its records.
const MEMORY = process.argv.includes('--memory') ? process.argv[process.argv.indexOf('--memory') + 1] : 'disk';
// --upstream binding (default: the sandbox in the proxy's workerd, by service binding) | process (its own workerd, by URL).
const UPSTREAM = process.argv.includes('--upstream') ? process.argv[process.argv.indexOf('--upstream') + 1] : 'binding';
if (!['disk', 'inmemory'].includes(MEMORY)) throw new Error('--memory must be disk or inmemory');
if (!['binding', 'process'].includes(UPSTREAM)) throw new Error('--upstream must be binding or process');
const SANDBOX = () => workerService({ name: 'sandbox', entry: 'sandbox/worker.mjs', bindings: { SANDBOX_SEED: 'nonagent' } });

async function startStack(store, auditFd) {
  let sandbox = null;
  if (UPSTREAM === 'process') {
    sandbox = await startWorkerd(capnpConfig({ services: [SANDBOX()], sockets: [{ name: 'direct', service: 'sandbox', port: 0 }] }), { sockets: ['direct'] });
  }
  const proxy = {
    UPSTREAM_URL: 'http://upstream.internal/agc/api.php',
    UPSTREAM: { service: 'sandbox' },
    VICIDIAL_SOURCE: 'xferbench',
    VICIDIAL_USER: '6666',
    VICIDIAL_PASS: '1234',
    OWNERSHIP_CHECK: 'on',
    NONAGENT_USER: 'naapi',
    NONAGENT_PASS: 'napass99',
    PROXY_TOKEN: TOKEN,
    TOKEN_AGENTS: `${TOKEN}:*`,
    ALLOW_ANY_AGENT_TOKENS: 'yes',
    RATE_LIMIT: '1000000',
    RATE_BURST: '10000',
    UPSTREAM_TIMEOUT_MS: '10000',
  };
  if (sandbox) {
    delete proxy.UPSTREAM;
    proxy.UPSTREAM_URL = `http://127.0.0.1:${sandbox.ports.direct}/agc/api.php`;
  }
  const config = capnpConfig({
    services: [
      proxyWorkerService({ name: 'proxy', bindings: proxy, storageService: MEMORY === 'disk' ? 'calls-store' : undefined, globalOutbound: sandbox ? 'loopback' : undefined }),
      writableDiskService('calls-store', store),
      sandbox ? loopbackNetwork('loopback') : SANDBOX(),
    ],
    sockets: [{ name: 'proxy', service: 'proxy', port: 0 }, ...(sandbox ? [] : [{ name: 'direct', service: 'sandbox', port: 0 }])],
  });
  let w;
  try {
    w = await startWorkerd(config, { sockets: sandbox ? ['proxy'] : ['proxy', 'direct'], stdout: auditFd });
  } catch (e) {
    await sandbox?.stop();
    throw e;
  }
  const directPort = sandbox ? sandbox.ports.direct : w.ports.direct;
  const pids = sandbox ? [w.pid, sandbox.pid] : [w.pid];
  const stop = async () => {
    await w.stop();
    await sandbox?.stop();
  };
  const stack = { proxy: `http://127.0.0.1:${w.ports.proxy}`, direct: `http://127.0.0.1:${directPort}`, pid: w.pid, pids, stop };
  await waitForHttp(`${stack.direct}/sandbox/stats`);
  return stack;
}

// A fresh keep-alive agent per run: sockets left idle by an earlier run are
// never reused later, where the server may already be closing them.
let agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function freshAgent() {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
}

function request(base, { method = 'POST', path: p = '/agc/api.php', headers = {}, body = '' }) {
  return new Promise((resolve) => {
    const url = new URL(p, base);
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method, agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: text, proxyError: res.headers['x-proxy-error'] }));
        res.on('error', (e) => resolve({ status: 0, body: String(e) }));
      },
    );
    req.setTimeout(15000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end(body);
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const action = (a, c) => `agent_user=${a}&function=ra_call_control&stage=INGROUPTRANSFER&value=${c}&ingroup_choices=SALESLINE`;
const targets = {
  direct: (stack, a, c) => ({ base: stack.direct, headers: FORM, body: `source=bench&user=6666&pass=1234&${action(a, c)}` }),
  proxy: (stack, a, c) => ({ base: stack.proxy, headers: { ...FORM, Authorization: `Bearer ${TOKEN}` }, body: action(a, c) }),
};
const AGENTS = Array.from({ length: Math.max(BATCH, CONCURRENCY) }, (_, i) => `lb${String(i).padStart(5, '0')}`);
const created = [];

/** One new live call for each of the first `n` agents: [{ agentUser, callId }]. */
async function newCalls(stack, n) {
  freshAgent();
  const calls = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(32, n) }, async () => {
      while (next < n) {
        const i = next++;
        const r = await request(stack.direct, { path: '/sandbox/calls', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agentUser: AGENTS[i] }) });
        if (r.status !== 200) throw new Error(`POST /sandbox/calls: ${r.status} ${r.body}`);
        calls[i] = { agentUser: AGENTS[i], callId: JSON.parse(r.body).callId };
      }
    }),
  );
  created.push(...calls);
  return calls;
}

/** An error string for a wrong answer, or null. */
function judge(res, call) {
  if (res.status === 0) return `connection error (no HTTP answer): ${res.body.slice(0, 120)}`;
  if (res.status !== 200) return `HTTP ${res.status}${res.proxyError ? ` ${res.proxyError}` : ''}: ${res.body.slice(0, 160)}`;
  if (res.body.trim() !== `SUCCESS: ra_call_control transfer - ${call.agentUser}|${call.callId}|`) return `unexpected body: ${res.body.slice(0, 160)}`;
  return null;
}

let clockTick = 100;
try {
  clockTick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
} catch {
  /* Linux's USER_HZ is 100 */
}
/** CPU time (user + system) of the stack's workerd processes, in microseconds. */
function workerdCpuUs(stack) {
  let ticks = 0;
  for (const pid of stack.pids) {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1e6) / clockTick;
}
let proxied = 0;

/** `n` transfers at `concurrency`, in batches of fresh calls; only the transfers are timed. */
async function transfers(stack, target, n, concurrency) {
  const lat = [];
  const errors = [];
  let ms = 0;
  let cpuUs = 0;
  for (let done = 0; done < n && Date.now() < DEADLINE; ) {
    const calls = await newCalls(stack, Math.min(BATCH, n - done));
    done += calls.length;
    freshAgent();
    let next = 0;
    const c0 = workerdCpuUs(stack);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, calls.length) }, async () => {
        while (next < calls.length) {
          const call = calls[next++];
          const r = targets[target](stack, call.agentUser, call.callId);
          const s = performance.now();
          const res = await request(r.base, r);
          lat.push(performance.now() - s);
          const e = judge(res, call);
          if (e) errors.push(e);
        }
      }),
    );
    ms += performance.now() - t0;
    cpuUs += workerdCpuUs(stack) - c0;
  }
  if (target === 'proxy') proxied += lat.length;
  const s = Float64Array.from(lat).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    requests: lat.length, reqPerSec: lat.length / (ms / 1000), p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1],
    workerdCpuUs: cpuUs / lat.length, errors: errors.length, firstErrors: errors.slice(0, 5),
  };
}

const store = mkdtempSync(path.join(tmpdir(), 'vicidial-xfer-load-'));
const auditFile = path.join(store, 'workerd-stdout.log');
const auditFd = openSync(auditFile, 'w');
const calls = path.join(store, 'calls');
mkdirSync(calls);
const stack = await startStack(calls, auditFd);
const proxyPart = `proxy/worker.mjs (OWNERSHIP_CHECK=on via non_agent_api agent_status, CallLedger Durable Object ${MEMORY === 'disk' ? 'on disk' : 'in memory'}, token for any agent, RATE_LIMIT=1000000, audit lines to a file)`;
const out = {
  memory: MEMORY,
  upstream: UPSTREAM,
  stack: UPSTREAM === 'binding'
    ? `one workerd: ${proxyPart} -> sandbox/worker.mjs (seed nonagent) by service binding; a direct socket to the same sandbox`
    : `two workerd processes: ${proxyPart} -> by URL over 127.0.0.1 (fetch) -> sandbox/worker.mjs (seed nonagent) in its own workerd, which "direct" hits too`,
  generator: `bench/load.mjs (Node http keep-alive, one process); batches of ${BATCH} agents, each with a new live call (not timed), then one transfer per call (timed)`,
  workerdPid: stack.pid,
};
try {
  // Warm-up (JIT, Durable Object storage), not recorded.
  for (const t of ['direct', 'proxy']) await transfers(stack, t, 300, 8);
  for (const [mode, n, c] of [['serial', SERIAL, 1], ['closed', CLOSED, CONCURRENCY]]) {
    const halves = { direct: [], proxy: [] };
    for (const order of [['direct', 'proxy'], ['proxy', 'direct']]) {
      for (const t of order) halves[t].push(await transfers(stack, t, Math.floor(n / 2), c));
    }
    out[mode] = { concurrency: c };
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
        workerdCpuUs: m('workerdCpuUs'),
        errors: a.errors + b.errors,
        firstErrors: [...a.firstErrors, ...b.firstErrors].slice(0, 5),
      };
    }
    const { direct: d, proxy: p } = out[mode];
    out[mode].added = { p50: p.p50 - d.p50, p99: p.p99 - d.p99 };
    console.log(
      `load ${mode}: direct ${d.reqPerSec.toFixed(0)}/s p50 ${d.p50.toFixed(3)} p99 ${d.p99.toFixed(3)} ms err ${d.errors}; ` +
        `proxy ${p.reqPerSec.toFixed(0)}/s p50 ${p.p50.toFixed(3)} p99 ${p.p99.toFixed(3)} ms err ${p.errors}; added p50 ${out[mode].added.p50.toFixed(3)} p99 ${out[mode].added.p99.toFixed(3)} ms; ` +
        `workerd CPU per transfer direct ${d.workerdCpuUs.toFixed(0)} us, proxy ${p.workerdCpuUs.toFixed(0)} us`,
    );
    for (const e of [...d.firstErrors, ...p.firstErrors]) console.log(`  error: ${e}`);
  }

  // Every call created here: transferred exactly once.
  const stats = JSON.parse((await request(stack.direct, { method: 'GET', path: '/sandbox/stats' })).body);
  let once = 0;
  let never = 0;
  let more = 0;
  for (const { callId } of created) {
    const n = stats.perCall[callId]?.transfers ?? 0;
    if (n === 1) once++;
    else if (n === 0) never++;
    else more++;
  }
  out.verify = { callsCreated: created.length, transferredOnce: once, lost: never, duplicated: more, sandboxTransfers: stats.transfers, sandboxDuplicated: stats.duplicated, sandboxRequests: stats.requests };
  console.log(`load verify: ${JSON.stringify(out.verify)}`);
} finally {
  await stack.stop();
  agent.destroy();
  closeSync(auditFd);
  // One audit line per proxied request (every one a TRANSFERRED line, no secret in them).
  let lines = 0;
  let transferred = 0;
  let secret = 0;
  for (const l of readFileSync(auditFile, 'utf8').split('\n')) {
    if (!l.startsWith('{"audit":"vicidial-xfer-proxy"')) continue;
    lines++;
    if (JSON.parse(l).outcome === 'TRANSFERRED') transferred++;
    if (l.includes(TOKEN) || l.includes('napass99') || l.includes('pass=')) secret++;
  }
  if (out.verify) {
    Object.assign(out.verify, { proxiedRequests: proxied, auditLines: lines, auditTransferred: transferred, auditLinesWithSecret: secret });
    console.log(`load audit: ${proxied} proxied requests, ${lines} audit lines (${transferred} TRANSFERRED), ${secret} with a secret`);
  }
  rmSync(store, { recursive: true, force: true });
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
