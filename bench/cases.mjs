// Shared cases for the agreement check of bench/hotpath.mjs: requests
// (valid and invalid) and reply bodies (every recorded reply of
// tests/recordings/, hand-picked edge cases, and generated ones
// from a seeded PRNG, so the set is the same at every run).

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPLIES_DIR = path.resolve(ROOT, 'tests', 'recordings');

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

/** Every recorded reply: `{ name, file, body }`. */
export function recordedReplies() {
  const out = [];
  for (const file of ['real-2.14-82.jsonl', 'real-2.14-82-more.jsonl', 'documented-agent-api.jsonl']) {
    const p = path.join(REPLIES_DIR, file);
    if (!existsSync(p)) throw new Error(`missing ${p} (tests/recordings is part of the repository)`);
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      const body = o.reply ?? o.line;
      if (typeof body === 'string') out.push({ name: o.name, file, body });
    }
  }
  return out;
}

const BASE = {
  source: 'crm',
  user: '6666',
  pass: '12+34/=.x',
  agentUser: '1028',
  callId: 'Y0315201639000402027',
  ingroup: 'SALESLINE',
  status: 'SALE',
};

const BAD_VALUES = [
  '', ' ', ' X', 'X ', 'A.B', 'a b', 'é', 'ab😀.', '😀 ', 'x'.repeat(20), 'x'.repeat(21), 'p'.repeat(100), 'p'.repeat(101),
  'c', 'S', 'A,B', 'XDEFAULTINGROUPX', 'DEFAULTINGROUP', 'SalesLine', 'A|B', 'a-b_c', '+/=', 'RAXFER', 'TOOLONGX', '\uD800x',
  'x\uDC00.', '%2B', 'a&b=c', 'Ünïcödé', 'tab\t', 1028, true, {}, [], null, undefined,
];

/** Requests: valid ones, each field with each bad value, missing partners, random mixes. */
export function requestCases() {
  const out = [
    BASE,
    { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' },
    { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'DEFAULTINGROUP', status: 'A_B-1' },
    { ...BASE, pass: 'a'.repeat(100), user: 'u'.repeat(20), source: 's'.repeat(20) },
    { user: '6666', agentUser: '1028', callId: 'Y1', ingroup: 'SALESLINE' },
    { pass: '1234', agentUser: '1028', callId: 'Y1', ingroup: 'SALESLINE' },
    {},
    { agentUser: 1028, callId: 20, ingroup: null },
  ];
  for (const field of Object.keys(BASE)) {
    for (const v of BAD_VALUES) out.push({ ...BASE, [field]: v });
  }
  const rnd = prng(20261125);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const fields = Object.keys(BASE);
  for (let i = 0; i < 1500; i++) {
    const r = {};
    for (const f of fields) {
      const x = rnd();
      if (x < 0.55) r[f] = BASE[f];
      else if (x < 0.9) r[f] = pick(BAD_VALUES);
      else if (x < 0.97) continue;
      else r[f] = pick(BAD_VALUES) + pick(BAD_VALUES);
    }
    out.push(r);
  }
  return out;
}

/** Inputs that are not objects (both implementations must throw the same TypeError). */
export const NOT_OBJECTS = [null, undefined, 'agentUser=1028', 42, true];

const FRAGMENTS = [
  'SUCCESS: ra_call_control ', 'transfer - ', 'transferred - ', 'hungup - ', 'ERROR: ', 'ERROR: Invalid Username/Password: |',
  'ERROR: Invalid Username/Password:', 'ingroup is not valid -', 'ingroup is not valid - ', 'no active call found - ',
  'agent_user is not logged in - ', 'user not logged in - ', 'no user found - ', 'ra_call_control not valid - ',
  'stage is not valid - ', 'phone_number is not valid - ', 'Invalid Source -', 'Invalid Source - ', 'System API NOT ACTIVE',
  'auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ', 'Fatal error', 'Warning: Undefined variable $DB', '\n',
  '\n', '\r\n', ' ', '  ', '\t', '|', '||', '<b>', '</b>', '<', '>', 'pass=', "pass='", 'pass="', "'", '"', '&', ';',
  '1028', 'Y0315201639000402027', 'SALESLINE', '6666', 'wrongpass', 'BAD', 'GOOD', 'LOCK', 'ERRSERVERS', '0', '1',
  '|BAD|0|api|SELECT count(*) from vicidial_users where user=\'6666\' and pass=\'wrongpass\';|', 'é', '😀', '\u00a0',
  '\u0085', '\ufeff', '\u2028', '\u3000', '\uD800', 'x'.repeat(95), 'é'.repeat(60), '😀'.repeat(30), '[REDACTED]',
  'a'.repeat(600), '<html><body>', 'SUCCESS', 'ERROR',
];

/** Reply bodies: recorded, edge cases, generated. Each `{ name, body, options }`. */
export function replyCases() {
  const out = [];
  const secrets = [undefined, { secret: '1234' }, { secret: 'wrongpass' }, { secret: 'wrong' }, { secret: '' }, { secret: 42 }];
  for (const r of recordedReplies()) {
    for (const options of secrets) out.push({ name: `${r.file}:${r.name}`, body: r.body, options });
  }
  const edge = [
    '', ' \n\t', '\ufeff', '\u0085', '\ufeffSUCCESS: ra_call_control transfer - 1028|Y1|\n',
    '\u0085SUCCESS: ra_call_control transfer - 1028|Y1|\n', 'SUCCESS: ra_call_control transfer - ' + 'é'.repeat(70) + '|x|\n',
    'ERROR: ingroup is not valid - ' + '😀'.repeat(40), '<b>ERROR: no active call found - Y1</b>\n',
    '<html>\n<b>ERROR: stage is not valid - <i>X</i></b>\n</html>', 'SUCCESS: ra_call_control transfer - 1028|Y1|\nFatal error: Uncaught mysqli_sql_exception pass=abc',
    'ERROR: Invalid Username/Password: |6666|hunter2|0|1|LOCK|', 'ERROR: Invalid Username/Password:', 'x'.repeat(5000) + '\n<b>ERROR: System API NOT ACTIVE</b>',
    '<' + 'x'.repeat(4094) + '>ERROR: System API NOT ACTIVE\r\n', 'pass=' + 'é'.repeat(300), 'SUCCESS: ra_call_control unknown - x',
    'ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - a|b', 'lone \uD800 surrogate\nERROR: no user found - \uDC00',
  ];
  for (const body of edge) for (const options of secrets.slice(0, 3)) out.push({ name: 'edge', body, options });
  const rnd = prng(8787);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  for (let i = 0; i < 3000; i++) {
    let body = '';
    const n = 1 + Math.floor(rnd() * 12);
    for (let k = 0; k < n; k++) body += pick(FRAGMENTS);
    const options = rnd() < 0.5 ? undefined : { secret: pick(['wrongpass', '1234', 'pass', 'x', 'é😀', 'RED', 'DAC']) };
    out.push({ name: `generated#${i}`, body, options });
  }
  return out;
}
