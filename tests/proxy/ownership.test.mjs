// The ownership check on real workerd against the sandbox VICIdial (its
// non_agent_api.php agent_status over the live state): the agent's own call
// moves; another agent's call, a ringing call, an ended call, an agent not
// logged in are refused and nothing reaches api.php; GET /proxy/current-call.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SEEDED_CALL,
  TOKEN,
  assertNoSecrets,
  assertRefusal,
  get,
  post,
  proxyBindings,
  startStack,
  transferBody,
  NONAGENT_PASS,
  API_PASS,
} from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const TWO = 'Tok-Two-Agents-55';
let up;
let stack;

before(async () => {
  up = await startUpstream();
  stack = await startStack({
    main: proxyBindings(up.apiUrl, { PROXY_TOKEN: `${TOKEN} ${TWO}`, TOKEN_AGENTS: `${TOKEN}:1028, ${TWO}:1028|1029` }),
    badna: proxyBindings(up.apiUrl, { NONAGENT_PASS: 'wrongpass1' }),
    off: proxyBindings(up.apiUrl, { OWNERSHIP_CHECK: 'off', NONAGENT_USER: null, NONAGENT_PASS: null }),
    nocred: proxyBindings(up.apiUrl, { NONAGENT_USER: null, NONAGENT_PASS: null }),
  });
});

after(async () => {
  await stack?.stop();
  await up?.close();
});

test("the agent's own call moves; another agent's live call is refused and stays live", async () => {
  const mine = up.startCall({ agentUser: '1028' });
  const theirs = up.startCall({ agentUser: '1029' });
  // Token bound to 1028 names 1029's call with agent_user=1028: api.php alone would move it.
  let r = await post(stack.url('main'), transferBody({ callId: theirs.callId }));
  assertRefusal(r, 403, 'NOT_AGENTS_CALL');
  assert.equal(up.callCount(theirs.callId), 0);
  assert.ok(up.sandbox.listCalls().some((c) => c.callId === theirs.callId), 'the other call is still live');
  // A token bound to both agents still cannot move 1029's call as 1028.
  r = await post(stack.url('main'), transferBody({ callId: theirs.callId }), { token: TWO });
  assertRefusal(r, 403, 'NOT_AGENTS_CALL');
  r = await post(stack.url('main'), transferBody({ callId: mine.callId }));
  assert.equal(r.status, 200);
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${mine.callId}|\n`);
  assert.equal(up.callCount(mine.callId), 1);
  assert.ok(!up.sandbox.listCalls().some((c) => c.callId === mine.callId));
  // A refusal is not remembered: the right agent can still move the other call.
  r = await post(stack.url('main'), transferBody({ agent: '1029', callId: theirs.callId }), { token: TWO });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1029|${theirs.callId}|\n`);
});

