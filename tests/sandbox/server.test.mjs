// The sandbox routes over real HTTP on 127.0.0.1: the Node server, the web
// Request/Response router the worker uses, and (when the workerd binary is
// installed) the module worker itself under workerd.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandboxServer } from '../../sandbox/node-server.mjs';
import { createSandbox } from '../../sandbox/vicidial.mjs';
import { handleRequest, optionsFromEnv } from '../../sandbox/router.mjs';
import worker from '../../sandbox/worker.mjs';
import { skipWithoutWorkerd, startSandboxWorkerd } from './workerd-sandbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const CALL = 'Y0315201639000402027';
const Q = `source=crm&user=6666&pass=1234&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=${CALL}&ingroup_choices=SALESLINE`;

/** The route checks, against any base URL serving the sandbox (fresh seed). */
async function exerciseRoutes(base) {
  // GET /agc/api.php
  let res = await fetch(`${base}/agc/api.php?${Q}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-cache, must-revalidate');
  assert.equal(res.headers.get('pragma'), 'no-cache');
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
  res = await fetch(`${base}/agc/api.php?${Q}`);
  assert.equal(await res.text(), `ERROR: no active call found - ${CALL}\n`);

  // POST /sandbox/calls (no body, then a JSON body), GET /sandbox/calls
  res = await fetch(`${base}/sandbox/calls`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const c1 = await res.json();
  assert.match(c1.callId, /^Y\d{19}$/);
  assert.equal(c1.agentUser, '1028');
  assert.equal(c1.ingroup, 'SALESLINE');
  res = await fetch(`${base}/sandbox/calls`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentUser: '1029', direction: 'OUT', campaign: 'OUTCAMP' }),
  });
  const c2 = await res.json();
  assert.match(c2.callId, /^V\d{19}$/);
  assert.equal(c2.agentUser, '1029');
  const list = await (await fetch(`${base}/sandbox/calls`)).json();
  assert.ok(list.some((c) => c.callId === c1.callId) && list.some((c) => c.callId === c2.callId));
  assert.ok(!list.some((c) => c.callId === CALL));

  // POST form body to /agc/api.php
  const form = Q.replace(CALL, c1.callId);
  res = await fetch(`${base}/agc/api.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${c1.callId}|\n`);
  // multipart body (FormData), as the real server reads it
  const fd = new FormData();
  for (const [k, v] of new URLSearchParams(Q.replace(CALL, c2.callId).replace('1028', '1029'))) fd.append(k, v);
  res = await fetch(`${base}/agc/api.php`, { method: 'POST', body: fd });
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1029|${c2.callId}|\n`);

  // GET /sandbox/stats, /sandbox/manager
  const stats = await (await fetch(`${base}/sandbox/stats`)).json();
  assert.equal(stats.transfers, 3);
  assert.equal(stats.duplicated, 0);
  assert.deepEqual(stats.perCall[c1.callId], { transfers: 1, hangups: 0 });
  const mgr = await (await fetch(`${base}/sandbox/manager`)).json();
  assert.equal(mgr.length, 3);
  assert.equal(mgr[0].line, 'Redirect\tXAPI5201639000402027\tChannel: SIP/carrier-0001\tContext: default\tExten: 90009*SALESLINE**1001**7275551212**1028**');

  // coffee, array parameter, OPTIONS preflight
  res = await fetch(`${base}/agc/api.php?function=coffee`);
  assert.deepEqual([res.status, await res.text()], [418, "Coffee: coffee|Error 418 I'm a teapot"]);
  res = await fetch(`${base}/agc/api.php?${Q.replace('ingroup_choices', 'ingroup_choices[]').replace(CALL, 'Y0315201640000402028')}`);
  assert.deepEqual([res.status, await res.text()], [500, '']);
  res = await fetch(`${base}/agc/api.php`, { method: 'OPTIONS' });
  assert.deepEqual([res.status, await res.text()], [200, 'ERROR: Invalid Source - \n']);
  assert.equal(res.headers.get('access-control-allow-origin'), null);

  // POST /sandbox/reset with switches
  res = await fetch(`${base}/sandbox/reset`, { method: 'POST', body: JSON.stringify({ apiActive: false }) });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).options.apiActive, false);
  assert.equal(await (await fetch(`${base}/agc/api.php?${Q}`)).text(), 'ERROR: System API NOT ACTIVE\n');
  await (await fetch(`${base}/sandbox/reset`, { method: 'POST', body: '{"apiActive": true}' })).arrayBuffer();
  assert.equal(await (await fetch(`${base}/agc/api.php?${Q}`)).text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
  assert.equal((await (await fetch(`${base}/sandbox/stats`)).json()).transfers, 1);

  // errors
  res = await fetch(`${base}/nope`);
  assert.equal(res.status, 404);
  await res.arrayBuffer();
  res = await fetch(`${base}/sandbox/stats`, { method: 'DELETE' });
  assert.equal(res.status, 405);
  await res.arrayBuffer();
  res = await fetch(`${base}/sandbox/calls`, { method: 'POST', body: '{nope' });
  assert.equal(res.status, 400);
  await res.arrayBuffer();

  // non_agent_api.php over the live state (seed nonagent: naapi/napass99)
  res = await fetch(`${base}/sandbox/reset`, { method: 'POST', body: JSON.stringify({ seed: 'nonagent' }) });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const NA = `${base}/vicidial/non_agent_api.php?function=agent_status&user=naapi&pass=napass99&source=test&agent_user=1028`;
  const live = await (await fetch(`${base}/sandbox/calls`, { method: 'POST', body: '{"agentUser":"1028"}' })).json();
  res = await fetch(NA);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await res.text(), `INCALL|${live.callId}|${live.leadId}|OUTCAMP|3|remote agent 1028|ADMIN|1|||${live.phoneNumber}||\n`);
  await (await fetch(`${base}/sandbox/calls/${live.callId}/end`, { method: 'POST' })).arrayBuffer();
  assert.equal(await (await fetch(NA)).text(), `INCALL|${live.callId}|${live.leadId}|OUTCAMP|3|remote agent 1028|ADMIN|1||DEAD|${live.phoneNumber}||\n`);
  await (await fetch(`${base}/sandbox/reset`, { method: 'POST', body: JSON.stringify({ seed: 'default' }) })).arrayBuffer();
}

