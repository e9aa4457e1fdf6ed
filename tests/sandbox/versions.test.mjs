// The api.php version setting: every filter probe of the real server
// (tests/recordings/filters/filters-<version>.json: each printable ASCII
// character, é, €, NUL and a raw `+` in each parameter) is re-sent to a
// sandbox set to that version, built exactly as realserver/filter-probe.py
// builds it, and must give the recorded reply, HTTP status and stored value.
// Plus: the version table itself, function=version, the Node option, the
// env/workerd binding SANDBOX_API_VERSION and the refusal of unknown versions.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox } from '../../sandbox/vicidial.mjs';
import { VERSIONS, filtersFor, resolveVersion, compareVersions } from '../../sandbox/versions.mjs';
import { optionsFromEnv } from '../../sandbox/router.mjs';
import { startSandboxServer } from '../../sandbox/node-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filtersDir = path.resolve(here, '..', 'recordings', 'filters');
const PROBE_FILES = fs.readdirSync(filtersDir).filter((f) => /^filters-.*\.json$/.test(f)).sort();

// filter-probe.py
const CALL = 'Y0315201639000402027';
const BASE = { function: 'ra_call_control', user: '6666', pass: '1234', source: 'crm', agent_user: '1028', value: CALL, stage: 'HANGUP' };
const ORDER = ['function', 'user', 'pass', 'source', 'agent_user', 'value', 'stage', 'ingroup_choices', 'phone_number', 'status'];

