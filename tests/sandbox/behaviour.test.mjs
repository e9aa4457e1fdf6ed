// Behaviour of the sandbox VICIdial beyond the recorded scenarios: the facts
// of shared/spec/ra_call_control.md, the call lifecycle and the counters.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox } from '../../sandbox/vicidial.mjs';

const T0 = 1795562364 * 1000;
const OUT_CALL = 'Y0315201639000402027'; // outbound, OUTCAMP (default SALESLINE), lead 1001
const IN_CALL = 'Y0315201640000402028'; // inbound, SALESLINE (default BILLING), lead 1002

function clock(ms = T0) {
  const c = { ms, now: () => c.ms, advance: (s) => { c.ms += s * 1000; } };
  return c;
}

function sandbox(opts = {}) {
  const c = clock();
  const vd = createSandbox({ now: c.now, ...opts });
  return { vd, c };
}

/** Query string for an ra_call_control request with overrides (null removes a parameter). */
function q(over = {}) {
  const p = {
    source: 'crm', user: '6666', pass: '1234', agent_user: '1028', function: 'ra_call_control',
    stage: 'INGROUPTRANSFER', value: OUT_CALL, ingroup_choices: 'SALESLINE', ...over,
  };
  return Object.entries(p).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`).join('&');
}

const get = (vd, over) => vd.handle({ method: 'GET', query: q(over) });
const lastExten = (vd) => vd.managerQueue().at(-1)?.cmdLineD;
const lead = (vd, id) => vd.snapshot().leads.find((l) => l.leadId === id);
const agent = (vd, u = '1028') => vd.snapshot().liveAgents.find((a) => a.user === u);

describe('call lifecycle', () => {
  test('a second transfer of the same call answers no active call found', () => {
    const { vd } = sandbox();
    assert.equal(get(vd).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|\n`);
    assert.equal(get(vd).body, `ERROR: no active call found - ${OUT_CALL}\n`);
    assert.equal(vd.managerQueue().length, 1);
    assert.equal(vd.stats().perCall[OUT_CALL].transfers, 1);
  });

  test('startCall then transfer succeeds: Redirect queued, lead status, agent READY, call deleted', () => {
    const { vd } = sandbox();
    const call = vd.startCall({ agentUser: '1028', direction: 'IN', ingroup: 'BILLING' });
    assert.match(call.callId, /^Y\d{19}$/);
    assert.equal(call.callId.length, 20);
    assert.equal(agent(vd).callerid, call.callId);
    assert.ok(vd.listCalls().some((c) => c.callId === call.callId));
    const res = get(vd, { value: call.callId, ingroup_choices: 'SALESLINE' });
    assert.equal(res.status, 200);
    assert.equal(res.body, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
    const m = vd.managerQueue().at(-1);
    assert.equal(m.action, 'Redirect');
    assert.equal(m.callerid, 'XAPI' + call.callId.slice(4));
    assert.equal(m.cmdLineD, `Exten: 90009*SALESLINE**${call.leadId}**${call.phoneNumber}**1028**`);
    assert.equal(lead(vd, call.leadId).status, 'RAXFER');
    assert.equal(agent(vd).status, 'READY');
    assert.equal(agent(vd).callerid, '');
    assert.ok(!vd.listCalls().some((c) => c.callId === call.callId));
    assert.equal(get(vd, { value: call.callId }).body, `ERROR: no active call found - ${call.callId}\n`);
  });

  test('startCall ids are unique and in the real format; outbound uses V and the campaign', () => {
    const { vd } = sandbox();
    const ids = new Set();
    for (let i = 0; i < 500; i++) ids.add(vd.startCall().callId);
    assert.equal(ids.size, 500);
    const out = vd.startCall({ direction: 'OUT' });
    assert.match(out.callId, /^V\d{19}$/);
    assert.equal(out.campaign, 'OUTCAMP');
    // DEFAULTINGROUP on a started outbound call: OUTCAMP's default SALESLINE
    assert.equal(get(vd, { value: out.callId, ingroup_choices: 'DEFAULTINGROUP' }).body, `SUCCESS: ra_call_control transfer - 1028|${out.callId}|\n`);
    assert.match(lastExten(vd), /^Exten: 90009\*SALESLINE\*\*/);
  });

  test('startCall logs in an agent that was not logged in', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { agent_user: '2000' }).body, 'ERROR: agent_user is not logged in - 2000\n');
    const call = vd.startCall({ agentUser: '2000' });
    assert.equal(get(vd, { agent_user: '2000', value: call.callId }).body, `SUCCESS: ra_call_control transfer - 2000|${call.callId}|\n`);
    assert.equal(agent(vd, '2000').status, 'READY');
  });

  test('any logged-in agent can transfer any call; only the agent holding the call is set READY', () => {
    const { vd } = sandbox();
    const other = vd.startCall({ agentUser: '3000' }); // 3000 holds `other`; 1028 still holds OUT_CALL
    assert.equal(get(vd, { agent_user: '1028', value: other.callId }).body, `SUCCESS: ra_call_control transfer - 1028|${other.callId}|\n`);
    assert.equal(agent(vd, '3000').status, 'READY');
    assert.equal(agent(vd, '1028').status, 'INCALL');
  });

  test('HANGUP queues a Hangup, writes RAXFER, deletes the call', () => {
    const { vd } = sandbox();
    const res = get(vd, { stage: 'HANGUP', ingroup_choices: null });
    assert.equal(res.body, `SUCCESS: ra_call_control hungup - 1028|${OUT_CALL}|HANGUP\n`);
    assert.equal(vd.managerQueue()[0].line, 'Hangup\tHAPI5201639000402027\tChannel: SIP/carrier-0001');
    assert.equal(lead(vd, 1001).status, 'RAXFER');
    assert.equal(get(vd, { stage: 'HANGUP' }).body, `ERROR: no active call found - ${OUT_CALL}\n`);
    assert.deepEqual(vd.stats().perCall[OUT_CALL], { transfers: 0, hangups: 1 });
  });

  test('EXTENSIONTRANSFER needs a phone_number of 2+ characters; 2.14-82 keeps letters, 2.14-81 does not', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { stage: 'EXTENSIONTRANSFER', phone_number: '9' }).body, 'ERROR: phone_number is not valid - 9\n');
    assert.equal(get(vd, { stage: 'EXTENSIONTRANSFER', phone_number: '8a5-0.0' }).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|8a500\n`);
    assert.equal(lastExten(vd), 'Exten: 8a500');
    const old = sandbox({ apiVersion: '2.14-81' }).vd;
    assert.equal(get(old, { stage: 'EXTENSIONTRANSFER', phone_number: 'AGENT1028' }).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|1028\n`);
    assert.equal(lastExten(old), 'Exten: 1028');
    const now = sandbox().vd;
    assert.equal(get(now, { stage: 'EXTENSIONTRANSFER', phone_number: 'AGENT1028' }).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|AGENT1028\n`);
  });

  test('a 250-digit number: the reply echoes it whole, vicidial_manager.cmd_line_d (VARCHAR(200)) keeps 200', () => {
    const { vd } = sandbox();
    const n = '1234567890'.repeat(25);
    assert.equal(get(vd, { stage: 'EXTENSIONTRANSFER', phone_number: n }).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|${n}\n`);
    assert.equal(lastExten(vd), `Exten: ${n}`.slice(0, 200));
    assert.equal(lastExten(vd).length, 200);
  });

  test('reset re-seeds and clears the counters', () => {
    const { vd } = sandbox();
    get(vd);
    vd.startCall();
    vd.reset();
    assert.equal(vd.listCalls().length, 4);
    assert.equal(vd.stats().transfers, 0);
    assert.equal(vd.managerQueue().length, 0);
    assert.match(get(vd).body, /^SUCCESS/);
  });
});

