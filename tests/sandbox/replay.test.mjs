// Replays EVERY recorded scenario of the real server (tests/recordings/*.jsonl
// except documented-agent-api.jsonl, which is documentation, not server
// behaviour) against the sandbox and requires identical reply bytes, HTTP
// status, the headers the PHP sets (names, values and order), and every
// recorded database effect.
//
// Seeds: a record's `seed` (rv.py) names the SQL it was recorded on; it maps
// to a sandbox seed (seeds.mjs seedOfRecording, unknown -> failure).
// `setup_sql` maps to a named state (states.mjs, unknown -> failure).
// Sequences (twice_*, lockout_*, seqN_*) run in order on one state: only
// their first member reseeds.
//
// Clock: the sandbox clock is set from the record itself where the reply
// shows the time (version EPOCH, the auth echo's now-900), else it keeps
// the previous record's time, so bytes match exactly with no normalisation.
// The HTTP replay (Node server, real clock) normalises exactly those two.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, seedOfRecording } from '../../sandbox/vicidial.mjs';
import { stateForSetupSql } from '../../sandbox/states.mjs';
import { startSandboxServer } from '../../sandbox/node-server.mjs';
import { skipWithoutWorkerd, startSandboxWorkerd } from './workerd-sandbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repliesDir = path.resolve(here, '..', 'recordings');

const DOCUMENTATION = 'documented-agent-api.jsonl';
const ALL_FILES = fs.readdirSync(repliesDir).filter((f) => f.endsWith('.jsonl')).sort();
const FILES = ALL_FILES.filter((f) => f !== DOCUMENTATION);

