// non_agent_api.php agent_status over the sandbox's LIVE state, driven by the
// control routes a proxy test uses: a started call is the agent's current
// call (INCALL), a ringing one is QUEUE, an ended one is DEAD until cleaned,
// a logged-out agent is not logged in. Over real HTTP on 127.0.0.1.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandboxServer } from '../../sandbox/node-server.mjs';

const NA = 'function=agent_status&user=naapi&pass=napass99&source=test';
const XFER = 'source=crm&user=6666&pass=1234&function=ra_call_control&stage=INGROUPTRANSFER&ingroup_choices=BILLING';

describe('agent_status reads the live state (control routes)', () => {
  let srv;
  before(async () => { srv = await startSandboxServer({ port: 0, seed: 'nonagent' }); });
  after(async () => { await srv.close(); });

  const status = async (agent, extra = '') => (await fetch(`${srv.url}/vicidial/non_agent_api.php?${NA}&agent_user=${agent}${extra}`)).text();
  const post = async (p, body) => {
    const r = await fetch(`${srv.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: await r.json() };
  };
  const api = async (q) => (await fetch(`${srv.url}/agc/api.php?${q}`)).text();

  test('seeded state first: 1028 INCALL on Y...027 (recorded as_on_call_027)', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    assert.equal(await status('1028'), 'INCALL|Y0315201639000402027|1001|OUTCAMP|3|remote agent 1028|ADMIN|1|||7275551212||\n');
  });

  test('POST /sandbox/calls {"agentUser":"1028"}: the new call is 1028\'s current call; a transfer clears it', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    const { status: st, json: c } = await post('/sandbox/calls', { agentUser: '1028' });
    assert.equal(st, 200);
    assert.match(c.callId, /^Y\d{19}$/);
    assert.equal(c.state, 'INCALL');
    assert.equal(await status('1028'), `INCALL|${c.callId}|${c.leadId}|OUTCAMP|3|remote agent 1028|ADMIN|1|||${c.phoneNumber}||\n`);
    assert.equal(await api(`${XFER}&agent_user=1028&value=${c.callId}`), `SUCCESS: ra_call_control transfer - 1028|${c.callId}|\n`);
    assert.equal(await status('1028'), 'READY||0|OUTCAMP|3|remote agent 1028|ADMIN|1|||||\n');
    // the seeded call Y...027 is still live but no agent holds it any more
    const calls = (await (await fetch(`${srv.url}/sandbox/calls`)).json());
    const old = calls.find((x) => x.callId === 'Y0315201639000402027');
    assert.equal(old.agentUser, null);
  });

  test('a call for an agent that is not logged in logs the agent in (user created when unknown)', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    assert.equal(await status('1029'), 'ERROR: agent_status AGENT NOT FOUND: naapi|1029\n');
    const { json: c } = await post('/sandbox/calls', { agentUser: '1029', direction: 'OUT', campaign: 'NODEFCMP' });
    assert.match(c.callId, /^V\d{19}$/);
    assert.equal(await status('1029'), `INCALL|${c.callId}|${c.leadId}|OUTCAMP|0|remote agent 1029|ADMIN|1|||${c.phoneNumber}||\n`);
    // 1028 untouched
    assert.match(await status('1028'), /^INCALL\|Y0315201639000402027\|/);
  });

  test('ringing: state QUEUE until answered (the remote-agent loop)', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    const { json: c } = await post('/sandbox/calls', { agentUser: '1028', state: 'QUEUE' });
    assert.equal(await status('1028'), `QUEUE|${c.callId}|${c.leadId}|OUTCAMP|3|remote agent 1028|ADMIN|1|||${c.phoneNumber}||\n`);
    const a = await post(`/sandbox/calls/${c.callId}/answer`);
    assert.deepEqual(a.json, { callId: c.callId, agentUser: '1028', status: 'INCALL' });
    assert.match(await status('1028'), new RegExp(`^INCALL\\|${c.callId}\\|`));
    const again = await post(`/sandbox/calls/${c.callId}/answer`);
    assert.equal(again.status, 400);
    assert.match(again.json.error, /is not ringing/);
  });

  test('ended: the agent row keeps the call ID with sub-status DEAD; ra_call_control finds no call; cleanup sets READY', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    const e = await post('/sandbox/calls/Y0315201639000402027/end');
    assert.deepEqual(e.json, { callId: 'Y0315201639000402027', agentUser: '1028', agentStatus: 'INCALL' });
    // README "Which live call does agent X have right now?": as_dead
    assert.equal(await status('1028'), 'INCALL|Y0315201639000402027|1001|OUTCAMP|3|remote agent 1028|ADMIN|1||DEAD|7275551212||\n');
    assert.equal(await api(`${XFER}&agent_user=1028&value=Y0315201639000402027`), 'ERROR: no active call found - Y0315201639000402027\n');
    const agents = (await (await fetch(`${srv.url}/sandbox/agents`)).json());
    assert.deepEqual(agents.find((x) => x.agentUser === '1028'), { agentUser: '1028', status: 'INCALL', callId: 'Y0315201639000402027', leadId: 1001, subStatus: 'DEAD' });
    const c = await post('/sandbox/agents/1028/cleanup');
    assert.deepEqual(c.json, { agentUser: '1028', status: 'READY' });
    assert.equal(await status('1028'), 'READY||0|OUTCAMP|3|remote agent 1028|ADMIN|1|||||\n');
  });

  test('end with {"cleanup": true} clears at once; logout: AGENT NOT LOGGED IN', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    const { json: c } = await post('/sandbox/calls', { agentUser: '1028' });
    await post(`/sandbox/calls/${c.callId}/end`, { cleanup: true });
    assert.equal(await status('1028'), 'READY||0|OUTCAMP|3|remote agent 1028|ADMIN|1|||||\n');
    const lo = await post('/sandbox/agents/1028/logout');
    assert.equal(lo.status, 200);
    assert.equal(await status('1028'), 'ERROR: agent_status AGENT NOT LOGGED IN: naapi|1028\n');
  });

  test('POST /sandbox/state applies a named state; unknown names and fields are refused by name', async () => {
    await post('/sandbox/reset', { seed: 'nonagent' });
    const s = await post('/sandbox/state', { name: 'agentOnCall', args: { agentUser: '1028', callId: 'Y0315201640000402028', status: 'QUEUE' } });
    assert.equal(s.status, 200);
    assert.equal(await status('1028'), 'QUEUE|Y0315201640000402028|1002|OUTCAMP|3|remote agent 1028|ADMIN|1|||7275553434||\n');
    const bad = await post('/sandbox/state', { name: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /unknown sandbox state "nope"/);
    for (const [body, re] of [
      [{ agentUser: '10 28' }, /agentUser must be/],
      [{ direction: 'SIDEWAYS' }, /direction must be "IN" or "OUT"/],
      [{ ingroup: 'NOSUCH' }, /ingroup "NOSUCH" is not an in-group/],
      [{ direction: 'OUT', campaign: 'NODEFCAMP' }, /campaign "NODEFCAMP" is not a campaign/],
      [{ state: 'DEAD' }, /state must be "INCALL" or "QUEUE"/],
      [{ phoneNumber: '+1 727' }, /phoneNumber must be 1 to 18 digits/],
      [{ agent: '1028' }, /unknown field "agent"/],
    ]) {
      const r = await post('/sandbox/calls', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.error, re);
    }
    const e = await post('/sandbox/calls/Y0000000000000000000/end');
    assert.equal(e.status, 400);
    assert.match(e.json.error, /no live call "Y0000000000000000000"/);
    const r = await post('/sandbox/reset', { seed: 'nonagent', apiversion: '2.14-81' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown reset field "apiversion"/);
  });

  test('function=version of the non-agent API and of api.php', async () => {
    assert.match(await (await fetch(`${srv.url}/vicidial/non_agent_api.php?function=version`)).text(),
      /^VERSION: 2\.14-198\|BUILD: 250105-1001\|DATE: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\|EPOCH: \d{10}\|DST: 0\|TZ: -5\.00\|TZNOW: -5\.00\|\n$/);
    assert.match(await (await fetch(`${srv.url}/agc/api.php?function=version`)).text(), /^VERSION: 2\.14-82\|BUILD: 250122-1010\|/);
  });

  test('an unmodelled real function answers 501 (never a made-up reply)', async () => {
    const r = await fetch(`${srv.url}/vicidial/non_agent_api.php?function=user_details&user=naapi&pass=napass99&source=test`);
    assert.equal(r.status, 501);
    assert.equal(await r.text(), 'ERROR: the sandbox does not model non_agent_api.php function=user_details\n');
  });
});
