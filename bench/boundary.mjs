// EXPERIMENT: how much of the package's hot-path time is the JS <-> wasm
// boundary, and what a leaner boundary would give.
//
// The package reads request objects field by field (Reflect.get with a key
// string created per field, then the value copied into wasm) and builds
// result objects key by key (each key and value a new JS string decoded
// from wasm memory). This experiment adds, on a scratch copy of HEAD
// (target/bench/boundary: git archive + pkg-template), three exports that
// cross once in each direction: the seven fields as string arguments plus
// a bitmask of non-string fields, and ONE length-prefixed string back that
// a few lines of JavaScript unpack into the very same objects. It then
//   1. checks that the packed path returns exactly what the package returns
//      on every shared case of bench/cases.mjs (deep equality, errors too);
//   2. times package vs packed vs the JS same-checks baseline, as
//      bench/hotpath.mjs does.
//
//   node bench/boundary.mjs [--rounds 15] [--iter 50000] [--json out.json]

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as js from './js-baseline.mjs';
import { NOT_OBJECTS, replyCases, requestCases } from './cases.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, 'target', 'bench', 'boundary');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROUNDS = Number(arg('--rounds', 15));
const ITER = Number(arg('--iter', 50000));
const jsonOut = arg('--json', null);

const PACKED_RS = String.raw`//! EXPERIMENT (bench/boundary.mjs): one string across the boundary in each direction.

use alloc::string::String;
use wasm_bindgen::prelude::*;

use super::convert::{Issue, OwnedDraft};
use crate::fields::Field;
use crate::redact::redact;
use crate::reply::{parse_reply, AuthReason, Reply, MAX_EXCERPT};

fn num(out: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// <UTF-16 length>:<text>
fn put(out: &mut String, s: &str) {
    let n = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
    num(out, n);
    out.push(':');
    out.push_str(s);
}

fn draft(mask: u32, values: [Option<String>; 7]) -> OwnedDraft {
    let mut d = OwnedDraft::default();
    d.values = values;
    for f in Field::ALL {
        if mask & (1u32 << (f as u32)) != 0 {
            d.not_strings.push(f);
        }
    }
    d
}

fn issues(out: &mut String, list: &[Issue<'_>]) {
    for i in list {
        put(out, i.field);
        put(out, i.code);
        put(out, i.message);
        match i.position {
            Some(p) => {
                let mut s = String::new();
                num(&mut s, p);
                put(out, &s);
            }
            None => put(out, ""),
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = validatePacked)]
pub fn validate_packed(mask: u32, a: Option<String>, b: Option<String>, c: Option<String>, d: Option<String>, e: Option<String>, f: Option<String>, g: Option<String>) -> String {
    let owned = draft(mask, [a, b, c, d, e, f, g]);
    let mut out = String::new();
    issues(&mut out, &owned.issues());
    out
}

#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = buildPacked)]
pub fn build_packed(mask: u32, a: Option<String>, b: Option<String>, c: Option<String>, d: Option<String>, e: Option<String>, f: Option<String>, g: Option<String>) -> String {
    let owned = draft(mask, [a, b, c, d, e, f, g]);
    let list = owned.issues();
    let mut out = String::with_capacity(400);
    if list.is_empty() {
        if let Ok(req) = owned.draft().validate() {
            out.push('B');
            put(&mut out, &req.encode());
            put(&mut out, &req.encode_masked());
            return out;
        }
    }
    out.push('I');
    issues(&mut out, &list);
    out
}

#[wasm_bindgen(js_name = parsePacked)]
pub fn parse_packed(body: &str, secret: Option<String>) -> String {
    let secret = secret.as_deref();
    let reply = parse_reply(body).without_secret(secret);
    let mut out = String::with_capacity(256);
    out.push(if reply.is_success() { '1' } else { '0' });
    put(&mut out, &reply.message());
    put(&mut out, &redact(body, secret, MAX_EXCERPT));
    put(&mut out, reply.code());
    let mut kv = |k: &str, v: &str| {
        put(&mut out, k);
        put(&mut out, v);
    };
    match &reply {
        Reply::Transferred { agent_user, call_id, ingroup, phone_number } => {
            kv("agentUser", agent_user);
            kv("callId", call_id);
            if let Some(g) = ingroup {
                kv("ingroup", g);
            }
            if let Some(p) = phone_number {
                kv("phoneNumber", p);
            }
        }
        Reply::Hungup { agent_user, call_id } => {
            kv("agentUser", agent_user);
            kv("callId", call_id);
        }
        Reply::IngroupNotValid { ingroup } => kv("ingroup", ingroup),
        Reply::NoActiveCall { call_id } => kv("callId", call_id),
        Reply::AgentNotLoggedIn { agent_user } => kv("agentUser", agent_user),
        Reply::NoUserFound { user } => kv("user", user),
        Reply::NotValid { call_id, agent_user, stage } => {
            kv("callId", call_id);
            kv("agentUser", agent_user);
            kv("stage", stage);
        }
        Reply::StageNotValid { stage } => kv("stage", stage),
        Reply::PhoneNumberNotValid { phone_number } => kv("phoneNumber", phone_number),
        Reply::InvalidCredentials { user, reason } => {
            kv("user", user);
            kv(
                "reason",
                match reason {
                    AuthReason::BadPassword => "BAD_PASSWORD",
                    AuthReason::NoApiAccess => "NO_API_ACCESS",
                    AuthReason::Locked => "LOCKED",
                    AuthReason::NoServers => "NO_SERVERS",
                    AuthReason::Other => "OTHER",
                },
            );
        }
        Reply::InvalidSource { source } => kv("source", source),
        Reply::PermissionDenied { call_id, user, function, user_group } => {
            kv("callId", call_id);
            kv("user", user);
            kv("function", function);
            kv("userGroup", user_group);
        }
        Reply::ServerError { excerpt } | Reply::Unrecognized { excerpt } => kv("excerpt", excerpt),
        Reply::ApiNotActive | Reply::EmptyReply => {}
    }
    out
}
`;

