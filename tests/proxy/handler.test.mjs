// The request logic in plain Node with pkg/node.js and the per-call memory
// (memory.mjs) over a Map instead of a Durable Object: it does not depend on
// workerd (the workerd suites cover the real runtime).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../pkg/node.js';
import { parseConfig } from '../../proxy/config.mjs';
import { createAuthState } from '../../proxy/auth.mjs';
import { handleProxyRequest } from '../../proxy/handler.mjs';
import { CallMemory, MapStorage } from '../../proxy/memory.mjs';
import { perform } from '../../proxy/action.mjs';

const ENV = {
  UPSTREAM_URL: 'https://vicidial.example.com/agc/api.php',
  VICIDIAL_USER: '6666',
  VICIDIAL_PASS: 'Pa55-w0rd_x',
  NONAGENT_USER: 'naapi',
  NONAGENT_PASS: 'napass99',
  PROXY_TOKEN: 'tokA',
  TOKEN_AGENTS: 'tokA:1028',
  RATE_LIMIT: '1',
  RATE_BURST: '2',
  UPSTREAM_TIMEOUT_MS: '100',
  UPSTREAM_API_VERSION: '2.14-82',
  CALLS: { idFromName() {}, get() {} },
};
const CALL = 'Y0315201639000402027';
const body = (call = CALL) => `function=ra_call_control&stage=INGROUPTRANSFER&agent_user=1028&value=${call}&ingroup_choices=SALESLINE&status=SALE`;

