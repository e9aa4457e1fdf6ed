// Per-token policy (stages, in-groups, numbers) and the hardening found
// when tried as an attacker: a deadline for the request body, the reply
// line relayed byte for byte, MISCONFIGURED naming only the wrong setting,
// audit lines without secrets. Real workerd, test upstream.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  API_PASS,
  NONAGENT_PASS,
  TOKEN,
  assertNoSecrets,
  assertRefusal,
  post,
  proxyBindings,
  startStack,
  transferBody,
} from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const LIMITED = 'Tok-Limited-42';
const HANGER = 'Tok-Hanger-43';
let up;
let stack;

before(async () => {
  up = await startUpstream();
  const policy = {
    [TOKEN]: '1028',
    [LIMITED]: { label: 'crm-limited', agents: ['1028'], ingroups: ['BILLING'] },
    [HANGER]: { label: 'hanger', agents: ['1028'], stages: ['HANGUP', 'EXTENSIONTRANSFER'], numbers: ['7275559999', '800*'] },
  };
  stack = await startStack({
    main: proxyBindings(up.apiUrl, { PROXY_TOKEN: `${TOKEN},${LIMITED},${HANGER}`, TOKEN_AGENTS: JSON.stringify(policy), BODY_TIMEOUT_MS: '600' }),
    badsource: proxyBindings(up.apiUrl, { VICIDIAL_SOURCE: 'x' }),
    badpass: proxyBindings(up.apiUrl, { VICIDIAL_PASS: 'pass with space and ;' }),
    v74: proxyBindings(up.apiUrl, { UPSTREAM_API_VERSION: '2.14-74', TOKEN_AGENTS: `${TOKEN}:agent_7-b` }),
    v82: proxyBindings(up.apiUrl, { UPSTREAM_API_VERSION: '2.14-82', TOKEN_AGENTS: `${TOKEN}:agent_7-b` }),
    tooold: proxyBindings(up.apiUrl, { UPSTREAM_API_VERSION: '2.11-1' }),
  });
});

after(async () => {
  await stack?.stop();
  await up?.close();
});

test('in-groups outside the token policy: TARGET_NOT_ALLOWED, nothing sent', async () => {
  const call = up.startCall({ agentUser: '1028' });
  const before = up.count('/vicidial/non_agent_api.php');
  let r = await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'SALESLINE' }), { token: LIMITED });
  assertRefusal(r, 403, 'TARGET_NOT_ALLOWED');
  assert.match(r.text, /in-group SALESLINE/);
  r = await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'DEFAULTINGROUP' }), { token: LIMITED });
  assertRefusal(r, 403, 'TARGET_NOT_ALLOWED');
  assert.equal(up.callCount(call.callId), 0);
  assert.equal(up.count('/vicidial/non_agent_api.php'), before);
  r = await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'billing' }), { token: LIMITED });
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
});

test('stages: INGROUPTRANSFER only by default; a token without it is refused it', async () => {
  const call = up.startCall({ agentUser: '1028' });
  let r = await post(stack.url('main'), transferBody({ callId: call.callId }), { token: HANGER });
  assertRefusal(r, 403, 'STAGE_NOT_ALLOWED');
  assert.match(r.text, /may not use stage INGROUPTRANSFER/);
  r = await post(stack.url('main'), `function=ra_call_control&stage=HANGUP&agent_user=1028&value=${call.callId}`);
  assertRefusal(r, 403, 'STAGE_NOT_ALLOWED');
  r = await post(stack.url('main'), `function=ra_call_control&stage=PARK&agent_user=1028&value=${call.callId}`);
  assertRefusal(r, 403, 'STAGE_NOT_ALLOWED');
  assert.equal(up.callCount(call.callId), 0);
});

