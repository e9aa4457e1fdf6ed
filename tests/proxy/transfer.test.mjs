// Transfers through the proxy to the sandbox VICIdial (behind the test
// upstream) in a real workerd: success, the same again (replayed, nothing
// sent), redaction of the password the server echoes, PHP noise, strict SQL
// mode, and the package's TransferClient talking to the proxy.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  API_PASS,
  SEEDED_CALL,
  TOKEN,
  assertNoSecrets,
  assertRefusal,
  post,
  proxyBindings,
  startStack,
  transferBody,
} from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const WRONG_PASS = 'Wr0ngPass-zz9';
let stack;
let up;
let TransferClient;

// /sandbox/reset keeps switches not named: name them all.
async function resetSandbox(options = {}) {
  options = { strictSql: false, displayErrors: false, ...options };
  const res = await fetch(`${up.base}/sandbox/reset`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(options),
  });
  assert.equal(res.status, 200);
}

async function stats() {
  return (await fetch(`${up.base}/sandbox/stats`)).json();
}

const startCall = () => up.startCall({ agentUser: '1028' });

before(async () => {
  ({ TransferClient } = await import('../../pkg/node.js'));
  up = await startUpstream();
  stack = await startStack({
    main: proxyBindings(up.apiUrl),
    badpass: proxyBindings(up.apiUrl, { VICIDIAL_PASS: WRONG_PASS }),
    auto: proxyBindings(up.apiUrl, { UPSTREAM_API_VERSION: null }),
  });
});

after(async () => {
  await stack?.stop();
  await up?.close();
});

