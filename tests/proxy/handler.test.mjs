// handleProxyRequest in plain Node with pkg/node.js: the request logic does
// not depend on workerd (the workerd suites cover the real runtime).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../../pkg/node.js';
import { parseConfig } from '../../proxy/config.mjs';
import { handleProxyRequest, createProxyState } from '../../proxy/handler.mjs';

const ENV = {
  UPSTREAM_URL: 'https://vicidial.example.com/agc/api.php',
  VICIDIAL_USER: '6666',
  VICIDIAL_PASS: 'p+ss/w0rd',
  PROXY_TOKEN: 'tokA',
  TOKEN_AGENTS: 'tokA:1028',
  RATE_LIMIT: '1',
  RATE_BURST: '2',
  UPSTREAM_TIMEOUT_MS: '100',
};
const BODY = 'function=ra_call_control&stage=INGROUPTRANSFER&agent_user=1028&value=Y0315201639000402027&ingroup_choices=SALESLINE&status=SALE';

function setup(env = ENV) {
  const parsed = parseConfig(env);
  assert.equal(parsed.ok, true, JSON.stringify(parsed.errors));
  let clock = 1_000_000;
  const state = createProxyState(parsed.config);
  const sent = [];
  let reply = () => new Response('SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n');
  const ctx = {
    state,
    now: () => clock,
    send: (body, signal) => {
      sent.push(body);
      return reply(signal);
    },
  };
  return {
    sent,
    tick: (ms) => {
      clock += ms;
    },
    setReply: (f) => {
      reply = f;
    },
    call: (body = BODY, headers = {}) =>
      handleProxyRequest(
        new Request('https://proxy.example.com/agc/api.php', {
          method: 'POST',
          headers: { Authorization: 'Bearer tokA', 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
          body,
        }),
        parsed,
        api,
        ctx,
      ),
  };
}

test('forwards the re-encoded request with the proxy credentials, once', async () => {
  const s = setup();
  const res = await s.call();
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n');
  assert.deepEqual(s.sent, [
    'source=xferproxy&user=6666&pass=p%2Bss%2Fw0rd&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE&status=SALE',
  ]);
});

test('the token bucket refills with time', async () => {
  const s = setup();
  assert.equal((await s.call()).status, 200);
  assert.equal((await s.call()).status, 200);
  const limited = await s.call();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '1');
  s.tick(1000);
  assert.equal((await s.call()).status, 200);
  assert.equal(s.sent.length, 3);
});

test('an upstream that never answers: 504 after the timeout, the password nowhere', async () => {
  const s = setup();
  s.setReply(() => new Promise(() => {}));
  const res = await s.call();
  assert.equal(res.status, 504);
  const text = await res.text();
  assert.match(text, /^ERROR: proxy UPSTREAM_TIMEOUT - no reply from upstream within 100 ms; the transfer outcome is unknown: do not retry/);
  assert.equal(s.sent.length, 1);
});

test('the configured password is redacted from anything relayed', async () => {
  const s = setup();
  s.setReply(() => new Response('ERROR: Invalid Username/Password: |6666|p+ss/w0rd|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user=\'6666\' and pass=\'p+ss/w0rd\';|\n'));
  const text = await (await s.call()).text();
  assert.equal(text, 'ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n');
  s.setReply(() => new Response('Something odd: p+ss/w0rd\n'));
  assert.equal(await (await s.call()).text(), 'Something odd: [REDACTED]\n');
});

test('a short numeric password is never redacted out of a relayed call ID', async () => {
  const s = setup({ ...ENV, VICIDIAL_PASS: '1234' });
  const call = 'Y1125092437500041234';
  s.setReply(() => new Response(`SUCCESS: ra_call_control transfer - 1028|${call}|\n`));
  const res = await s.call(BODY.replace('Y0315201639000402027', call));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${call}|\n`);
  // The auth echo is still redacted, however short the password.
  s.setReply(() => new Response("ERROR: Invalid Username/Password: |6666|1234|0|1|BAD|0|api|SELECT x where pass='1234';|\n"));
  s.tick(10_000);
  const bad = await (await s.call()).text();
  assert.ok(!bad.includes('1234') && !bad.includes('SELECT'), bad);
});