function load(file) {
  return fs.readFileSync(path.join(repliesDir, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** The sandbox seed a record was recorded on. */
export function seedFor(file, rec) {
  if (file === 'real-2.14-82-more.jsonl') return 'more'; // its own seed (see seeds.mjs)
  return seedOfRecording(rec.seed);
}

/** The switches a scenario implies (its name, its recorded server line), as rv.py's variants. */
export function configFor(rec) {
  return {
    apiActive: !rec.name.includes('api_not_active'),
    strictSql: /strict/.test(rec.name),
    displayErrors: /display_errors=On/.test(rec.server ?? ''),
    activeServers: !/no_servers/.test(rec.name),
  };
}

/** Sequence key (rv.py): twice_, lockout_, seqN_; null for a lone scenario. */
export function sequenceOf(name) {
  const m = /^(twice|lockout|seq[0-9]*)_/.exec(name);
  return m ? m[1] : null;
}

function requestOf(rec) {
  return { method: rec.method, query: rec.query ?? '', body: rec.body ?? '', contentType: rec.content_type_sent ?? '' };
}

function isNonAgent(rec) {
  return (rec.path ?? '/agc/api.php') === '/vicidial/non_agent_api.php';
}

const TRANSPORT = new Set(['host', 'date', 'connection', 'x-powered-by']);
/** The recorded response headers the PHP set, in order (the web server's transport headers left out). */
function recordedHeaders(rec) {
  const list = Array.isArray(rec.response_headers) ? rec.response_headers : Object.entries(rec.response_headers);
  return list.filter(([k]) => !TRANSPORT.has(k.toLowerCase()));
}

/** The time a reply shows, in ms, or null. */
function timeShown(reply) {
  let m = /EPOCH: (\d{10})/.exec(reply);
  if (m) return Number(m[1]) * 1000;
  m = /UNIX_TIMESTAMP\(last_login_date\) < (\d{10})/.exec(reply);
  if (m) return (Number(m[1]) + 900) * 1000;
  return null;
}

const VERSION_TIME_RE = /(DATE: )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\|EPOCH: )\d{10}/;
const AUTH_TS_RE = /(\(UNIX_TIMESTAMP\(last_login_date\) < )\d{10}(\) \);)/;
export function normaliseTime(body) {
  return body.replace(VERSION_TIME_RE, '$1<DATE>$2<EPOCH>').replace(AUTH_TS_RE, '$1<TS>$2');
}

function checkMoreEffects(vd, fx, before) {
  const snap = vd.snapshot();
  const mgr = vd.managerQueue();
  if (fx.vicidial_manager_inserted) {
    assert.equal(mgr.length, fx.vicidial_manager_inserted.length, 'manager rows inserted');
    fx.vicidial_manager_inserted.forEach((exp, i) => {
      const got = mgr[i];
      assert.deepEqual(
        [got.status, got.response, got.serverIp, got.channel, got.action, got.callerid, got.cmdLineB, got.cmdLineC, got.cmdLineD, got.cmdLineE, got.cmdLineF],
        [exp.status, exp.response, exp.server_ip, exp.channel, exp.action, exp.callerid, exp.cmd_line_b, exp.cmd_line_c, exp.cmd_line_d, exp.cmd_line_e, exp.cmd_line_f],
        'vicidial_manager row',
      );
    });
  } else {
    assert.equal(mgr.length, 0, 'no manager command queued');
  }
  const liveIds = snap.calls.map((c) => c.callerid);
  if (fx.vicidial_auto_calls_deleted) {
    for (const d of fx.vicidial_auto_calls_deleted) {
      assert.ok(!liveIds.includes(d.callerid), `call ${d.callerid} deleted`);
      const was = before.calls.find((c) => c.callerid === d.callerid);
      assert.deepEqual([was.callType, was.campaignId, String(was.leadId), was.status], [d.call_type, d.campaign_id, d.lead_id, d.status], 'deleted call row');
    }
  } else {
    assert.deepEqual(liveIds.sort(), before.calls.map((c) => c.callerid).sort(), 'no call deleted');
  }
  if (fx.vicidial_live_agents) {
    for (const exp of fx.vicidial_live_agents.after) {
      const a = snap.liveAgents.find((x) => x.user === exp.user);
      assert.deepEqual(
        [a.status, String(a.leadId), a.uniqueid, a.callerid, a.channel, a.serverIp],
        [exp.status, exp.lead_id, exp.uniqueid, exp.callerid, exp.channel, exp.server_ip],
        'vicidial_live_agents after',
      );
    }
  } else {
    assert.deepEqual(snap.liveAgents, before.liveAgents, 'agents unchanged');
  }
  if (fx.vicidial_list) {
    for (const exp of fx.vicidial_list.after) {
      assert.equal(snap.leads.find((l) => String(l.leadId) === exp.lead_id).status, exp.status, `lead ${exp.lead_id}`);
    }
  }
  if (fx.vicidial_closer_log) {
    for (const exp of fx.vicidial_closer_log.after) {
      const row = snap.closerLog.find((r) => r.uniqueid === exp.uniqueid && String(r.leadId) === exp.lead_id);
      assert.equal(row.status, exp.status, 'closer log status');
      assert.equal(row.campaignId, exp.campaign_id, 'closer log campaign');
      assert.equal(typeof row.endEpoch, 'number', 'closer log end_epoch set');
      assert.ok(row.lengthInSec >= 0, 'closer log length_in_sec set');
    }
  }
  if (fx.vicidial_api_log_inserted) {
    const exp = fx.vicidial_api_log_inserted.at(-1);
    const got = snap.apiLog.at(-1);
    assert.deepEqual(
      [got.user, got.agentUser, got.function, got.value, got.result, got.resultReason, got.source, got.data],
      [exp.user, exp.agent_user, exp.function, exp.value, exp.result, exp.result_reason, exp.source, exp.data],
      'vicidial_api_log row',
    );
  }
}

/** Replay one file through handle()/handleNonAgent(); yields per record. */
function replayFile(file, onRecord) {
  const records = load(file);
  let vd = null;
  let prevSeq = null;
  let clockMs = null;
  for (const rec of records) clockMs ??= timeShown(rec.reply);
  clockMs ??= 1795562364 * 1000;
  for (const rec of records) {
    onRecord(rec, () => {
      clockMs = timeShown(rec.reply) ?? clockMs;
      const seq = sequenceOf(rec.name);
      if (vd === null || seq === null || seq !== prevSeq) {
        vd = createSandbox({ seed: seedFor(file, rec), now: () => clockMs, ...configFor(rec) });
        if (rec.setup_sql) { const s = stateForSetupSql(rec.setup_sql); vd.applyState(s.name, s.args); }
      } else if (rec.setup_sql) {
        const s = stateForSetupSql(rec.setup_sql);
        vd.applyState(s.name, s.args);
      }
      prevSeq = seq;
      const before = vd.snapshot();
      const res = isNonAgent(rec) ? vd.handleNonAgent(requestOf(rec)) : vd.handle(requestOf(rec));
      return { vd, res, before };
    });
  }
  return records;
}

for (const file of FILES) {
  describe(`replay ${file}`, () => {
    const records = replayFile(file, (rec, run) => {
      test(rec.name, () => {
        const { vd, res, before } = run();
        assert.equal(res.body, rec.reply, 'reply bytes');
        assert.equal(Buffer.from(res.bytes).toString('utf8'), rec.reply, 'raw reply bytes');
        assert.equal(res.status, rec.http_status, 'HTTP status');
        assert.deepEqual(Object.entries(res.headers), recordedHeaders(rec), 'headers set by the PHP, in order');
        if (/^ERROR|^$/.test(rec.reply)) assert.equal(vd.managerQueue().length > before.manager.length, false, 'an error queues nothing');
        const fx = rec.db_effects;
        if (fx && file === 'real-2.14-82-more.jsonl') checkMoreEffects(vd, fx, before);
        else if (fx) {
          const got = vd.dbEffects();
          for (const [k, v] of Object.entries(fx)) {
            assert.ok(k in got, `the sandbox reports db effect ${k}`);
            assert.equal(got[k], v, `db effect ${k}`);
          }
        }
      });
    });
    test('scenario names unique', () => {
      assert.ok(records.length > 0);
      assert.equal(new Set(records.map((r) => r.name)).size, records.length);
    });
  });
}

test('every recording file is replayed (only the documentation file is left out)', () => {
  assert.ok(ALL_FILES.includes(DOCUMENTATION));
  for (const f of ['real-2.14-82.jsonl', 'real-2.14-82-more.jsonl', 'stages-2.14-82.jsonl', 'edge-2.14-82.jsonl', 'strict-2.14-82.jsonl', 'nonagent-2.14-82.jsonl']) {
    assert.ok(FILES.includes(f), f);
  }
  const doc = load(DOCUMENTATION);
  assert.ok(doc.every((r) => r.method === undefined && r.http_status === undefined), 'documentation records carry no request/response to replay');
});

test('an unknown recorded seed or setup_sql fails loudly', () => {
  assert.throws(() => seedOfRecording('seed.sql+seed-other.sql'), /no sandbox seed reproduces/);
  assert.throws(() => stateForSetupSql("UPDATE vicidial_users SET active='N';"), /no sandbox state reproduces/);
});

// ---- the same over real HTTP (Node server and workerd, real clock) --------------

/** Replay one file against a base URL serving the sandbox routes. */
async function replayOverHttp(base, file) {
  const records = load(file);
  const post = async (p, body) => {
    const r = await fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    assert.equal(r.status, 200, `${p}: ${text}`);
  };
  let prevSeq = null;
  for (const rec of records) {
    const seq = sequenceOf(rec.name);
    if (seq === null || seq !== prevSeq) await post('/sandbox/reset', { seed: seedFor(file, rec), ...configFor(rec) });
    if (rec.setup_sql) {
      const s = stateForSetupSql(rec.setup_sql);
      await post('/sandbox/state', { name: s.name, args: s.args });
    }
    prevSeq = seq;
    const init = { method: rec.method, headers: {} };
    if (rec.method === 'POST') {
      init.body = rec.body ?? '';
      if (rec.content_type_sent) init.headers['content-type'] = rec.content_type_sent;
    }
    const q = rec.query ? `?${rec.query}` : '';
    const res = await fetch(`${base}${rec.path ?? '/agc/api.php'}${q}`, init);
    const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
    assert.equal(res.status, rec.http_status, `${rec.name}: HTTP status`);
    assert.equal(normaliseTime(body), normaliseTime(rec.reply), `${rec.name}: reply bytes`);
    for (const [k, v] of recordedHeaders(rec)) assert.equal(res.headers.get(k), v, `${rec.name}: header ${k}`);
  }
}

describe('replay over HTTP on 127.0.0.1 (real clock, time normalised)', () => {
  describe('Node server', () => {
    let srv;
    before(async () => { srv = await startSandboxServer({ port: 0 }); });
    after(async () => { await srv.close(); });
    for (const file of FILES) test(file, () => replayOverHttp(srv.url, file));
  });

  // the module worker under real workerd (sandbox/workerd.capnp); under CI=true a missing workerd fails
  describe('workerd (sandbox/workerd.capnp)', { skip: skipWithoutWorkerd }, () => {
    let wd;
    let base;
    before(async () => { wd = await startSandboxWorkerd(); base = wd.base; });
    after(() => wd?.stop());
    for (const file of FILES) test(file, () => replayOverHttp(base, file));
  });

  test('normalisation is narrow: only the version DATE/EPOCH and the auth timestamp', () => {
    const v = 'VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n';
    assert.equal(normaliseTime(v), 'VERSION: 2.14-82|BUILD: 250122-1010|DATE: <DATE>|EPOCH: <EPOCH>\n');
    const auth = "ERROR: Invalid Username/Password: |6666|x|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user='6666' and pass='x' and user_level > 0 and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < 1795561464) );|\n";
    assert.ok(normaliseTime(auth).endsWith('< <TS>) );|\n'));
    assert.equal(normaliseTime('ERROR: no active call found - Y0315201639000402027\n'), 'ERROR: no active call found - Y0315201639000402027\n');
  });
});
