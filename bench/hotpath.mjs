// Hot path across the JS boundary in Node: validate + build + parse per
// transfer with the package (pkg/node.js), against bench/js-baseline.mjs
// (the same checks in hand-written JavaScript) and a naive baseline
// (URLSearchParams + split, no checks).
//
// 1. Agreement: the baseline must give the package's exact output (deep
//    equality, messages included; a throw must match in class, name,
//    message and issues) on every shared case of bench/cases.mjs before
//    anything is timed. Any difference aborts the run.
// 2. Timing, in this one process: a warm-up, then ROUNDS rounds; in each
//    round every implementation runs ITER transfers (the order rotates per
//    round). ns/op = round time / ITER; the median round is reported.
//
//   node bench/hotpath.mjs [--json out.json] [--rounds 15] [--iter 50000]

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as js from './js-baseline.mjs';
import { NOT_OBJECTS, replyCases, requestCases } from './cases.mjs';
import * as pkg from '../pkg/node.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROUNDS = Number(arg('--rounds', 15));
const ITER = Number(arg('--iter', 50000));
const jsonOut = arg('--json', null);
// The by-name call-control API (contracts.md); older packages have only the
// INGROUPTRANSFER functions without options: then only the cases those can
// take are compared, and the run says so.
const byName = typeof pkg.validateCallControl === 'function';

// ------------------------------------------------------------ agreement

function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: { type: e?.constructor?.name, name: e?.name, message: e?.message, issues: e?.issues } };
  }
}

let checked = 0;
function agree(what, input, a, b) {
  checked++;
  try {
    assert.deepStrictEqual(b, a);
  } catch {
    const show = (x) => JSON.stringify(x, (k, v) => (v === undefined ? '(undefined)' : v));
    console.error(`DISAGREEMENT in ${what} for ${show(input)}\npackage:  ${show(a)}\nbaseline: ${show(b)}`);
    process.exit(1);
  }
}

const plainOld = ({ request, options }) =>
  options === undefined && typeof request === 'object' && request !== null && !Array.isArray(request) &&
  Object.getPrototypeOf(request) === Object.prototype && request.stage === 'INGROUPTRANSFER' &&
  Object.entries(request).every(([k, v]) => ['stage', 'source', 'user', 'pass', 'agentUser', 'callId', 'ingroup', 'status'].includes(k) && (typeof v === 'string' || v == null) && (typeof v !== 'string' || v.isWellFormed()));

const requests = [...requestCases(), ...NOT_OBJECTS.map((request) => ({ request, options: undefined }))];
let compared = 0;
let valid = 0;
const issueCodes = new Set();
for (const c of requests) {
  if (byName) {
    const a = outcome(() => pkg.validateCallControl(c.request, c.options));
    agree('validateCallControl', c, a, outcome(() => js.validateCallControl(c.request, c.options)));
    const b = outcome(() => pkg.buildCallControl(c.request, c.options));
    agree('buildCallControl', c, b, outcome(() => js.buildCallControl(c.request, c.options)));
    agree('validateTransfer', c, outcome(() => pkg.validateTransfer(c.request, c.options)), outcome(() => js.validateTransfer(c.request, c.options)));
    agree('buildTransfer', c, outcome(() => pkg.buildTransfer(c.request, c.options)), outcome(() => js.buildTransfer(c.request, c.options)));
    if (b.value) valid++;
    for (const i of a.value ?? []) issueCodes.add(i.code);
  } else if (plainOld(c)) {
    // The old API: no `since` in issues, no `stage` in the built request.
    const old = (o) => {
      for (const i of (Array.isArray(o.value) ? o.value : o.threw?.issues) ?? []) delete i.since;
      if (o.value?.body) delete o.value.stage;
      if (o.threw && pkg.TransferValidationError === undefined) o.threw.type = 'Error';
      return o;
    };
    const { stage, ...rest } = c.request;
    const a = outcome(() => pkg.validateTransfer(rest));
    agree('validateTransfer', c, a, old(outcome(() => js.validateTransfer(rest))));
    const b = outcome(() => pkg.buildTransfer(rest));
    agree('buildTransfer', c, b, old(outcome(() => js.buildTransfer(rest))));
    if (b.value) valid++;
    for (const i of a.value ?? []) issueCodes.add(i.code);
  } else continue;
  compared++;
}
const replies = replyCases();
const replyCodes = new Set();
for (const c of replies) {
  const a = outcome(() => pkg.parseReply(c.body, c.options));
  agree(`parseReply(${c.name})`, c, a, outcome(() => js.parseReply(c.body, c.options)));
  if (a.value) replyCodes.add(a.value.code);
}
if (byName) for (const body of [42, null, undefined]) agree('parseReply(not a string)', body, outcome(() => pkg.parseReply(body)), outcome(() => js.parseReply(body)));
const agreement = {
  api: byName ? 'by name: validateCallControl, buildCallControl, validateTransfer, buildTransfer with { serverVersion }' : 'OLD API (no validateCallControl in pkg/): validateTransfer/buildTransfer on plain INGROUPTRANSFER cases only',
  comparisons: checked,
  requests: compared,
  requestsSkipped: requests.length - compared,
  validRequests: valid,
  issueCodes: [...issueCodes].sort(),
  replies: replies.length,
  replyCodes: [...replyCodes].sort(),
};
console.log(`agreement (${agreement.api}): ${checked} comparisons identical: ${compared} requests (${valid} valid, ${issueCodes.size} issue codes), ` +
  `${replies.length} replies (every recorded one x 6 secret options; ${replyCodes.size} reply codes)`);

