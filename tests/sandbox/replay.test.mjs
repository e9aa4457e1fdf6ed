// Replays every recorded scenario of the real VICIdial 2.14-82 server
// (tests/recordings/real-2.14-82*.jsonl) against the sandbox and
// requires identical reply bytes and HTTP status, plus the database effects
// the sandbox models.
//
// With the sandbox clock set to the recording's time (the `version`
// scenario's EPOCH) the bytes match exactly, time-dependent ones included.
// The HTTP replay runs on the real clock and normalises exactly two things:
// the DATE/EPOCH of the version line and the timestamp in the auth echo.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '../../sandbox/vicidial.mjs';
import { startSandboxServer } from '../../sandbox/node-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const repliesDir = path.resolve(repoRoot, 'tests', 'recordings');

/** The recording's clock: version scenario EPOCH 1795562364 (= auth timestamp 1795561464 + 900). */
const RECORDED_EPOCH_MS = 1795562364 * 1000;

const FILES = [
  { file: 'real-2.14-82.jsonl', seed: 'default' },
  { file: 'real-2.14-82-more.jsonl', seed: 'more' },
];

function load(file) {
  return fs
    .readFileSync(path.join(repliesDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** The configuration a scenario implies (its name, its recorded server line). */
function configFor(rec) {
  return {
    apiActive: !rec.name.includes('api_not_active'),
    strictSql: /strict/.test(rec.name),
    displayErrors: /display_errors=On/.test(rec.server ?? ''),
  };
}

/** Scenarios named twice_* / lockout_* run in sequence on one state. */
function sequenceOf(name) {
  const m = /^(twice|lockout)_/.exec(name);
  return m ? m[1] : null;
}

function requestOf(rec) {
  return {
    method: rec.method,
    query: rec.query ?? '',
    body: rec.body ?? '',
    contentType: rec.content_type_sent ?? '',
  };
}

/** The recorded response headers that api.php sets (the rest are the web server's). */
function recordedApiHeaders(rec) {
  const list = Array.isArray(rec.response_headers) ? rec.response_headers : Object.entries(rec.response_headers);
  return Object.fromEntries(list.filter(([k]) => ['Content-type', 'Cache-Control', 'Pragma'].includes(k)));
}

// Narrow normalisation of the only time-dependent values.
const VERSION_RE = /^(VERSION: 2\.14-82\|BUILD: 250122-1010\|DATE: )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\|EPOCH: )\d{10}\n$/;
const AUTH_TS_RE = /(\(UNIX_TIMESTAMP\(last_login_date\) < )\d{10}(\) \);\|\n)$/;
function normaliseTime(body) {
  return body.replace(VERSION_RE, '$1<DATE>$2<EPOCH>\n').replace(AUTH_TS_RE, '$1<TS>$2');
}

// ---- db_effects checks -------------------------------------------------------

function checkDefaultEffects(vd, fx, before) {
  const snap = vd.snapshot();
  if (fx.manager) {
    assert.deepEqual(vd.managerQueue().map((m) => m.line), [fx.manager], 'queued manager command');
  }
  if (fx.list_status) {
    for (const line of fx.list_status.split('\n')) {
      const [id, status] = line.split('\t');
      assert.equal(snap.leads.find((l) => String(l.leadId) === id)?.status, status, `lead ${id} status`);
    }
  }
  if (fx.log_status) {
    const [uid, status] = fx.log_status.split('\t');
    assert.equal(snap.vicidialLog.find((r) => r.uniqueid === uid)?.status, status, `vicidial_log ${uid}`);
  }
  if (fx.closer_status) {
    const [uid, status] = fx.closer_status.split('\t');
    assert.equal(snap.closerLog.find((r) => r.uniqueid === uid)?.status, status, `vicidial_closer_log ${uid}`);
  }
  if (fx.auto_calls !== undefined) {
    assert.deepEqual(snap.calls.map((c) => c.callerid).sort(), fx.auto_calls.split('\n').sort(), 'live calls left');
  }
  if (fx.agent) {
    const [u, status, callerid = ''] = fx.agent.split('\t');
    const a = snap.liveAgents.find((x) => x.user === u);
    assert.equal(a?.status, status, `agent ${u} status`);
    assert.equal(a?.callerid, callerid, `agent ${u} callerid`);
  }
  assert.ok(before);
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

// ---- replay through handle() ---------------------------------------------------

for (const { file, seed } of FILES) {
  describe(`replay ${file} (seed ${seed})`, () => {
    const records = load(file);
    let vd = null;
    let prevSeq = null;
    for (const rec of records) {
      test(rec.name, () => {
        const seq = sequenceOf(rec.name);
        if (vd === null || seq === null || seq !== prevSeq) {
          vd = createSandbox({ seed, now: () => RECORDED_EPOCH_MS, ...configFor(rec) });
        }
        prevSeq = seq;
        const before = vd.snapshot();
        const res = vd.handle(requestOf(rec));
        assert.equal(res.body, rec.reply, 'reply bytes');
        assert.equal(Buffer.from(res.bytes).toString('utf8'), rec.reply, 'raw reply bytes');
        assert.equal(res.status, rec.http_status, 'HTTP status');
        assert.deepEqual({ ...res.headers }, recordedApiHeaders(rec), 'api.php headers');
        if (/^ERROR|^$/.test(rec.reply)) assert.equal(vd.managerQueue().length, 0, 'an error queues nothing');
        if (rec.db_effects) {
          if (seed === 'default') checkDefaultEffects(vd, rec.db_effects, before);
          else checkMoreEffects(vd, rec.db_effects, before);
        }
      });
    }
    test('covers every recorded scenario', () => {
      assert.ok(records.length > 0);
      assert.equal(new Set(records.map((r) => r.name)).size, records.length, 'scenario names unique');
    });
  });
}

// ---- replay over real HTTP (Node server, real clock) ------------------------------

describe('replay over HTTP on 127.0.0.1 (real clock, time normalised)', () => {
  for (const { file, seed } of FILES) {
    test(file, async () => {
      const records = load(file);
      const srv = await startSandboxServer({ port: 0, seed });
      try {
        let prevSeq = null;
        for (const rec of records) {
          const seq = sequenceOf(rec.name);
          if (seq === null || seq !== prevSeq) {
            const r = await fetch(`${srv.url}/sandbox/reset`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ seed, ...configFor(rec) }),
            });
            assert.equal(r.status, 200);
            await r.arrayBuffer();
          }
          prevSeq = seq;
          const init = { method: rec.method, headers: {} };
          if (rec.method === 'POST') {
            init.body = rec.body ?? '';
            if (rec.content_type_sent) init.headers['content-type'] = rec.content_type_sent;
          }
          const q = rec.query ? `?${rec.query}` : '';
          const res = await fetch(`${srv.url}/agc/api.php${q}`, init);
          const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
          assert.equal(res.status, rec.http_status, `${rec.name}: HTTP status`);
          assert.equal(normaliseTime(body), normaliseTime(rec.reply), `${rec.name}: reply bytes`);
          for (const [k, v] of Object.entries(recordedApiHeaders(rec))) {
            assert.equal(res.headers.get(k), v, `${rec.name}: header ${k}`);
          }
        }
      } finally {
        await srv.close();
      }
    });
  }

  test('normalisation is narrow: only the version DATE/EPOCH and the auth timestamp', () => {
    const v = 'VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n';
    assert.equal(normaliseTime(v), 'VERSION: 2.14-82|BUILD: 250122-1010|DATE: <DATE>|EPOCH: <EPOCH>\n');
    assert.equal(normaliseTime('VERSION: 2.14-81|BUILD: 250122-1010|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n'),
      'VERSION: 2.14-81|BUILD: 250122-1010|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n');
    const auth = "ERROR: Invalid Username/Password: |6666|x|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user='6666' and pass='x' and user_level > 0 and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < 1795561464) );|\n";
    assert.ok(normaliseTime(auth).endsWith('< <TS>) );|\n'));
    assert.equal(normaliseTime('ERROR: no active call found - Y0315201639000402027\n'), 'ERROR: no active call found - Y0315201639000402027\n');
  });
});