test('HANGUP and EXTENSIONTRANSFER for a token allowed them; the target policy for numbers', async () => {
  const call = up.startCall({ agentUser: '1028' });
  let r = await post(stack.url('main'), `function=ra_call_control&stage=EXTENSIONTRANSFER&agent_user=1028&value=${call.callId}&phone_number=7275550000`, { token: HANGER });
  assertRefusal(r, 403, 'TARGET_NOT_ALLOWED');
  r = await post(stack.url('main'), `function=ra_call_control&stage=EXTENSIONTRANSFER&agent_user=1028&value=${call.callId}&phone_number=8005551234`, { token: HANGER });
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|8005551234\n`);
  const other = up.startCall({ agentUser: '1028' });
  r = await post(stack.url('main'), `function=ra_call_control&stage=HANGUP&agent_user=1028&value=${other.callId}`, { token: HANGER });
  assert.equal(r.text, `SUCCESS: ra_call_control hungup - 1028|${other.callId}|HANGUP\n`);
  r = await post(stack.url('main'), `function=ra_call_control&stage=HANGUP&agent_user=1028&value=${other.callId}`, { token: HANGER });
  assert.equal(r.headers.get('x-proxy-replayed'), 'true');
});

test('a body that arrives too slowly: 408 REQUEST_TIMEOUT after BODY_TIMEOUT_MS, nothing sent', async () => {
  const port = stack.port('main');
  const started = Date.now();
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => {
      data += d;
    });
    sock.on('end', () => resolve(data));
    sock.on('close', () => resolve(data));
    sock.on('error', reject);
    const body = transferBody();
    sock.write(`POST /agc/api.php HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    setTimeout(() => sock.destroy(), 5000);
  });
  const elapsed = Date.now() - started;
  assert.match(reply, /^HTTP\/1\.1 408 /);
  assert.match(reply, /ERROR: proxy REQUEST_TIMEOUT - the request body did not arrive within 600 ms\n/);
  assert.ok(elapsed >= 550 && elapsed < 4000, `elapsed ${elapsed}`);
});

test('MISCONFIGURED names only the wrong setting', async () => {
  let r = await post(stack.url('badsource'), transferBody());
  assertRefusal(r, 500, 'MISCONFIGURED');
  assert.equal(r.text, 'ERROR: proxy MISCONFIGURED - the proxy is not configured correctly (VICIDIAL_SOURCE)\n');
  r = await post(stack.url('badpass'), transferBody());
  assertRefusal(r, 500, 'MISCONFIGURED');
  assert.equal(r.text, 'ERROR: proxy MISCONFIGURED - the proxy is not configured correctly (VICIDIAL_PASS)\n');
  assertNoSecrets(r, ['pass with space']);
});

test('audit: one JSON line per request, label not token, no secret anywhere in the output', async () => {
  const call = up.startCall({ agentUser: '1028' });
  await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'BILLING' }), { token: LIMITED });
  await post(stack.url('main'), transferBody({ callId: call.callId, ingroup: 'BILLING' }), { token: LIMITED });
  const lines = stack.audit().filter((a) => a.call === call.callId);
  assert.equal(lines.length, 2);
  assert.deepEqual(
    lines.map((a) => [a.token, a.agent, a.stage, a.target, a.outcome, a.replayed]),
    [['crm-limited', '1028', 'INGROUPTRANSFER', 'BILLING', 'TRANSFERRED', false], ['crm-limited', '1028', 'INGROUPTRANSFER', 'BILLING', 'TRANSFERRED', true]],
  );
  assert.ok(Number.isInteger(lines[0].upstreamMs) && lines[0].upstreamMs >= 0);
  assert.ok(!Number.isNaN(Date.parse(lines[0].time)));
  const out = stack.stderr();
  for (const secret of [TOKEN, LIMITED, HANGER, API_PASS === '1234' ? 'pass=1234' : API_PASS, NONAGENT_PASS, 'pass with space']) {
    assert.ok(!out.includes(secret), `workerd output contains ${secret}`);
  }
});

test("the upstream's api.php version picks the package's rules (serverVersion)", async () => {
  const body = `function=ra_call_control&stage=INGROUPTRANSFER&agent_user=agent_7-b&value=Y0315201641000402029&ingroup_choices=SALESLINE`;
  // 2.14-74 deletes - and _ from agent_user: the request would act for another agent name.
  const old = await post(stack.url('v74'), body);
  assertRefusal(old, 400, 'INVALID_REQUEST');
  assert.match(old.text, /agentUser:NEEDS_NEWER_VERSION/);
  // 2.14-82 keeps them: the request is valid and goes on to the ownership check (agent_7-b is not logged in here).
  const now = await post(stack.url('v82'), body);
  assertRefusal(now, 409, 'AGENT_NOT_LOGGED_IN');
  const r = await post(stack.url('tooold'), transferBody());
  assertRefusal(r, 500, 'MISCONFIGURED');
  assert.equal(r.text, 'ERROR: proxy MISCONFIGURED - the proxy is not configured correctly (UPSTREAM_API_VERSION)\n');
});