describe('Node server (startSandboxServer)', () => {
  let srv;
  before(async () => { srv = await startSandboxServer({ port: 0 }); });
  after(async () => { await srv.close(); });

  test('listens on 127.0.0.1 with an ephemeral port', () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(srv.port > 0);
    assert.equal(typeof srv.sandbox.handle, 'function');
  });

  test('routes over real HTTP', async () => {
    await exerciseRoutes(srv.url);
  });

  test('keeps the recorded header spelling on the wire (Content-type)', async () => {
    const raw = await new Promise((resolve, reject) => {
      const sock = net.connect(srv.port, '127.0.0.1', () => {
        sock.write('GET /agc/api.php?function=version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      sock.on('data', (d) => { data += d; });
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
    });
    assert.match(raw, /\r\nContent-type: text\/html; charset=utf-8\r\n/);
    assert.match(raw, /\r\nCache-Control: no-cache, must-revalidate\r\nPragma: no-cache\r\n/);
    assert.match(raw, /\r\n\r\nVERSION: 2\.14-82\|BUILD: 250122-1010\|DATE: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\|EPOCH: \d{10}\n$/);
  });

  test('raw bytes in the request body are treated as bytes', async () => {
    const body = Buffer.concat([Buffer.from(Q.replace('SALESLINE', 'SALES')), Buffer.from([0xe2, 0x82, 0xac, 0xff]), Buffer.from('LINE')]);
    await (await fetch(`${srv.url}/sandbox/reset`, { method: 'POST' })).arrayBuffer();
    const res = await fetch(`${srv.url}/agc/api.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
  });

  test('CLI prints the listening line', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'sandbox', 'node-server.mjs'), '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SANDBOX_SEED: 'more' } });
    try {
      const line = await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) resolve(out.split('\n')[0]); });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const text = await (await fetch(`${m[1]}/agc/api.php?source=test&user=apiuser&pass=Xfer2024&agent_user=1028&function=ra_call_control&stage=XYZ&value=Y0315201639000402027`)).text();
      assert.equal(text, 'ERROR: stage is not valid - XYZ\n');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('web Request/Response router (what worker.mjs runs)', () => {
  test('handleRequest answers like the server', async () => {
    const vd = createSandbox();
    const res = await handleRequest(vd, new Request(`http://sandbox.test/agc/api.php?${Q}`));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
    const post = await handleRequest(vd, new Request('http://sandbox.test/sandbox/calls', { method: 'POST', body: '{"ingroup":"BILLING"}' }));
    assert.equal((await post.json()).ingroup, 'BILLING');
  });

  test('worker.fetch keeps state across requests and reads env bindings', async () => {
    const env = { SANDBOX_SEED: 'more', SANDBOX_API_ACTIVE: '1' };
    const url = 'http://sandbox.test/agc/api.php?source=test&user=apiuser&pass=Xfer2024&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&ingroup_choices=SALESLINE&value=Y0315201639000402027';
    assert.equal(await (await worker.fetch(new Request(url), env)).text(), 'SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n');
    assert.equal(await (await worker.fetch(new Request(url), env)).text(), 'ERROR: no active call found - Y0315201639000402027\n');
  });

  test('worker.fetch: SANDBOX_API_VERSION picks the api.php version; an unknown one answers 500 naming it', async () => {
    const mod = await import(`../../sandbox/worker.mjs?fresh=${Date.now()}`);
    const v = await (await mod.default.fetch(new Request('http://sandbox.test/agc/api.php?function=version'), { SANDBOX_API_VERSION: '2.14-75' })).text();
    assert.match(v, /^VERSION: 2\.14-75\|BUILD: 230519-0731\|/);
    const bad = await import(`../../sandbox/worker.mjs?bad=${Date.now()}`);
    const r = await bad.default.fetch(new Request('http://sandbox.test/agc/api.php?function=version'), { SANDBOX_API_VERSION: '2.15-1' });
    assert.equal(r.status, 500);
    assert.match(await r.text(), /^sandbox misconfigured: unknown api\.php version "2\.15-1"/);
  });

  test('optionsFromEnv', () => {
    assert.deepEqual(optionsFromEnv({ SANDBOX_SEED: 'more', SANDBOX_API_ACTIVE: 'false', SANDBOX_STRICT_SQL: '1', SANDBOX_DISPLAY_ERRORS: 'off' }),
      { seed: 'more', apiActive: false, strictSql: true, displayErrors: false });
    assert.deepEqual(optionsFromEnv({}), {});
  });
});

// ---- workerd -------------------------------------------------------------------

// Under CI=true a missing workerd is a failure (the suite runs and fails to spawn it), never a skip.
describe('workerd (sandbox/workerd.capnp)', { skip: skipWithoutWorkerd }, () => {
  let wd;
  let base;
  before(async () => { wd = await startSandboxWorkerd(); base = wd.base; });
  after(() => wd?.stop());

  test('routes over real HTTP', async () => {
    await exerciseRoutes(base);
  });
});