test('a transfer through the proxy succeeds; the same again is replayed, nothing sent', async () => {
  await resetSandbox();
  const url = stack.url('main');
  const first = await post(url, transferBody(), { headers: { Origin: 'https://crm.example.com' } });
  assert.equal(first.status, 200);
  assert.equal(first.text, `SUCCESS: ra_call_control transfer - 1028|${SEEDED_CALL}|\n`);
  assert.equal(first.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(first.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  assert.equal(first.headers.get('x-proxy-error'), null);
  assert.equal(first.headers.get('x-proxy-replayed'), null);
  const again = await post(url, transferBody());
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('x-proxy-replayed'), 'true');
  const s = await stats();
  assert.equal(up.count('/agc/api.php'), 1);
  assert.equal(up.count('/vicidial/non_agent_api.php'), 1);
  assert.equal(s.transfers, 1);
  for (const r of [first, again]) assertNoSecrets(r, [API_PASS, TOKEN]);
});

test('a chunked request body (no Content-Length) in pieces is read whole', async () => {
  await resetSandbox();
  const body = new TextEncoder().encode(transferBody());
  const chunks = [body.slice(0, 25), body.slice(25, 60), body.slice(60)];
  const stream = new ReadableStream({
    async pull(c) {
      const next = chunks.shift();
      if (!next) return c.close();
      await new Promise((r) => setTimeout(r, 20));
      c.enqueue(next);
    },
  });
  const res = await fetch(stack.url('main'), {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: stream,
    duplex: 'half',
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${SEEDED_CALL}|\n`);
});

test('GET with a query works too (forwarded as a POST form)', async () => {
  const call = startCall();
  const r = await post(`${stack.url('main')}?${transferBody({ callId: call.callId, ingroup: 'BILLING' })}`, undefined, { method: 'GET' });
  assert.equal(r.status, 200);
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
});

test('server replies are relayed as they are (e.g. an unknown in-group)', async () => {
  const call = startCall();
  const r = await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'NOSUCHGROUP' }));
  assert.equal(r.status, 200);
  assert.equal(r.text, 'ERROR: ingroup is not valid - NOSUCHGROUP\n');
});

test('the echoed password and SQL of a bad-password reply are redacted', async () => {
  const call = startCall();
  const r = await post(stack.url('badpass'), transferBody({ callId: call.callId }));
  assert.equal(r.status, 200);
  assert.equal(r.text, 'ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n');
  assertNoSecrets(r, [WRONG_PASS, 'SELECT', 'vicidial_users', TOKEN]);
});

test('PHP warnings around the reply line are not relayed', async () => {
  await resetSandbox({ displayErrors: true });
  try {
    const call = startCall();
    const body = transferBody({ callId: call.callId, ingroup: 'OLDQUEUE' });
    // The server itself answers with warnings around the line...
    const direct = await post(`${up.base}/agc/api.php`, `${body}&source=test&user=6666&pass=1234`, { token: null });
    assert.match(direct.text, /Warning: /);
    assert.match(direct.text, /^ERROR: ingroup is not valid - OLDQUEUE$/m);
    // ...the proxy relays the line alone.
    const r = await post(stack.url('main'), body);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ERROR: ingroup is not valid - OLDQUEUE\n');
  } finally {
    await resetSandbox();
  }
});

test('strict SQL mode: HTTP 500 with a SUCCESS line is never relayed as success', async () => {
  await resetSandbox({ strictSql: true });
  try {
    const call = startCall();
    const r = await post(stack.url('main'), transferBody({ callId: call.callId }));
    assertRefusal(r, 502, 'UPSTREAM_HTTP_ERROR');
    assert.match(r.text, /HTTP 500/);
    assert.match(r.text, /SUCCESS line does not count/);
    assert.match(r.text, /do not retry/);
    assert.equal(r.headers.get('x-upstream-status'), '500');
    assert.equal(up.callCount(call.callId), 1);
  } finally {
    await resetSandbox();
  }
});

test('strict SQL mode with errors shown: HTTP 200, SUCCESS then a fatal error -> 502', async () => {
  await resetSandbox({ strictSql: true, displayErrors: true });
  try {
    const call = startCall();
    const r = await post(stack.url('main'), transferBody({ callId: call.callId }));
    assertRefusal(r, 502, 'UPSTREAM_SERVER_ERROR');
    assert.ok(!r.text.includes('mysqli'), r.text);
  } finally {
    await resetSandbox();
  }
});

test('TransferClient from pkg/node.js: TRANSFERRED, then the replayed TRANSFERRED', async () => {
  const call = startCall();
  const client = new TransferClient({
    endpoint: stack.url('main'),
    headers: { Authorization: `Bearer ${TOKEN}` },
    timeoutMs: 10000,
  });
  try {
    const request = { agentUser: '1028', callId: call.callId, ingroup: 'SALESLINE' };
    const first = await client.transfer(request);
    assert.equal(first.code, 'TRANSFERRED', JSON.stringify(first));
    assert.equal(first.ok, true);
    assert.equal(first.httpStatus, 200);
    const second = await client.transfer(request);
    assert.equal(second.code, 'TRANSFERRED', JSON.stringify(second));
    assert.equal(second.ok, true);
    const other = await client.transfer({ ...request, agentUser: '1029' });
    assert.equal(other.httpStatus, 403);
    assert.equal(other.outcomeUnknown, false);
    assert.match(other.raw, /AGENT_NOT_ALLOWED/);
    if (typeof client.currentCall === 'function') {
      // The package with the proxy's client side: refusals typed, and the current call.
      assert.equal(other.code, 'PROXY_REFUSED', JSON.stringify(other));
      assert.equal(other.proxyCode, 'AGENT_NOT_ALLOWED');
      const next = startCall();
      const cc = await client.currentCall();
      assert.deepEqual(cc, { ok: true, code: 'CURRENT_CALL', agentUser: '1028', callId: next.callId, status: 'INCALL', subStatus: '', movable: true });
    } else {
      // The package before it: a refusal by the proxy is an HTTP error with a known outcome.
      assert.equal(other.code, 'HTTP_ERROR');
    }
  } finally {
    client.free();
  }
});

test('UPSTREAM_API_VERSION auto: api.php is asked its version once (function=version, no credentials)', async () => {
  assert.deepEqual(up.apiGets(), []);
  for (let i = 0; i < 3; i++) {
    const call = startCall();
    const r = await post(stack.url('auto'), transferBody({ callId: call.callId }));
    assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
  }
  assert.deepEqual(up.apiGets(), ['function=version']);
});