function edit(file, pairs) {
  const p = path.join(DIR, file);
  let t = readFileSync(p, 'utf8');
  for (const [a, b] of pairs) {
    if (!t.includes(a)) throw new Error(`boundary: ${file} no longer contains ${JSON.stringify(a)}: update bench/boundary.mjs`);
    t = t.split(a).join(b);
  }
  writeFileSync(p, t);
}

// ---------------------------------------------------------------- build
// Superseded once HEAD itself crosses the boundary with plain strings.
const headMod = execFileSync('git', ['show', 'HEAD:src/wasm/mod.rs'], { cwd: ROOT, encoding: 'utf8' });
if (!headMod.includes('OwnedDraft::read(&request)')) {
  const reason = 'HEAD no longer reads request objects field by field in wasm (it already passes strings): the experiment is superseded, see the hot-path table';
  console.log(`boundary: n/a: ${reason}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ notApplicable: reason }, null, 2));
  process.exit(0);
}
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });
execFileSync('sh', ['-c', `git -C "${ROOT}" archive HEAD src tests Cargo.toml Cargo.lock pkg-template | tar -x -C "${DIR}"`]);
symlinkSync(path.join(ROOT, 'node_modules'), path.join(DIR, 'node_modules'));
edit('Cargo.toml', [['\n[[bench]]\nname = "core"\nharness = false\n', '\n']]);
edit('src/wasm/mod.rs', [['mod convert;\n', 'mod convert;\nmod packed;\n']]);
edit('src/wasm/convert.rs', [
  ['    values: [Option<String>; 7],', '    pub(crate) values: [Option<String>; 7],'],
  ['    not_strings: Vec<Field>,', '    pub(crate) not_strings: Vec<Field>,'],
  ["    field: &'a str,\n    code: &'static str,\n    message: &'static str,\n    position: Option<usize>,", "    pub(crate) field: &'a str,\n    pub(crate) code: &'static str,\n    pub(crate) message: &'static str,\n    pub(crate) position: Option<usize>,"],
]);
writeFileSync(path.join(DIR, 'src', 'wasm', 'packed.rs'), PACKED_RS);
const out = path.join(DIR, 'pkg');
// build.mjs builds into <root>/target: keep that in a persistent directory.
const targetDir = path.join(ROOT, 'target', 'bench', 'boundary-target');
mkdirSync(targetDir, { recursive: true });
symlinkSync(targetDir, path.join(DIR, 'target'));
const b = spawnSync(process.execPath, [path.join(DIR, 'pkg-template', 'build.mjs'), '--out', out], { cwd: DIR, encoding: 'utf8' });
if (b.status !== 0) throw new Error(`boundary: build failed\n${b.stdout.slice(-2000)}\n${b.stderr.slice(-3000)}`);
const pkg = await import(pathToFileURL(path.join(out, 'node.js')).href);
const glue = await import(pathToFileURL(path.join(out, 'vicidial_xfer_node.js')).href);

// ---------------------------------------------------------------- JS side of the packed protocol
const FIELDS = ['source', 'user', 'pass', 'agentUser', 'callId', 'ingroup', 'status'];

function unpack(s, from) {
  const parts = [];
  let i = from;
  while (i < s.length) {
    const colon = s.indexOf(':', i);
    const n = Number(s.slice(i, colon));
    parts.push(s.slice(colon + 1, colon + 1 + n));
    i = colon + 1 + n;
  }
  return parts;
}

function args(request) {
  if (typeof request !== 'object' || request === null) throw new TypeError('the transfer request must be an object');
  let mask = 0;
  const a = new Array(7);
  for (let k = 0; k < 7; k++) {
    const v = request[FIELDS[k]];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') a[k] = v;
    else mask |= 1 << k;
  }
  return [mask, ...a];
}

function issuesFrom(parts) {
  const out = [];
  for (let i = 0; i < parts.length; i += 4) {
    const issue = { field: parts[i], code: parts[i + 1], message: parts[i + 2] };
    if (parts[i + 3] !== '') issue.position = Number(parts[i + 3]);
    out.push(issue);
  }
  return out;
}

const packed = {
  validateTransfer: (request) => issuesFrom(unpack(glue.validatePacked(...args(request)), 0)),
  buildTransfer(request) {
    const s = glue.buildPacked(...args(request));
    const parts = unpack(s, 1);
    if (s[0] === 'B') return { query: parts[0], body: parts[0], preview: parts[1] };
    const issues = issuesFrom(parts);
    const err = new Error('invalid transfer request: ' + issues.map((i) => i.message).join('; '));
    err.name = 'TransferValidationError';
    err.issues = issues;
    throw err;
  },
  parseReply(body, options) {
    const secret = typeof options === 'object' && options !== null && typeof options.secret === 'string' ? options.secret : undefined;
    const s = glue.parsePacked(String(body ?? ''), secret);
    const parts = unpack(s, 1);
    const r = { ok: s[0] === '1', message: parts[0], raw: parts[1], code: parts[2] };
    for (let i = 3; i < parts.length; i += 2) r[parts[i]] = parts[i + 1];
    return r;
  },
};

// ---------------------------------------------------------------- agreement
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: { type: e.constructor.name, name: e.name, message: e.message, issues: e.issues } };
  }
}
let checked = 0;
for (const r of [...requestCases(), ...NOT_OBJECTS]) {
  for (const f of ['validateTransfer', 'buildTransfer']) {
    assert.deepStrictEqual(outcome(() => packed[f](r)), outcome(() => pkg[f](r)), `${f} ${JSON.stringify(r)}`);
    checked++;
  }
}
for (const c of replyCases()) {
  assert.deepStrictEqual(packed.parseReply(c.body, c.options), pkg.parseReply(c.body, c.options), `parseReply ${JSON.stringify(c)}`);
  checked++;
}
console.log(`boundary: the packed path equals the package on all ${checked} comparisons`);

// ---------------------------------------------------------------- timing
const N = 1024;
const work = Array.from({ length: N }, (_, i) => {
  const callId = `Y03152016390${String(i).padStart(8, '0')}`;
  return {
    request: { source: 'crm', user: '6666', pass: '12+34', agentUser: '1028', callId, ingroup: 'SALESLINE' },
    reply: `SUCCESS: ra_call_control transfer - 1028|${callId}|\n`,
  };
});
const OPTS = { secret: '12+34' };
const transfer = (api) => (w) => api.validateTransfer(w.request).length + api.buildTransfer(w.request).body.length + (api.parseReply(w.reply, OPTS).ok ? 1 : 0);
const impls = {
  'package (HEAD)': transfer(pkg),
  'packed boundary (experiment)': transfer(packed),
  'js same-checks': transfer(js),
  'packed validateTransfer': (w) => packed.validateTransfer(w.request).length,
  'packed buildTransfer': (w) => packed.buildTransfer(w.request).body.length,
  'packed parseReply': (w) => (packed.parseReply(w.reply, OPTS).ok ? 1 : 0),
};
let sink = 0;
const run = (fn) => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITER; i++) sink += fn(work[i & (N - 1)]);
  return Number(process.hrtime.bigint() - t0) / ITER;
};
const names = Object.keys(impls);
for (const n of names) run(impls[n]);
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const n = names[(k + round) % names.length];
    samples[n].push(run(impls[n]));
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const results = Object.fromEntries(names.map((n) => [n, { nsPerOp: median(samples[n]) }]));
const base = results['js same-checks'].nsPerOp;
for (const n of names) console.log(`boundary: ${n.padEnd(30)}${results[n].nsPerOp.toFixed(0).padStart(8)} ns  x${(results[n].nsPerOp / base).toFixed(2)} of js same-checks`);
const sizes = JSON.parse(readFileSync(path.join(DIR, 'target', 'pkg-sizes.json'), 'utf8'));
if (sink === 42) console.log('');
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ comparisons: checked, rounds: ROUNDS, iter: ITER, results, wasmGzip: sizes[0].gzip, node: process.version }, null, 2));
}
