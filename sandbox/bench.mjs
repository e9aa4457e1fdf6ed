// Throughput sanity check of the sandbox.
//   node sandbox/bench.mjs [handleCalls=20000] [httpRequests=5000] [concurrency=50]
// 1. handle() directly: N calls started, each transferred once (N SUCCESS
//    replies), then every one retried (N "no active call found" replies).
// 2. the Node server over HTTP on 127.0.0.1 (keep-alive node:http client in
//    the same process, so client and server share one core).
// Checks 0 lost and 0 duplicated transfers in both.

import http from 'node:http';
import { createSandbox } from './vicidial.mjs';
import { startSandboxServer } from './node-server.mjs';

const N = Number(process.argv[2] ?? 20000);
const H = Number(process.argv[3] ?? 5000);
const C = Number(process.argv[4] ?? 50);

const base = 'source=crm&user=6666&pass=1234&function=ra_call_control&stage=INGROUPTRANSFER&ingroup_choices=SALESLINE';

function check(stats, expected) {
  const ok = stats.transfers === expected && stats.duplicated === 0 && stats.callsWithCommands === expected;
  if (!ok) throw new Error(`lost or duplicated transfers: ${JSON.stringify({ ...stats, perCall: undefined })}`);
}

// ---- 1. handle() ----
{
  const vd = createSandbox();
  const calls = [];
  for (let i = 0; i < N; i++) calls.push(vd.startCall({ agentUser: String(7000 + (i % 100)) }));
  const queries = calls.map((c) => `${base}&agent_user=${c.agentUser}&value=${c.callId}`);
  const t0 = performance.now();
  let success = 0;
  for (const q of queries) if (vd.handle({ method: 'GET', query: q }).body.startsWith('SUCCESS')) success++;
  for (const q of queries) if (vd.handle({ method: 'GET', query: q }).body.startsWith('SUCCESS')) success++;
  const ms = performance.now() - t0;
  if (success !== N) throw new Error(`expected ${N} successes, got ${success}`);
  check(vd.stats(), N);
  console.log(`handle(): ${2 * N} requests in ${ms.toFixed(0)} ms = ${Math.round((2 * N) / (ms / 1000))} req/s (${N} transfers, 0 lost, 0 duplicated)`);
}

// ---- 2. HTTP ----
{
  const srv = await startSandboxServer({ port: 0 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const get = (url) => new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  try {
    const calls = [];
    for (let i = 0; i < H; i++) calls.push(srv.sandbox.startCall({ agentUser: String(7000 + (i % 100)) }));
    let next = 0;
    let success = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: C }, async () => {
      while (next < calls.length) {
        const c = calls[next++];
        const text = await get(`${srv.url}/agc/api.php?${base}&agent_user=${c.agentUser}&value=${c.callId}`);
        if (text.startsWith('SUCCESS')) success++;
      }
    }));
    const ms = performance.now() - t0;
    if (success !== H) throw new Error(`expected ${H} successes, got ${success}`);
    check(srv.sandbox.stats(), H);
    console.log(`HTTP (Node server, ${C} keep-alive connections, client in the same process): ${H} requests in ${ms.toFixed(0)} ms = ${Math.round(H / (ms / 1000))} req/s (0 lost, 0 duplicated)`);
  } finally {
    agent.destroy();
    await srv.close();
  }
}