test('a ringing call (QUEUE), an ended call (DEAD), a logged-out agent are refused; nothing sent', async () => {
  const token = 'Tok-1030-x';
  const s = await startStack({ p: proxyBindings(up.apiUrl, { PROXY_TOKEN: token, TOKEN_AGENTS: `${token}:1030` }) });
  const send = (callId) => post(s.url('p'), transferBody({ agent: '1030', callId }), { token });
  try {
    const ringing = up.startCall({ agentUser: '1030', state: 'QUEUE' });
    let r = await send(ringing.callId);
    assertRefusal(r, 409, 'CALL_RINGING');
    assert.equal(r.headers.get('retry-after'), '2');
    let cc = await get(s.url('p', '/proxy/current-call'), { token });
    assert.deepEqual(JSON.parse(cc.text), { agentUser: '1030', callId: ringing.callId, status: 'QUEUE', subStatus: '', movable: false });
    // Answered: now it moves.
    up.sandbox.answerCall(ringing.callId);
    r = await send(ringing.callId);
    assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1030|${ringing.callId}|\n`);
    // The caller hangs up: the agent row still names the call, sub-status DEAD.
    const ended = up.startCall({ agentUser: '1030' });
    up.sandbox.endCall(ended.callId);
    r = await send(ended.callId);
    assertRefusal(r, 409, 'CALL_ENDED');
    cc = await get(s.url('p', '/proxy/current-call'), { token });
    assert.deepEqual(JSON.parse(cc.text), { agentUser: '1030', callId: ended.callId, status: 'INCALL', subStatus: 'DEAD', movable: false });
    // The remote-agent loop cleans up: READY, no call.
    up.sandbox.cleanupAgent('1030');
    r = await send(ended.callId);
    assertRefusal(r, 403, 'NOT_AGENTS_CALL');
    up.sandbox.logoutAgent('1030');
    r = await send(ended.callId);
    assertRefusal(r, 409, 'AGENT_NOT_LOGGED_IN');
    assert.equal(up.callCount(ringing.callId), 1);
    assert.equal(up.callCount(ended.callId), 0);
  } finally {
    await s.stop();
  }
});

test('agent not logged in, unknown agent: AGENT_NOT_LOGGED_IN', async () => {
  const token = 'Tok-66-x';
  const s = await startStack({ p: proxyBindings(up.apiUrl, { PROXY_TOKEN: token, TOKEN_AGENTS: `${token}:6666|9999` }) });
  try {
    let r = await post(s.url('p'), transferBody({ agent: '6666' }), { token });
    assertRefusal(r, 409, 'AGENT_NOT_LOGGED_IN');
    r = await post(s.url('p'), transferBody({ agent: '9999' }), { token });
    assertRefusal(r, 409, 'AGENT_NOT_LOGGED_IN');
    assert.match(r.text, /not a VICIdial user/);
  } finally {
    await s.stop();
  }
});

test('the non-agent API refusing the credential: OWNERSHIP_CHECK_FAILED, not forwarded, no password shown', async () => {
  const call = up.startCall({ agentUser: '1028' });
  const before = up.count('/agc/api.php');
  const r = await post(stack.url('badna'), transferBody({ callId: call.callId }));
  assertRefusal(r, 502, 'OWNERSHIP_CHECK_FAILED');
  assert.match(r.text, /NONAGENT_USER \/ NONAGENT_PASS/);
  assertNoSecrets(r, ['wrongpass1', NONAGENT_PASS, API_PASS]);
  assert.equal(up.count('/agc/api.php'), before);
  // Not remembered: no unknown outcome, nothing was sent.
  const again = await post(stack.url('badna'), transferBody({ callId: call.callId }));
  assertRefusal(again, 502, 'OWNERSHIP_CHECK_FAILED');
});

test('without the credential the proxy does not start; OWNERSHIP_CHECK=off lets any bound agent name any call', async () => {
  const r = await post(stack.url('nocred'), transferBody());
  assertRefusal(r, 500, 'MISCONFIGURED');
  assert.equal(r.text, 'ERROR: proxy MISCONFIGURED - the proxy is not configured correctly (NONAGENT_USER, NONAGENT_PASS)\n');
  const theirs = up.startCall({ agentUser: '1031' });
  const naBefore = up.count('/vicidial/non_agent_api.php');
  const moved = await post(stack.url('off'), transferBody({ callId: theirs.callId }));
  assert.equal(moved.text, `SUCCESS: ra_call_control transfer - 1028|${theirs.callId}|\n`, 'documented: with the check off, 1028 moves 1031s call');
  assert.equal(up.count('/vicidial/non_agent_api.php'), naBefore);
});

test('GET /proxy/current-call: the bound agent\'s call, JSON; several agents need ?agent_user', async () => {
  const call = up.startCall({ agentUser: '1028' });
  let r = await get(stack.url('main', '/proxy/current-call'), { headers: { Origin: 'https://crm.example.com' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  assert.deepEqual(JSON.parse(r.text), { agentUser: '1028', callId: call.callId, status: 'INCALL', subStatus: '', movable: true });
  r = await get(stack.url('main', '/proxy/current-call'), { token: TWO });
  assertRefusal(r, 400, 'AGENT_REQUIRED');
  r = await get(stack.url('main', '/proxy/current-call?agent_user=1029'), { token: TWO });
  assert.equal(JSON.parse(r.text).agentUser, '1029');
  r = await get(stack.url('main', '/proxy/current-call?agent_user=1029'));
  assertRefusal(r, 403, 'AGENT_NOT_ALLOWED');
  r = await get(stack.url('main', '/proxy/current-call'), { token: 'nope' });
  assertRefusal(r, 401, 'TOKEN_INVALID');
  r = await post(stack.url('main', '/proxy/current-call'), '');
  assertRefusal(r, 405, 'METHOD_NOT_ALLOWED');
  r = await get(stack.url('off', '/proxy/current-call'));
  assertRefusal(r, 404, 'NOT_FOUND');
});