function setup(env = ENV) {
  const parsed = parseConfig(env);
  assert.equal(parsed.ok, true, JSON.stringify(parsed.errors));
  let clock = 1_000_000;
  const sent = [];
  const checks = [];
  const logs = [];
  let reply = (call) => new Response(`SUCCESS: ra_call_control transfer - 1028|${call}|\n`);
  const send = async (url, init) => {
    const p = new URLSearchParams(init.body);
    if (url.endsWith('/vicidial/non_agent_api.php')) {
      checks.push(init.body);
      // Whatever call the request names is agent 1028's current call here.
      return new Response(`INCALL|${lastCall}|1001|OUTCAMP|3|remote agent 1028|ADMIN|1|||7275551212||\n`);
    }
    sent.push(init.body);
    return reply(p.get('value'), init.signal);
  };
  let lastCall = CALL;
  const ctx = { parsed, api, config: parsed.config, send, auth: createAuthState(parsed.config), now: () => clock, log: (l) => logs.push(l) };
  ctx.version = async () => parsed.config.apiVersion;
  const memories = new Map();
  ctx.ledger = (callId) => {
    const key = callId.toLowerCase();
    if (!memories.has(key)) memories.set(key, new CallMemory(new MapStorage(), { windowMs: parsed.config.replayWindowMs, now: () => clock }));
    const m = memories.get(key);
    return { act: (action) => m.act(action, (beforeSend) => perform(ctx, action, beforeSend)) };
  };
  return {
    sent,
    checks,
    logs,
    tick: (ms) => {
      clock += ms;
    },
    setReply: (f) => {
      reply = f;
    },
    breakLedger: () => {
      ctx.ledger = () => ({ act: async () => { throw new Error('Durable Object reset'); } });
    },
    call: (text = body(), headers = {}) => {
      lastCall = new URLSearchParams(text).get('value');
      return handleProxyRequest(
        new Request('https://proxy.example.com/agc/api.php', {
          method: 'POST',
          headers: { Authorization: 'Bearer tokA', 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
          body: text,
        }),
        ctx,
      );
    },
  };
}

test('checks ownership, then forwards the re-encoded request with the proxy credentials, once', async () => {
  const s = setup();
  const res = await s.call();
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
  assert.deepEqual(s.checks, ['source=xferproxy&user=naapi&pass=napass99&function=agent_status&agent_user=1028&stage=pipe&header=NO']);
  assert.deepEqual(s.sent, [
    `source=xferproxy&user=6666&pass=Pa55-w0rd_x&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=${CALL}&ingroup_choices=SALESLINE&status=SALE`,
  ]);
});

test('concurrent identical requests: one upstream request, every client gets its line', async () => {
  const s = setup({ ...ENV, RATE_BURST: '50' });
  let release;
  s.setReply((call) => new Promise((r) => {
    release = () => r(new Response(`SUCCESS: ra_call_control transfer - 1028|${call}|\n`));
  }));
  const pending = Array.from({ length: 10 }, () => s.call());
  // Wait until the first one is at the upstream (and the others have arrived meanwhile).
  for (let i = 0; i < 200 && !release; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  release();
  const res = await Promise.all(pending);
  const texts = await Promise.all(res.map((r) => r.text()));
  assert.deepEqual(new Set(texts), new Set([`SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`]));
  assert.equal(res.filter((r) => r.headers.get('x-proxy-replayed') === 'true').length, 9);
  assert.equal(s.sent.length, 1);
  assert.equal(s.checks.length, 1);
});

test('the replay window ends: after it the memory forgets (and the ownership check decides again)', async () => {
  const s = setup({ ...ENV, RATE_BURST: '50', REPLAY_WINDOW_SECONDS: '60' });
  await s.call();
  s.tick(59_000);
  const replay = await s.call();
  assert.equal(replay.headers.get('x-proxy-replayed'), 'true');
  assert.equal(s.sent.length, 1);
  s.tick(2_000);
  await s.call();
  assert.equal(s.sent.length, 2);
});

test('the token bucket refills with time', async () => {
  const s = setup();
  assert.equal((await s.call(body('Y0315201639000400001'))).status, 200);
  assert.equal((await s.call(body('Y0315201639000400002'))).status, 200);
  const limited = await s.call(body('Y0315201639000400003'));
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '1');
  s.tick(1000);
  assert.equal((await s.call(body('Y0315201639000400004'))).status, 200);
  assert.equal(s.sent.length, 3);
});

test('an upstream that never answers: 504 after the timeout, the password nowhere; then OUTCOME_UNKNOWN', async () => {
  const s = setup();
  s.setReply(() => new Promise(() => {}));
  const res = await s.call();
  assert.equal(res.status, 504);
  const text = await res.text();
  assert.match(text, /^ERROR: proxy UPSTREAM_TIMEOUT - no reply from upstream within 100 ms; the outcome is unknown: do not retry/);
  assert.ok(!text.includes('Pa55'));
  const again = await s.call();
  assert.equal(again.status, 409);
  assert.equal(again.headers.get('x-proxy-error'), 'OUTCOME_UNKNOWN');
  assert.equal(s.sent.length, 1);
});

test('the configured password is redacted from anything relayed', async () => {
  const s = setup();
  s.setReply(() => new Response('ERROR: Invalid Username/Password: |6666|Pa55-w0rd_x|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user=\'6666\' and pass=\'Pa55-w0rd_x\';|\n'));
  const text = await (await s.call()).text();
  assert.equal(text, 'ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n');
  s.setReply(() => new Response('Something odd: Pa55-w0rd_x\n'));
  s.tick(10_000);
  assert.equal(await (await s.call()).text(), 'Something odd: [REDACTED]\n');
});

test('the reply line is relayed byte for byte (trailing space kept), warnings around it dropped', async () => {
  const s = setup();
  s.setReply(() => new Response('\nWarning: Undefined variable $x in /var/www/html/agc/api.php on line 1\nERROR: ingroup is not valid - \n\nWarning: y\n'));
  assert.equal(await (await s.call()).text(), 'ERROR: ingroup is not valid - \n');
});

test('a short numeric password is never redacted out of a relayed call ID', async () => {
  const s = setup({ ...ENV, VICIDIAL_PASS: '1234' });
  const call = 'Y1125092437500041234';
  const res = await s.call(body(call));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${call}|\n`);
  // The auth echo is still redacted, however short the password.
  s.setReply(() => new Response("ERROR: Invalid Username/Password: |6666|1234|0|1|BAD|0|api|SELECT x where pass='1234';|\n"));
  s.tick(10_000);
  const bad = await (await s.call(body('Y1125092437500041235'))).text();
  assert.ok(!bad.includes('1234') && !bad.includes('SELECT'), bad);
});

test('one audit line per request, with the token label and never a secret', async () => {
  const s = setup();
  await s.call();
  await s.call('function=ra_call_control', { Authorization: 'Bearer wrong-token' });
  assert.equal(s.logs.length, 2);
  const [a, b] = s.logs.map((l) => JSON.parse(l));
  assert.equal(a.token, 'token-1');
  assert.equal(a.agent, '1028');
  assert.equal(a.call, CALL);
  assert.equal(a.stage, 'INGROUPTRANSFER');
  assert.equal(a.target, 'SALESLINE');
  assert.equal(a.outcome, 'TRANSFERRED');
  assert.equal(typeof a.upstreamMs, 'number');
  assert.equal(b.token, null);
  assert.equal(b.outcome, 'TOKEN_INVALID');
  for (const l of s.logs) for (const secret of ['tokA', 'wrong-token', 'Pa55-w0rd_x', 'napass99', 'Pa55']) assert.ok(!l.includes(secret), l);
});

test('the per-call memory failing: 500 PROXY_FAILURE telling to check the call, audited', async () => {
  const s = setup();
  s.breakLedger();
  const res = await s.call();
  assert.equal(res.status, 500);
  assert.equal(res.headers.get('x-proxy-error'), 'PROXY_FAILURE');
  assert.match(await res.text(), /^ERROR: proxy PROXY_FAILURE - .*check the call \(GET \/proxy\/current-call\)/);
  assert.equal(JSON.parse(s.logs.at(-1)).outcome, 'PROXY_FAILURE');
  assert.equal(s.sent.length, 0);
});

test('the per-call memory reads storage once per instance; a new instance (a restart) reads the record again', async () => {
  class CountingStorage extends MapStorage {
    gets = 0;
    async get(k) {
      this.gets++;
      return super.get(k);
    }
  }
  const storage = new CountingStorage();
  let clock = 5_000_000;
  const action = { agentUser: '1028', callId: CALL, stage: 'INGROUPTRANSFER', target: 'SALESLINE' };
  let sends = 0;
  const perform = async (beforeSend) => {
    await beforeSend();
    sends++;
    return { status: 200, body: `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`, headers: {}, code: 'TRANSFERRED', outcome: 'acted' };
  };
  const first = new CallMemory(storage, { windowMs: 600_000, now: () => clock });
  assert.equal((await first.act(action, perform)).outcome, 'acted');
  assert.equal((await first.act(action, perform)).outcome, 'replayed');
  const other = await first.act({ ...action, target: 'BILLING' }, perform);
  assert.equal(other.code, 'ALREADY_ACTED');
  assert.equal(storage.gets, 1, 'one read for three actions on one instance');
  assert.equal(sends, 1);
  // What the instance wrote is what storage holds: a new instance over the same storage replays it.
  const restarted = new CallMemory(storage, { windowMs: 600_000, now: () => clock });
  const again = await restarted.act(action, perform);
  assert.equal(again.outcome, 'replayed');
  assert.equal(again.body, `SUCCESS: ra_call_control transfer - 1028|${CALL}|\n`);
  assert.equal(storage.gets, 2);
  assert.equal(sends, 1);
  // After the window the cached record expires like the stored one: deleted, and the next action is sent.
  clock += 600_001;
  assert.equal(await restarted.expire(), null);
  assert.equal(await storage.get('action'), undefined);
  assert.equal((await restarted.act(action, perform)).outcome, 'acted');
  assert.equal(sends, 2);
});