describe('silent rewriting (spec table)', () => {
  test('SALES.LINE transfers to SALESLINE', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { ingroup_choices: 'SALES.LINE' }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*SALESLINE**1001**7275551212**1028**');
  });

  test('SALESLINE,BILLING becomes SALESLINEBILLING (not valid)', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { ingroup_choices: 'SALESLINE,BILLING' }).body, 'ERROR: ingroup is not valid - SALESLINEBILLING\n');
  });

  test('status TOOLONGX is stored as TOOLON (VARCHAR(6)); A.B as AB', () => {
    let { vd } = sandbox();
    assert.match(get(vd, { status: 'TOOLONGX' }).body, /^SUCCESS/);
    assert.equal(lead(vd, 1001).status, 'TOOLON');
    assert.equal(vd.snapshot().vicidialLog.find((r) => r.uniqueid === '1700000000.1').status, 'TOOLON');
    ({ vd } = sandbox());
    get(vd, { status: 'A.B' });
    assert.equal(lead(vd, 1001).status, 'AB');
  });

  test('a trailing space in the in-group answers SUCCESS and is dialled (90009*SALESLINE **...)', () => {
    for (const ig of ['SALESLINE%20', 'SALESLINE+', 'SALESLINE%2B']) {
      const { vd } = sandbox();
      assert.equal(get(vd, { ingroup_choices: ig }).body, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|\n`, ig);
      assert.equal(lastExten(vd), 'Exten: 90009*SALESLINE **1001**7275551212**1028**', ig);
    }
  });

  test('a leading space is kept and fails', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { ingroup_choices: '%20SALESLINE' }).body, 'ERROR: ingroup is not valid -  SALESLINE\n');
  });

  test('SALES LINE (space inside) is not valid', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { ingroup_choices: 'SALES+LINE' }).body, 'ERROR: ingroup is not valid - SALES LINE\n');
  });

  test('a € inside the in-group is deleted and the transfer succeeds', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { ingroup_choices: 'SALES%E2%82%ACLINE' }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*SALESLINE**1001**7275551212**1028**');
    const { vd: vd2 } = sandbox();
    assert.match(vd2.handle({ query: q({ ingroup_choices: 'SALES€LINE' }) }).body, /^SUCCESS/);
  });

  test('in-group lookup is case-insensitive, the caller case is dialled', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { ingroup_choices: 'SalesLine' }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*SalesLine**1001**7275551212**1028**');
  });

  test('XDEFAULTINGROUPX is replaced by the default transfer group (outbound: campaign)', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { ingroup_choices: 'XDEFAULTINGROUPX' }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*SALESLINE**1001**7275551212**1028**');
  });

  test('DEFAULTINGROUP: inbound uses the in-group default; matching is case-sensitive', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { value: IN_CALL, ingroup_choices: 'DEFAULTINGROUP' }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*BILLING**1002**7275553434**1028**');
    assert.equal(get(vd, { ingroup_choices: 'defaultingroup' }).body, 'ERROR: ingroup is not valid - defaultingroup\n');
  });

  test('DEFAULTINGROUP with an empty default / an unset (---NONE---) default', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { value: 'Y0315201641000402029', ingroup_choices: 'DEFAULTINGROUP' }).body, 'ERROR: ingroup is not valid - \n');
    // NODEFCMP (8 characters, the VARCHAR(8) campaign_id) has default_xfer_group '' in seed.sql
    assert.equal(get(vd, { value: 'Y0315201642000402030', ingroup_choices: 'DEFAULTINGROUP' }).body, 'ERROR: ingroup is not valid - \n');
    // BILLING's default is the schema's unset '---NONE---'
    const call = vd.startCall({ agentUser: '1028', direction: 'IN', ingroup: 'BILLING' });
    assert.equal(get(vd, { value: call.callId, ingroup_choices: 'DEFAULTINGROUP' }).body, 'ERROR: ingroup is not valid - ---NONE---\n');
  });

  test('call ID: lowercase and a trailing dot still match; the caller spelling is echoed', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { value: 'y0315201639000402027.' }).body, 'SUCCESS: ra_call_control transfer - 1028|y0315201639000402027|\n');
    assert.equal(vd.managerQueue()[0].callerid, 'XAPI5201639000402027');
    assert.equal(get(vd).body, `ERROR: no active call found - ${OUT_CALL}\n`);
  });

  test('source c.r.m becomes crm; one char left is Invalid Source', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { source: 'c.r.m' }).body, /^SUCCESS/);
    assert.equal(vd.snapshot().apiLog.at(-1).source, 'crm');
    assert.equal(get(vd, { source: 'c...' }).body, 'ERROR: Invalid Source - c\n');
  });

  test('pass: a raw + decodes to a space and is removed; %2B is kept', () => {
    const { vd } = sandbox();
    assert.match(get(vd, { pass: 'a+b' }).body, /^ERROR: Invalid Username\/Password: \|6666\|ab\|0\|1\|BAD\|0\|api\|SELECT count\(\*\) from vicidial_users where user='6666' and pass='ab' /);
    assert.match(get(vd, { pass: 'a%2Bb' }).body, /\|6666\|a\+b\|0\|1\|BAD\|/);
  });

  test('user names and passwords match case-insensitively; the caller case is echoed', () => {
    const { vd } = sandbox({ seed: 'more' });
    const base = 'source=test&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&ingroup_choices=SALESLINE&value=Y0315201639000402027';
    assert.match(vd.handle({ query: `${base}&user=APIUSER&pass=xfer2024` }).body, /^SUCCESS/);
    vd.reset();
    assert.equal(vd.handle({ query: `${base}&user=APIUSER&pass=nope` }).body.split('|').slice(0, 6).join('|'), 'ERROR: Invalid Username/Password: |APIUSER|nope|0|1|BAD');
  });

  test('stage is compared exactly and echoed unfiltered except quote, backslash, semicolon', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { stage: '%3Cb%3EX%3C/b%3E' }).body, 'ERROR: stage is not valid - <b>X</b>\n');
    assert.equal(get(vd, { stage: 'ingrouptransfer' }).body, 'ERROR: stage is not valid - ingrouptransfer\n');
    assert.match(get(vd, { stage: "INGROUP'TRANS%22FER" }).body, /^SUCCESS/);
  });
});

describe('request parsing', () => {
  test('the query wins over the body; an empty query value still wins', () => {
    const { vd } = sandbox();
    const res = vd.handle({
      method: 'POST', query: 'ingroup_choices=OLDQUEUE', contentType: 'application/x-www-form-urlencoded', body: q({ ingroup_choices: 'SALESLINE' }),
    });
    assert.equal(res.body, 'ERROR: ingroup is not valid - OLDQUEUE\n');
    const res2 = vd.handle({ method: 'POST', query: 'source=', contentType: 'application/x-www-form-urlencoded', body: q() });
    assert.equal(res2.body, 'ERROR: Invalid Source - \n');
  });

  test('a repeated parameter: the last one wins', () => {
    const { vd } = sandbox();
    assert.match(vd.handle({ query: q({ ingroup_choices: 'OLDQUEUE' }) + '&ingroup_choices=SALESLINE' }).body, /^SUCCESS/);
  });

  test('a body is read only for POST and only as urlencoded or multipart', () => {
    const { vd } = sandbox();
    assert.equal(vd.handle({ method: 'GET', contentType: 'application/x-www-form-urlencoded', body: q() }).body, 'ERROR: Invalid Source - \n');
    assert.equal(vd.handle({ method: 'POST', contentType: 'text/plain', body: q() }).body, 'ERROR: Invalid Source - \n');
    assert.equal(vd.handle({ method: 'POST', contentType: 'application/json', body: '{"source":"crm"}' }).body, 'ERROR: Invalid Source - \n');
    assert.equal(vd.handle({ method: 'OPTIONS' }).body, 'ERROR: Invalid Source - \n');
    assert.match(vd.handle({ method: 'POST', contentType: 'Application/X-WWW-Form-Urlencoded; charset=UTF-8', body: q() }).body, /^SUCCESS/);
  });

  test('multipart: read with a boundary (a raw + kept), not read without one', () => {
    const fields = { source: 'crm', user: '6666', pass: '1234', agent_user: '1028', function: 'ra_call_control', stage: 'INGROUPTRANSFER', value: OUT_CALL, ingroup_choices: 'SALESLINE+', status: 'A+B' };
    const b = 'XyZ';
    const body = Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${b}--\r\n`;
    let { vd } = sandbox();
    assert.match(vd.handle({ method: 'POST', contentType: `multipart/form-data; boundary=${b}`, body }).body, /^SUCCESS/);
    assert.equal(lastExten(vd), 'Exten: 90009*SALESLINE **1001**7275551212**1028**'); // + -> space for ingroup_choices
    assert.equal(lead(vd, 1001).status, 'AB'); // status: + deleted
    ({ vd } = sandbox());
    assert.equal(vd.handle({ method: 'POST', contentType: 'multipart/form-data', body }).body, 'ERROR: Invalid Source - \n');
  });

  test('array parameters: HTTP 500, empty body, at the point PHP uses them', () => {
    const { vd } = sandbox();
    const arr = vd.handle({ query: q({ ingroup_choices: null }) + '&ingroup_choices[]=SALESLINE' });
    assert.deepEqual([arr.status, arr.body], [500, '']);
    // the in-group is used only after the call lookup: a wrong call ID answers first
    const early = vd.handle({ query: q({ ingroup_choices: null, value: 'Y9' }) + '&ingroup_choices[]=SALESLINE' });
    assert.deepEqual([early.status, early.body], [200, 'ERROR: no active call found - Y9\n']);
    assert.equal(vd.handle({ query: q({ source: null }) + '&source[]=crm' }).status, 500);
    // status is read after the SUCCESS line is printed: the line, then 500, nothing written
    const st = vd.handle({ query: q() + '&status[]=SALE' });
    assert.deepEqual([st.status, st.body], [500, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|\n`]);
    assert.equal(vd.managerQueue().length, 0);
    assert.equal(vd.listCalls().length, 4);
  });

  test('PHP name mangling: dots and spaces in names become underscores', () => {
    const { vd } = sandbox();
    assert.match(vd.handle({ query: q({ ingroup_choices: null, agent_user: null }) + '&ingroup.choices=SALESLINE&agent%20user=1028' }).body, /^SUCCESS/);
  });
});

describe('authentication and switches', () => {
  test('bad password echoes the SQL with now-900 from the injected clock', () => {
    const { vd, c } = sandbox();
    c.ms = 1800000000 * 1000;
    assert.ok(get(vd, { pass: 'x' }).body.endsWith('(UNIX_TIMESTAMP(last_login_date) < 1799999100) );|\n'));
  });

  test('GOOD without API access; unknown user; short user', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { user: 'apinoaccess', pass: 'secret99' }).body, 'ERROR: Invalid Username/Password: |apinoaccess|secret99|1|0|GOOD|\n');
    assert.match(get(vd, { user: 'nobody', pass: 'x1' }).body, /^ERROR: Invalid Username\/Password: \|nobody\|x1\|0\|0\|BAD\|0\|api\|SELECT /);
    assert.match(get(vd, { user: '6', pass: '1234' }).body, /^ERROR: Invalid Username\/Password: \|6\|1234\|0\|0\|BAD\|/);
  });

  test('LOCK after 10 failures within 15 minutes, even with the right password; a success does not reset the count', () => {
    const { vd, c } = sandbox();
    for (let i = 0; i < 9; i++) assert.match(get(vd, { pass: 'wrong' }).body, /\|BAD\|/);
    assert.match(get(vd).body, /^SUCCESS/); // 9 failures: still fine, and the count stays 9
    assert.match(get(vd, { pass: 'wrong' }).body, /\|BAD\|/); // 10th failure
    assert.equal(get(vd, { value: IN_CALL }).body, 'ERROR: Invalid Username/Password: |6666|1234|0|1|LOCK|\n');
    assert.equal(get(vd, { pass: 'wrong' }).body, 'ERROR: Invalid Username/Password: |6666|wrong|0|1|LOCK|\n');
    c.advance(901); // the last login is now older than 15 minutes
    assert.match(get(vd, { value: IN_CALL }).body, /^SUCCESS/);
  });

  test('apilimited: permission line with the user group', () => {
    const { vd } = sandbox();
    assert.equal(get(vd, { user: 'apilimited', pass: 'secret99' }).body,
      `ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ${OUT_CALL}|apilimited|ra_call_control|ADMIN\n`);
    // check 4 (empty fields) comes before the permission check
    assert.equal(get(vd, { user: 'apilimited', pass: 'secret99', value: null }).body, 'ERROR: ra_call_control not valid - |1028|INGROUPTRANSFER\n');
  });

  test('apiActive=false, activeServers=false (ERRSERVERS)', () => {
    const { vd } = sandbox({ apiActive: false });
    assert.equal(get(vd).body, 'ERROR: System API NOT ACTIVE\n');
    assert.match(get(vd, { pass: 'x1' }).body, /^ERROR: Invalid Username/); // auth comes first
    const { vd: vd2 } = sandbox({ activeServers: false });
    assert.equal(get(vd2).body, 'ERROR: Invalid Username/Password: |6666|1234|0|1|ERRSERVERS|\n');
  });

  test('version uses the clock; coffee is a 418 without newline; missing function is empty', () => {
    const { vd } = sandbox();
    assert.equal(vd.handle({ query: 'function=version' }).body, 'VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n');
    for (const f of ['coffee', 'make_coffee']) {
      const r = vd.handle({ query: `function=${f}` });
      assert.deepEqual([r.status, r.body], [418, `Coffee: ${f}|Error 418 I'm a teapot`]);
    }
    assert.deepEqual([get(vd, { function: null }).status, get(vd, { function: null }).body], [200, '']);
    assert.match(get(vd, { function: null, pass: 'bad' }).body, /^ERROR: Invalid Username/);
  });

  test('strictSql: SUCCESS line then HTTP 500; lead and log written, nothing queued, call still live', () => {
    const { vd } = sandbox({ strictSql: true });
    const r = get(vd);
    assert.deepEqual([r.status, r.body], [500, `SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|\n`]);
    assert.equal(lead(vd, 1001).status, 'RAXFER');
    assert.equal(vd.managerQueue().length, 0);
    assert.equal(vd.stats().transfers, 0);
    assert.ok(vd.listCalls().some((c) => c.callId === OUT_CALL));
    assert.equal(agent(vd).status, 'INCALL');
    // a too long status fails the first UPDATE: nothing written
    const { vd: vd2 } = sandbox({ strictSql: true });
    assert.equal(get(vd2, { status: 'TOOLONGX' }).status, 500);
    assert.equal(lead(vd2, 1001).status, 'NEW');
  });

  test('strictSql with displayErrors: HTTP 200 and a Fatal error after the SUCCESS line', () => {
    const { vd } = sandbox({ strictSql: true, displayErrors: true });
    const r = get(vd);
    assert.equal(r.status, 200);
    const lines = r.body.split('\n');
    const i = lines.indexOf(`SUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|`);
    assert.ok(i >= 0, 'reply line on a line of its own');
    assert.match(lines.slice(i + 1).join('\n'), /\nFatal error: Uncaught mysqli_sql_exception: /);
    assert.equal(vd.managerQueue().length, 0);
  });

  test('displayErrors: reply line whole on its own line; a supplied parameter is not warned about', () => {
    const { vd } = sandbox({ displayErrors: true });
    const r = get(vd, { status: 'SALE' });
    assert.equal(r.status, 200);
    assert.ok(r.body.includes(`\nSUCCESS: ra_call_control transfer - 1028|${OUT_CALL}|\n`));
    assert.ok(r.body.includes('Undefined variable $phone_number'));
    assert.ok(!r.body.includes('Undefined variable $status'));
    assert.ok(r.body.startsWith('\nWarning: Undefined variable $DB in /var/www/html/agc/api.php on line 304\n'));
  });

  test('configure() switches without touching the data', () => {
    const { vd } = sandbox();
    vd.configure({ apiActive: false });
    assert.equal(get(vd).body, 'ERROR: System API NOT ACTIVE\n');
    vd.configure({ apiActive: true });
    assert.match(get(vd).body, /^SUCCESS/);
    assert.throws(() => vd.configure({ nope: 1 }));
  });
});

describe('stats', () => {
  test('counts transfers and hangups per call ID: none lost, none duplicated', () => {
    const { vd } = sandbox();
    const calls = Array.from({ length: 50 }, (_, i) => vd.startCall({ agentUser: String(5000 + (i % 5)) }));
    for (const c of calls) {
      const stage = c.leadId % 2 ? 'HANGUP' : 'INGROUPTRANSFER';
      for (let k = 0; k < 3; k++) get(vd, { value: c.callId, agent_user: c.agentUser, stage }); // retries answer "no active call"
    }
    const s = vd.stats();
    assert.equal(s.transfers + s.hangups, 50);
    assert.equal(s.duplicated, 0);
    for (const c of calls) {
      const p = s.perCall[c.callId];
      assert.equal(p.transfers + p.hangups, 1, c.callId);
    }
    assert.equal(s.requests, 150);
    assert.equal(s.liveCalls, 4);
  });
});