/** urllib.parse.quote(v.encode('utf-8'), safe=''). */
function enc(v) {
  let out = '';
  for (const b of Buffer.from(v, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9_.~-]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function probeQuery(p) {
  const rawPlus = p.query_part.includes('(raw, not encoded)');
  const params = { ...BASE };
  if (p.param === 'ingroup_choices') params.stage = 'INGROUPTRANSFER';
  if (p.param === 'phone_number') params.stage = 'EXTENSIONTRANSFER';
  if (p.param === 'source') params.value = 'NOSUCHCALL';
  params[p.param] = p.sent;
  if (rawPlus) delete params[p.param];
  let q = ORDER.filter((k) => k in params).map((k) => `${k}=${enc(params[k])}`).join('&');
  if (rawPlus) q += `&${p.param}=AB+CD`;
  return q;
}

function timeShown(reply) {
  const m = /UNIX_TIMESTAMP\(last_login_date\) < (\d{10})/.exec(reply);
  return m ? (Number(m[1]) + 900) * 1000 : 1796107600 * 1000;
}

for (const file of PROBE_FILES) {
  const rec = JSON.parse(fs.readFileSync(path.join(filtersDir, file), 'utf8'));
  describe(`filter probes of api.php ${rec.version} (${file})`, () => {
    test('the version is in the table, with the build the server answered', () => {
      assert.equal(resolveVersion(rec.version).build, rec.build);
    });
    test(`${rec.probes.length} probes: same reply, status and stored value`, () => {
      const params = new Set();
      const chars = new Set();
      for (const p of rec.probes) {
        params.add(p.param);
        if (!p.query_part.includes('raw')) chars.add(p.sent.slice(2, -2));
        const vd = createSandbox({ apiVersion: rec.version, now: () => timeShown(p.reply) });
        const res = vd.handle({ method: 'GET', query: probeQuery(p) });
        const what = `${p.param} ${JSON.stringify(p.sent)}`;
        assert.equal(res.status, p.http_status, `${what}: HTTP status`);
        const body = res.body;
        if (p.reply.length < 400) assert.equal(body, p.reply, `${what}: reply`);
        else assert.equal(body.slice(0, 400), p.reply, `${what}: reply (first 400 recorded)`);
        const fx = vd.snapshot();
        if (p.param === 'status' && p.echoed_or_stored !== null) {
          assert.equal(fx.vicidialLog.find((r) => r.uniqueid === '1700000000.1').status, p.echoed_or_stored, `${what}: vicidial_log.status`);
          assert.equal(fx.leads.find((l) => l.leadId === 1001).status, p.list_status, `${what}: vicidial_list.status`);
        }
        if (p.param === 'source') assert.equal(fx.apiLog.at(-1).source, p.echoed_or_stored, `${what}: api_log.source`);
        if (p.manager_cmd_line_c) assert.equal(fx.manager.at(-1).cmdLineC, p.manager_cmd_line_c, `${what}: cmd_line_c`);
      }
      assert.deepEqual([...params].sort(), ['agent_user', 'ingroup_choices', 'pass', 'phone_number', 'source', 'status', 'user', 'value']);
      assert.equal(chars.size, 95 + 3, 'every printable ASCII character, é, € and NUL');
    });
    test('the kept-character sets of filtersFor() match the probes', () => {
      const f = filtersFor(rec.version).latin;
      for (const p of rec.probes) {
        if (p.query_part.includes('raw') || p.echoed_or_stored === null) continue;
        const ch = p.sent.slice(2, -2);
        let v = p.sent;
        if (p.param === 'ingroup_choices') v = v.replace(/\+/g, ' ');
        const re = f[p.param];
        const filtered = re === null ? v : v.replace(re, '');
        const count = (x) => x.split(ch).length - 1;
        assert.equal(count(filtered) === count(p.sent), p.kept === true, `${p.param} ${JSON.stringify(ch)} kept`);
      }
    });
  });
}

describe('the version table', () => {
  test('covers 2.12-47 .. 2.14-82 in order, every probed version included', () => {
    assert.equal(VERSIONS[0].version, '2.12-47');
    assert.equal(VERSIONS.at(-1).version, '2.14-82');
    for (let i = 1; i < VERSIONS.length; i++) assert.ok(compareVersions(VERSIONS[i - 1].version, VERSIONS[i].version) < 0);
    for (const f of PROBE_FILES) assert.ok(VERSIONS.some((v) => `filters-${v.version}.json` === f), f);
  });

  test('change points of shared/spec/versions.md', () => {
    const keep = (v, param, s) => { const re = filtersFor(v).latin[param]; return re === null ? s : s.replace(re, ''); };
    assert.equal(keep('2.14-72', 'agent_user', 'ra_1'), 'ra1');
    assert.equal(keep('2.14-75', 'agent_user', 'ra_1'), 'ra_1');
    assert.equal(keep('2.14-70', 'pass', 'a.b+c/d=e'), 'abcde');
    assert.equal(keep('2.14-72', 'pass', 'a.b+c/d=e'), 'a.b+c/d=e');
    assert.equal(keep('2.14-64', 'value', 'Y1|2'), 'Y12');
    assert.equal(keep('2.14-67', 'value', 'Y1|2'), 'Y1|2');
    assert.equal(keep('2.12-49', 'phone_number', '*85#0'), '850');
    assert.equal(keep('2.14-81', 'phone_number', 'AGENT*1028#'), '*1028#');
    assert.equal(keep('2.14-82', 'phone_number', 'AGENT*1028#'), 'AGENT*1028#');
    assert.equal(keep('2.12-49', 'status', 'S;A"LE'), 'S;A"LE'); // unfiltered (column cuts to 6)
    assert.equal(keep('2.14-56', 'status', 'S;A"LE'), 'SALE');
  });

  test('function=version answers the configured version and its build', () => {
    for (const { version, build } of VERSIONS) {
      const vd = createSandbox({ apiVersion: version, now: () => 1795562364000 });
      assert.equal(vd.handle({ query: 'function=version' }).body, `VERSION: ${version}|BUILD: ${build}|DATE: 2026-11-24 23:19:24|EPOCH: 1795562364\n`);
    }
  });

  test('an unknown version is refused by name', () => {
    assert.throws(() => createSandbox({ apiVersion: '2.14-99' }), /unknown api\.php version "2\.14-99".*known: 2\.12-47/);
    assert.throws(() => createSandbox({ apiVersion: '2.10-44' }), /unknown api\.php version/);
    const vd = createSandbox();
    assert.throws(() => vd.configure({ apiVersion: 'x' }), /unknown api\.php version "x"/);
    assert.throws(() => vd.reset({ apiVersion: 'x' }), /unknown api\.php version "x"/);
    assert.equal(vd.options.apiVersion, '2.14-82', 'a refused reset changes nothing');
  });

  test('SANDBOX_API_VERSION (env / workerd binding) and the Node server option; default 2.14-82', async () => {
    assert.equal(optionsFromEnv({ SANDBOX_API_VERSION: '2.14-75' }).apiVersion, '2.14-75');
    assert.equal(optionsFromEnv({}).apiVersion, undefined);
    assert.equal(createSandbox().options.apiVersion, '2.14-82');
    const srv = await startSandboxServer({ port: 0, ...optionsFromEnv({ SANDBOX_API_VERSION: '2.14-56' }) });
    try {
      assert.match(await (await fetch(`${srv.url}/agc/api.php?function=version`)).text(), /^VERSION: 2\.14-56\|BUILD: 170527-2250\|/);
      const r = await fetch(`${srv.url}/sandbox/reset`, { method: 'POST', body: JSON.stringify({ apiVersion: '2.14-81' }) });
      assert.equal((await r.json()).options.apiVersion, '2.14-81');
      const q = `source=crm&user=6666&pass=1234&agent_user=1028&function=ra_call_control&stage=EXTENSIONTRANSFER&value=${CALL}&phone_number=AGENT1028`;
      assert.equal(await (await fetch(`${srv.url}/agc/api.php?${q}`)).text(), `SUCCESS: ra_call_control transfer - 1028|${CALL}|1028\n`);
      const bad = await fetch(`${srv.url}/sandbox/reset`, { method: 'POST', body: JSON.stringify({ apiVersion: '9.9-9' }) });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /unknown api\.php version "9\.9-9"/);
    } finally {
      await srv.close();
    }
  });
});
