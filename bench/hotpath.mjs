// Hot path across the JS boundary in Node: validate + build + parse per
// transfer with the package (pkg/node.js), against bench/js-baseline.mjs
// (the same checks in hand-written JavaScript) and a naive baseline
// (URLSearchParams + split, no checks).
//
// 1. Agreement: the same-checks baseline must give the package's exact
//    output (deep equality, messages included) on every shared case of
//    bench/cases.mjs before it is timed. Any difference aborts the run.
// 2. Timing, in this one process: a warm-up, then ROUNDS rounds; in each
//    round every implementation runs ITER transfers (the order rotates per
//    round). ns/op = round time / ITER; the median round is reported.
//
//   node bench/hotpath.mjs [--json out.json] [--rounds 15] [--iter 50000]

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as js from './js-baseline.mjs';
import { NOT_OBJECTS, replyCases, requestCases } from './cases.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROUNDS = Number(arg('--rounds', 15));
const ITER = Number(arg('--iter', 50000));
const jsonOut = arg('--json', null);
// --pkg DIR: time another build of the package (e.g. a size experiment's).
const pkgDir = arg('--pkg', null);
const pkg = await import(pkgDir ? pathToFileURL(path.resolve(pkgDir, 'node.js')).href : '../pkg/node.js');

// ------------------------------------------------------------ agreement

function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: { type: e.constructor.name, name: e.name, message: e.message, issues: e.issues } };
  }
}

function agree(what, input, a, b) {
  try {
    assert.deepStrictEqual(b, a);
  } catch {
    console.error(`DISAGREEMENT in ${what} for ${JSON.stringify(input)}\npackage:  ${JSON.stringify(a)}\nbaseline: ${JSON.stringify(b)}`);
    process.exit(1);
  }
}

const requests = requestCases();
const replies = replyCases();
let checked = 0;
for (const r of [...requests, ...NOT_OBJECTS]) {
  agree('validateTransfer', r, outcome(() => pkg.validateTransfer(r)), outcome(() => js.validateTransfer(r)));
  agree('buildTransfer', r, outcome(() => pkg.buildTransfer(r)), outcome(() => js.buildTransfer(r)));
  checked += 2;
}
const replyCodes = new Set();
for (const c of replies) {
  const a = outcome(() => pkg.parseReply(c.body, c.options));
  agree(`parseReply(${c.name})`, c, a, outcome(() => js.parseReply(c.body, c.options)));
  if (a.value) replyCodes.add(a.value.code);
  checked++;
}
const validCount = requests.filter((r) => outcome(() => pkg.buildTransfer(r)).value).length;
console.log(
  `agreement: ${checked} comparisons identical (${requests.length + NOT_OBJECTS.length} requests, ${validCount} valid; ` +
    `${replies.length} replies incl. every recorded one x 6 secrets; ${replyCodes.size} reply codes)`,
);

// ------------------------------------------------------------ timing

// 1024 distinct transfers (distinct call IDs), cycled.
const N = 1024;
const work = Array.from({ length: N }, (_, i) => {
  const callId = `Y03152016390${String(i).padStart(8, '0')}`;
  return {
    request: { source: 'crm', user: '6666', pass: '12+34', agentUser: '1028', callId, ingroup: 'SALESLINE' },
    reply: `SUCCESS: ra_call_control transfer - 1028|${callId}|\n`,
  };
});
const OPTS = { secret: '12+34' };
let sink = 0;

const impls = {
  package: (w) => {
    const issues = pkg.validateTransfer(w.request);
    const built = pkg.buildTransfer(w.request);
    const parsed = pkg.parseReply(w.reply, OPTS);
    return issues.length + built.body.length + (parsed.ok ? 1 : 0);
  },
  'js same-checks': (w) => {
    const issues = js.validateTransfer(w.request);
    const built = js.buildTransfer(w.request);
    const parsed = js.parseReply(w.reply, OPTS);
    return issues.length + built.body.length + (parsed.ok ? 1 : 0);
  },
  'js naive': (w) => {
    const built = js.naive.buildTransfer(w.request);
    const parsed = js.naive.parseReply(w.reply);
    return built.body.length + (parsed.ok ? 1 : 0);
  },
  // The package's calls one by one.
  'package validateTransfer': (w) => pkg.validateTransfer(w.request).length,
  'package buildTransfer': (w) => pkg.buildTransfer(w.request).body.length,
  'package parseReply': (w) => (pkg.parseReply(w.reply, OPTS).ok ? 1 : 0),
  'js validateTransfer': (w) => js.validateTransfer(w.request).length,
  'js buildTransfer': (w) => js.buildTransfer(w.request).body.length,
  'js parseReply': (w) => (js.parseReply(w.reply, OPTS).ok ? 1 : 0),
};

function run(fn, iter) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iter; i++) sink += fn(work[i & (N - 1)]);
  return Number(process.hrtime.bigint() - t0) / iter;
}

const names = Object.keys(impls);
for (const n of names) run(impls[n], ITER); // warm-up
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const n of order) samples[n].push(run(impls[n], ITER));
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
  console.log(`${n.padEnd(26)}${r.nsPerOp.toFixed(0).padStart(8)} ns  (${r.min.toFixed(0)}-${r.max.toFixed(0)})  x${(r.nsPerOp / base).toFixed(2)} of js same-checks`);
}
if (sink === 42) console.log('');
if (jsonOut) {
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        method: `one Node process; warm-up ${ITER} per implementation, then ${ROUNDS} rounds x ${ITER} transfers each, order rotated per round; median round`,
        agreement: { comparisons: checked, requests: requests.length + NOT_OBJECTS.length, validRequests: validCount, replies: replies.length, replyCodes: [...replyCodes].sort() },
        node: process.version,
        package: pkgDir ?? 'pkg',
        results,
      },
      null,
      2,
    ),
  );
}
