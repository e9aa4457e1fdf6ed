// Exactly once, on real workerd: the per-call Durable Object serializes
// actions on a call across isolates (two proxy services sharing one
// namespace), coalesces identical concurrent requests into ONE upstream
// request, replays a finished action, refuses other actions on a moved call,
// remembers unknown outcomes, and keeps its memory across a restart.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertRefusal, post, proxyBindings, startStack, transferBody, sleep } from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const N = 20;
let up;
let stack;
let storageDir;

function proxies() {
  const b = proxyBindings(up.apiUrl, { UPSTREAM_TIMEOUT_MS: '1500' });
  return { a: b, b: { bindings: b, ledgerOf: 'a' } };
}

before(async () => {
  up = await startUpstream();
  storageDir = mkdtempSync(path.join(tmpdir(), 'proxy-calls-'));
  stack = await startStack(proxies(), { storageDir });
});

after(async () => {
  await stack?.stop();
  await up?.close();
  rmSync(storageDir, { recursive: true, force: true });
});

const success = (call) => `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`;

test(`${N} parallel identical transfers through two isolates: ONE upstream request, all told the success`, async () => {
  const call = up.startCall({ agentUser: '1028' });
  up.fault(call.callId, 300); // api.php takes 300 ms: every request arrives while the first is in flight
  const naBefore = up.count('/vicidial/non_agent_api.php');
  const replies = await Promise.all(
    Array.from({ length: N }, (_, i) => post(stack.url(i % 2 ? 'a' : 'b'), transferBody({ callId: call.callId }))),
  );
  up.fault(call.callId, null);
  assert.equal(up.callCount(call.callId), 1, 'upstream api.php requests for the call');
  assert.equal(up.count('/vicidial/non_agent_api.php') - naBefore, 1, 'ownership checks');
  assert.equal(up.stats().perCall[call.callId].transfers, 1);
  for (const r of replies) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, success(call));
    assert.ok(!/no active call found/.test(r.text));
  }
  assert.equal(replies.filter((r) => r.headers.get('x-proxy-replayed') === 'true').length, N - 1);
});

test('a different action while one is in flight: TRANSFER_IN_PROGRESS', async () => {
  const call = up.startCall({ agentUser: '1028' });
  up.fault(call.callId, 400);
  const first = post(stack.url('a'), transferBody({ callId: call.callId }));
  await sleep(150);
  const other = await post(stack.url('b'), transferBody({ callId: call.callId, ingroup: 'BILLING' }));
  assertRefusal(other, 409, 'TRANSFER_IN_PROGRESS');
  assert.equal(other.headers.get('retry-after'), '1');
  assert.equal((await first).text, success(call));
  up.fault(call.callId, null);
  assert.equal(up.callCount(call.callId), 1);
});

test('after a success: the repeat is replayed (first line, X-Proxy-Replayed), another action is ALREADY_ACTED', async () => {
  const call = up.startCall({ agentUser: '1028' });
  const first = await post(stack.url('a'), transferBody({ callId: call.callId, ingroup: 'salesline' }));
  assert.equal(first.text, success(call));
  // The same in-group in another case is the same action (the database compares case-insensitively).
  const again = await post(stack.url('b'), transferBody({ callId: call.callId, ingroup: 'SALESLINE' }));
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('x-proxy-replayed'), 'true');
  const other = await post(stack.url('a'), transferBody({ callId: call.callId, ingroup: 'BILLING' }));
  assertRefusal(other, 409, 'ALREADY_ACTED');
  assert.match(other.text, new RegExp(`already acted on call ${call.callId}: INGROUPTRANSFER to salesline for agent 1028 at \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(up.callCount(call.callId), 1);
});

test('an unknown outcome is remembered: the repeat is OUTCOME_UNKNOWN, never forwarded', async () => {
  const call = up.startCall({ agentUser: '1028' });
  up.fault(call.callId, 'reset');
  const first = await post(stack.url('a'), transferBody({ callId: call.callId }));
  assertRefusal(first, 502, 'UPSTREAM_CONNECTION_FAILED');
  up.fault(call.callId, null);
  for (const ingroup of ['SALESLINE', 'BILLING']) {
    const r = await post(stack.url('b'), transferBody({ callId: call.callId, ingroup }));
    assertRefusal(r, 409, 'OUTCOME_UNKNOWN');
    assert.match(r.text, /GET \/proxy\/current-call/);
  }
  assert.equal(up.callCount(call.callId), 1);
});

test('the memory survives a restart of workerd (Durable Object storage on disk), also a send cut short by it', async () => {
  const done = up.startCall({ agentUser: '1028' });
  const first = await post(stack.url('a'), transferBody({ callId: done.callId }));
  assert.equal(first.text, success(done));
  // A transfer in flight when workerd goes away: the record stays "pending".
  const cut = up.startCall({ agentUser: '1028' });
  up.fault(cut.callId, 'hang');
  const inFlight = post(stack.url('a'), transferBody({ callId: cut.callId })).catch((e) => e);
  for (let i = 0; i < 50 && up.callCount(cut.callId) === 0; i++) await sleep(20);
  assert.equal(up.callCount(cut.callId), 1);
  await stack.stop();
  await inFlight;
  up.fault(cut.callId, null);
  stack = await startStack(proxies(), { storageDir });
  const replay = await post(stack.url('b'), transferBody({ callId: done.callId }));
  assert.equal(replay.text, first.text);
  assert.equal(replay.headers.get('x-proxy-replayed'), 'true');
  assert.equal(up.callCount(done.callId), 1);
  const unknown = await post(stack.url('a'), transferBody({ callId: cut.callId }));
  assertRefusal(unknown, 409, 'OUTCOME_UNKNOWN');
  assert.equal(up.callCount(cut.callId), 1);
});

test('the replay window is a setting: after it, the memory forgets', async () => {
  const s = await startStack({ w: proxyBindings(up.apiUrl, { REPLAY_WINDOW_SECONDS: '1' }) });
  try {
    const call = up.startCall({ agentUser: '1028' });
    const first = await post(s.url('w'), transferBody({ callId: call.callId }));
    assert.equal(first.text, success(call));
    await sleep(1200);
    // Forgotten: the ownership check decides again (the call is gone from the agent).
    const later = await post(s.url('w'), transferBody({ callId: call.callId }));
    assertRefusal(later, 403, 'NOT_AGENTS_CALL');
    assert.equal(up.callCount(call.callId), 1);
  } finally {
    await s.stop();
  }
});