// ------------------------------------------------------------ timing

// 1024 distinct transfers (distinct call IDs), cycled.
const N = 1024;
const work = Array.from({ length: N }, (_, i) => {
  const callId = `Y03152016390${String(i).padStart(8, '0')}`;
  return {
    request: { stage: 'INGROUPTRANSFER', source: 'crm', user: '6666', pass: '12-34', agentUser: '1028', callId, ingroup: 'SALESLINE' },
    transfer: { source: 'crm', user: '6666', pass: '12-34', agentUser: '1028', callId, ingroup: 'SALESLINE' },
    reply: `SUCCESS: ra_call_control transfer - 1028|${callId}|\n`,
  };
});
const SECRET = { secret: '12-34' };
const V82 = { serverVersion: '2.14-82' };
let sink = 0;

const impls = byName
  ? {
      package: (w) => pkg.validateCallControl(w.request).length + pkg.buildCallControl(w.request).body.length + (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'js same-checks': (w) => js.validateCallControl(w.request).length + js.buildCallControl(w.request).body.length + (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'package, serverVersion given': (w) =>
        pkg.validateCallControl(w.request, V82).length + pkg.buildCallControl(w.request, V82).body.length + (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'js, serverVersion given': (w) =>
        js.validateCallControl(w.request, V82).length + js.buildCallControl(w.request, V82).body.length + (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'package build + parse': (w) => pkg.buildCallControl(w.request).body.length + (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'js build + parse': (w) => js.buildCallControl(w.request).body.length + (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'package validateCallControl': (w) => pkg.validateCallControl(w.request).length,
      'package buildCallControl': (w) => pkg.buildCallControl(w.request).body.length,
      'js validateCallControl': (w) => js.validateCallControl(w.request).length,
      'js buildCallControl': (w) => js.buildCallControl(w.request).body.length,
    }
  : {
      package: (w) => pkg.validateTransfer(w.transfer).length + pkg.buildTransfer(w.transfer).body.length + (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'js same-checks': (w) => js.validateTransfer(w.transfer).length + js.buildTransfer(w.transfer).body.length + (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'package build + parse': (w) => pkg.buildTransfer(w.transfer).body.length + (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
      'js build + parse': (w) => js.buildTransfer(w.transfer).body.length + (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
    };
Object.assign(impls, {
  'js naive': (w) => js.naive.buildCallControl(w.request).body.length + (js.naive.parseReply(w.reply).ok ? 1 : 0),
  'package parseReply': (w) => (pkg.parseReply(w.reply, SECRET).ok ? 1 : 0),
  'js parseReply': (w) => (js.parseReply(w.reply, SECRET).ok ? 1 : 0),
});

function run(fn, iter) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iter; i++) sink += fn(work[i & (N - 1)]);
  return Number(process.hrtime.bigint() - t0) / iter;
}

const names = Object.keys(impls);
for (const n of names) run(impls[n], ITER); // warm-up
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const n = names[(k + round) % names.length];
    samples[n].push(run(impls[n], ITER));
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const results = {};
for (const n of names) results[n] = { nsPerOp: median(samples[n]), min: Math.min(...samples[n]), max: Math.max(...samples[n]) };
const base = results['js same-checks'].nsPerOp;
console.log(`\nhot path, ns per transfer (median of ${ROUNDS} rounds x ${ITER}; min-max)`);
for (const n of names) {
  const r = results[n];
  console.log(`${n.padEnd(28)}${r.nsPerOp.toFixed(0).padStart(8)} ns  (${r.min.toFixed(0)}-${r.max.toFixed(0)})  x${(r.nsPerOp / base).toFixed(2)} of js same-checks`);
}
if (sink === 42) console.log('');
if (jsonOut) {
  const method = `one Node process; warm-up ${ITER} per implementation, then ${ROUNDS} rounds x ${ITER} transfers each, order rotated per round; median round`;
  writeFileSync(jsonOut, JSON.stringify({ method, agreement, node: process.version, results }, null, 2));
}
