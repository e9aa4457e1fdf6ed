// Shared cases for the agreement check of bench/hotpath.mjs: requests of
// every stage (valid and invalid, with and without serverVersion), the
// requests of every recording, and reply bodies (every recorded reply of
// tests/recordings/, edge cases, and bodies generated from a seeded PRNG,
// so the set is the same at every run).

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RECORDINGS = path.resolve(ROOT, 'tests', 'recordings');

/** A small deterministic PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every recording (agent and non-agent API): `{ name, query, body, reply }`. */
export function recordings() {
  const out = [];
  for (const file of readdirSync(RECORDINGS).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(path.join(RECORDINGS, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      const reply = o.reply ?? o.line;
      if (typeof reply === 'string') out.push({ name: `${file}:${o.name}`, query: o.query ?? '', body: o.body ?? '', reply });
    }
  }
  if (out.length < 100) throw new Error(`only ${out.length} recordings in ${RECORDINGS} (tests/recordings is part of the repository)`);
  return out;
}

const KEY = { stage: 'stage', source: 'source', user: 'user', pass: 'pass', agent_user: 'agentUser', value: 'callId', ingroup_choices: 'ingroup', phone_number: 'phoneNumber', status: 'status' };

export const VERSIONS = [undefined, '2.12-47', '2.12-49', '2.12-50', '2.14-66', '2.14-67', '2.14-71', '2.14-72', '2.14-74', '2.14-75', '2.14-81', '2.14-82', '2.15-3', ' VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-12-01 07:00:00|EPOCH: 1796108400'];
const BAD_VERSIONS = ['2.8-32', '2.12-46', 'x', '', '2.14', '2.14-82 |BUILD', '3.0-1', '2.14-99999', 42, null];

const BASE = {
  INGROUPTRANSFER: { stage: 'INGROUPTRANSFER', source: 'crm', user: '6666', pass: '12+34/=.x', agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE', status: 'SALE' },
  EXTENSIONTRANSFER: { stage: 'EXTENSIONTRANSFER', source: 'crm', user: '6666', pass: '1234', agentUser: 'ra_1028', callId: 'Y0315201639000402027|x', phoneNumber: '*72#AGENT1028', status: 'XFER' },
  HANGUP: { stage: 'HANGUP', agentUser: '1028', callId: 'V0315201639000402027', status: 'DROP' },
};

const BAD_VALUES = [
  '', ' ', ' X', 'X ', 'A.B', 'a b', 'é', 'ab😀.', '😀 ', 'x'.repeat(20), 'x'.repeat(21), 'p'.repeat(100), 'p'.repeat(101), '9'.repeat(200), '9'.repeat(201),
  'c', 'S', 'A,B', 'XDEFAULTINGROUPX', 'DEFAULTINGROUP', 'SalesLine', 'A|B', 'a-b_c', '+/=', '+17275559999', '*72#', 'AGENT1', 'RAXFER', 'TOOLONGX',
  '\uD800x', 'x\uDC00.', '%2B', 'a&b=c', 'Ünïcödé', 'tab\t', 'hangup', 'HANGUP', 'INGROUPTRANSFER ', 'EXTENSIONTRANSFER', 'constructor', '__proto__',
  1028, true, {}, [], null, undefined,
];

/** Requests with their options: `{ request, options }`. */
export function requestCases() {
  const out = [];
  const add = (request, serverVersion) => out.push({ request, options: serverVersion === undefined ? undefined : { serverVersion } });
  for (const base of Object.values(BASE)) {
    for (const v of VERSIONS) add(base, v);
    for (const field of ['stage', 'source', 'user', 'pass', 'agentUser', 'callId', 'ingroup', 'phoneNumber', 'status']) {
      for (const value of BAD_VALUES) add({ ...base, [field]: value }, VERSIONS[out.length % VERSIONS.length]);
    }
  }
  for (const v of BAD_VERSIONS) add(BASE.HANGUP, v);
  out.push({ request: BASE.HANGUP, options: {} }, { request: BASE.HANGUP, options: null });
  for (const extra of [{ ingroup_choices: 'X' }, { constructor: 'x' }, { ['k'.repeat(80)]: 1 }, { 0: 'zero', agentUser: '1028' }]) add({ ...BASE.INGROUPTRANSFER, ...extra });
  const inherited = Object.create({ agentUser: '1028' });
  inherited.callId = 'Y1';
  add(inherited, '2.14-82');
  const hidden = { ...BASE.HANGUP };
  Object.defineProperty(hidden, 'callId', { value: 'Y2', enumerable: false });
  add(hidden);
  for (const r of [{}, { stage: 'INGROUPTRANSFER' }, { user: '6666', agentUser: '1028', callId: 'Y1', stage: 'HANGUP' }, { agentUser: 1028, callId: 20, ingroup: null, stage: 'HANGUP' }]) add(r);
  // Every recorded request, read back into the package's keys, on every version.
  for (const rec of recordings()) {
    const params = new URLSearchParams(rec.body || rec.query);
    if (params.get('function') !== 'ra_call_control') continue;
    const request = {};
    for (const [k, v] of params) if (KEY[k]) request[KEY[k]] = v;
    for (const v of VERSIONS.slice(0, 12)) add(request, v);
  }
  // Random mixes of good and bad values, stages and versions.
  const rnd = prng(20261201);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const bases = Object.values(BASE);
  const fields = ['stage', 'source', 'user', 'pass', 'agentUser', 'callId', 'ingroup', 'phoneNumber', 'status'];
  for (let i = 0; i < 3000; i++) {
    const base = pick(bases);
    const r = {};
    for (const f of fields) {
      const x = rnd();
      if (x < 0.55) {
        if (base[f] !== undefined) r[f] = base[f];
      } else if (x < 0.85) r[f] = pick(BAD_VALUES);
      else if (x < 0.95) continue;
      else r[f] = String(pick(BAD_VALUES)) + String(pick(BAD_VALUES));
    }
    add(r, rnd() < 0.05 ? pick(BAD_VERSIONS) : pick(VERSIONS));
  }
  return out;
}

/** Inputs that are not request objects (both implementations must answer alike). */
export const NOT_OBJECTS = [null, undefined, 'agentUser=1028', 42, true, ['1028']];

const FRAGMENTS = [
  'SUCCESS: ra_call_control ', 'transfer - ', 'transferred - ', 'hungup - ', 'ERROR: ', 'ERROR: Invalid Username/Password: |',
  'ERROR: Invalid Username/Password:', 'ingroup is not valid -', 'ingroup is not valid - ', 'no active call found - ',
  'agent_user is not logged in - ', 'user not logged in - ', 'no user found - ', 'ra_call_control not valid - ',
  'stage is not valid - ', 'phone_number is not valid - ', 'Invalid Source -', 'Invalid Source - ', 'System API NOT ACTIVE',
  'auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ', 'Fatal error', 'Uncaught ', 'Could not connect: ', '10.0.0.9|qm',
  'Warning: Undefined variable $DB', 'Notice: ', 'Deprecated: ', '<!-- debug -->', '<!--', '-->',
  '<a href="javascript:window.opener=\'x\';window.close();">Close This Window</a>', 'ÉXITO: ', 'ERREUR: ', 'FEHLER: ', 'x|y: ',
  'Login incorrect, please try again: |naapi|napass99|BAD|', '\n', '\n', '\n', '\r\n', ' ', '  ', '\t', '|', '||', '<b>', '</b>', '<', '>',
  'pass=', "pass='", 'pass="', "'", '"', '&', ';', '1028', 'Y0315201639000402027', 'SALESLINE', 'HANGUP', '6666', 'wrongpass', 'BAD', 'GOOD', 'LOCK',
  'ERRSERVERS', 'IPBLOCK', '0', '1', '|BAD|0|api|SELECT count(*) from vicidial_users where user=\'6666\' and pass=\'wrongpass\';|', 'é', '😀', '\u00a0',
  '\u0085', '\ufeff', '\u2028', '\u3000', '\uD800', 'x'.repeat(95), 'é'.repeat(60), '😀'.repeat(30), '[REDACTED]', 'W'.repeat(41) + ': ',
  'a'.repeat(600), '<html><body>', 'SUCCESS', 'ERROR',
];

const SECRETS = [undefined, { secret: '1234' }, { secret: 'wrongpass' }, { secret: 'wrong' }, { secret: '' }, { secret: 42 }, {}, null];

/** Reply bodies: recorded, edge cases, generated. Each `{ name, body, options }`. */
export function replyCases() {
  const out = [];
  for (const r of recordings()) {
    for (const options of SECRETS.slice(0, 6)) out.push({ name: r.name, body: r.reply, options });
  }
  const edge = [
    '', ' \n\t', '\ufeff', '\u0085', '\ufeffSUCCESS: ra_call_control transfer - 1028|Y1|\n', '\u0085SUCCESS: ra_call_control transfer - 1028|Y1|\n',
    'SUCCESS: ra_call_control transfer - ' + 'é'.repeat(70) + '|x|\n', 'ERROR: ingroup is not valid - ' + '😀'.repeat(40),
    '<b>ERROR: no active call found - Y1</b>\n', '<html>\n<b>ERROR: stage is not valid - <i>X</i></b>\n</html>',
    'SUCCESS: ra_call_control transfer - 1028|Y1|\nFatal error: Uncaught mysqli_sql_exception pass=abc',
    'Fatal error: x\nSUCCESS: ra_call_control transfer - 1028|Y1|\n', 'SUCCESS: ra_call_control hungup - 1028|Y1|HANGUP\nCould not connect: 10.0.0.9|qm|x',
    'SUCCESS: ra_call_control transfer - 1028|Y1|AGENT1028\n<!-- x -->\nWarning: y\n', 'SUCCESS: ra_call_control transfer - 1028|Y1|\nsomething else',
    'ÉXITO: ra_call_control transfer - 1028|Y1|\n', 'ERREUR: no active call found - Y1', 'ERROR: System API NOT ACTIVE ', 'ERROR: System API NOT ACTIVEx',
    'ERROR: Invalid Username/Password: |6666|hunter2|0|1|LOCK|', 'ERROR: Invalid Username/Password:', 'x'.repeat(5000) + '\n<b>ERROR: System API NOT ACTIVE</b>',
    '<' + 'x'.repeat(4094) + '>ERROR: System API NOT ACTIVE\r\n', 'pass=' + 'é'.repeat(300), 'SUCCESS: ra_call_control unknown - x',
    'ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - a|b', 'lone \uD800 surrogate\nERROR: no user found - \uDC00',
    'ERROR: phone_number is not valid - ', 'ERROR: Invalid Username/Password: |6666|constructor|0|1|constructor|',
    'ERROR: stage is not valid - a\0b', 'SUCCESS: ra_call_control transfer - 1028|Y1|\n\0\0', '\0',
  ];
  for (const body of edge) for (const options of SECRETS) out.push({ name: 'edge', body, options });
  const rnd = prng(8787);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  for (let i = 0; i < 4000; i++) {
    let body = '';
    const n = 1 + Math.floor(rnd() * 12);
    for (let k = 0; k < n; k++) body += pick(FRAGMENTS);
    const options = rnd() < 0.5 ? undefined : { secret: pick(['wrongpass', '1234', 'pass', 'x', 'é😀', 'RED', 'DAC', 'napass99']) };
    out.push({ name: `generated#${i}`, body, options });
  }
  return out;
}
