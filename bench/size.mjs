// Where the package's wasm bytes go, and what would shrink it.
//
// Works on a scratch copy (target/bench/sizeexp: src/, Cargo.toml,
// Cargo.lock copied from the work tree; never the repository itself), with
// its own cargo target directory, so nothing here touches pkg/ or target/.
//
// 1. Attribution: the release build as `make pkg` makes it, through
//    `wasm-bindgen --keep-debug` and `wasm-opt -Oz -g` (names kept, so the
//    code is the shipped code): twiggy top / dominators, sizes summed per
//    crate, and the exports' retained sizes.
// 2. Experiments: each builds the same pipeline (cargo -> wasm-bindgen ->
//    wasm-opt) with one change, smoke-tests the result (instantiate, call
//    parseReply and buildTransfer) and measures raw / gzip -9 / brotli 11.
//
//   node bench/size.mjs [--json out.json] [--only name,name] [--no-experiments]

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'target', 'bench');
const SCRATCH = path.join(WORK, 'sizeexp');
const CARGO_TARGET = path.join(WORK, 'sizeexp-target');
const WASM_OPT = path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const jsonOut = arg('--json', null);
const only = arg('--only', null)?.split(',');
const noExperiments = process.argv.includes('--no-experiments');
// --verify: for experiments that change src/, also run the core's native
// tests (cargo test --features serde --lib --tests) on the patched copy.
const verify = process.argv.includes('--verify');

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: SCRATCH, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });

function sizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The commit measured: HEAD (the work tree may hold someone's unfinished edit). */
export const COMMIT = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

/** A fresh scratch copy of the crate at HEAD (src/, tests/, Cargo.toml, Cargo.lock), then `patch(dir)`. */
function scratch(patch) {
  for (const d of ['src', 'tests', 'pkg-template']) rmSync(path.join(SCRATCH, d), { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  const tar = spawnSync('sh', ['-c', `git -C "${ROOT}" archive HEAD src tests pkg-template/api.js Cargo.toml Cargo.lock | tar -x -C "${SCRATCH}"`], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`git archive failed: ${tar.stderr}`);
  // tests/ (for --verify) read ../shared: a link beside the scratch copy.
  if (!existsSync(path.join(WORK, 'shared'))) symlinkSync(path.resolve(ROOT, '..', 'shared'), path.join(WORK, 'shared'));
  // The scratch crate has no benches/tests/examples: drop their sections.
  let toml = readFileSync(path.join(SCRATCH, 'Cargo.toml'), 'utf8');
  const kept = [];
  let skipping = false;
  for (const line of toml.split('\n')) {
    if (/^\[/.test(line)) skipping = /^\[\[bench\]\]/.test(line);
    if (!skipping) kept.push(line);
  }
  toml = kept.join('\n');
  writeFileSync(path.join(SCRATCH, 'Cargo.toml'), toml);
  if (patch) patch(SCRATCH);
}

const edit = (file, fn) => {
  const p = path.join(SCRATCH, file);
  const before = readFileSync(p, 'utf8');
  const after = fn(before);
  if (after === before) throw new Error(`patch of ${file} changed nothing (the source moved on: update bench/size.mjs)`);
  writeFileSync(p, after);
};

/** cargo build (release, wasm32, --features wasm) -> path of the .wasm. */
function cargoBuild({ env = {}, args = [], features = ['wasm'], noDefault = false, targetDir = CARGO_TARGET } = {}) {
  const a = ['build', '--release', '--lib', '--target', 'wasm32-unknown-unknown', '--features', features.join(','), ...args];
  if (noDefault) a.push('--no-default-features');
  const r = spawnSync('cargo', a, {
    cwd: SCRATCH,
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: targetDir, ...env },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`cargo ${a.join(' ')} failed:\n${r.stderr.slice(-3000)}`);
  return path.join(targetDir, 'wasm32-unknown-unknown', 'release', 'vicidial_xfer.wasm');
}

/** wasm-bindgen (web) + wasm-opt; smoke test; sizes. */
function finish(wasm, { optFlags = PKG_OPT_FLAGS, keepDebug = false, name }) {
  const out = path.join(WORK, 'size-out', name);
  rmSync(out, { recursive: true, force: true });
  const bg = ['--target', 'web', '--out-dir', out, '--out-name', 'vicidial_xfer'];
  if (keepDebug) bg.push('--keep-debug');
  sh('wasm-bindgen', [...bg, wasm]);
  const unopt = path.join(out, 'vicidial_xfer_bg.wasm');
  const opt = path.join(out, 'opt.wasm');
  sh(process.execPath, [WASM_OPT, ...optFlags, unopt, '-o', opt]);
  cpSync(opt, unopt);
  // HEAD's JavaScript API over the glue (api.js), as the package uses it.
  cpSync(path.join(SCRATCH, 'pkg-template', 'api.js'), path.join(out, 'api.js'));
  const smoke = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import * as g from ${JSON.stringify(path.join(out, 'vicidial_xfer.js'))};
       import { makeApi } from ${JSON.stringify(path.join(out, 'api.js'))};
       import { readFileSync } from 'node:fs';
       g.initSync({ module: readFileSync(${JSON.stringify(unopt)}) });
       const api = makeApi(g);
       const r = api.parseReply('SUCCESS: ra_call_control transfer - 1028|Y1|\\n', { secret: 'x' });
       const b = api.buildTransfer({ agentUser: '1028', callId: 'Y1', ingroup: 'SALESLINE', user: 'u', pass: 'a+b' });
       let threw = false; try { api.buildTransfer({ agentUser: '1028', callId: 'Y1', ingroup: 'SALES.LINE' }); } catch (e) { threw = e.issues?.[0]?.code === 'INVALID_CHARACTER'; }
       if (r.code !== 'TRANSFERRED' || !b.body.includes('pass=a%2Bb') || !threw) process.exit(1);`,
    ],
    { encoding: 'utf8' },
  );
  return { ...sizes(opt), smoke: smoke.status === 0 ? 'ok' : `FAILED ${smoke.stderr.slice(0, 300)}`, glue: sizes(path.join(out, 'vicidial_xfer.js')), dir: out };
}

// ------------------------------------------------------------------ patches

/** Thrown by a patch that does not apply to this source (reported as n/a). */
class NotApplicable extends Error {}

const lolAlloc = () => {
  edit('Cargo.toml', (t) => t.replace('\n[target.\'cfg(not(target_arch = "wasm32"))\'.dev-dependencies]', '\n[target.\'cfg(target_arch = "wasm32")\'.dependencies]\nlol_alloc = "0.4"\n\n[target.\'cfg(not(target_arch = "wasm32"))\'.dev-dependencies]'));
  edit('src/lib.rs', (t) =>
    t.replace(
      'extern crate alloc;',
      `extern crate alloc;

#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without threads is single-threaded.
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };`,
    ),
  );
};

const noTransferClient = () => {
  const mod = readFileSync(path.join(SCRATCH, 'src/wasm/mod.rs'), 'utf8');
  const conv = readFileSync(path.join(SCRATCH, 'src/wasm/convert.rs'), 'utf8');
  // The outcome: a JSON string (convert::outcome_json), an object built by
  // hand (out::outcome) or through serde (to_js), whichever HEAD has.
  const [ret, outcomeJs] = /fn outcome_json\(/.test(conv)
    ? ['String', 'convert::outcome_json']
    : /^mod out;/m.test(mod)
      ? ['JsValue', 'out::outcome']
      : ['JsValue', 'to_js'];
  edit('Cargo.toml', (t) =>
    t.replace(/^wasm = \[[^\]]*\]/m, (line) => line.replace(/, "dep:(wasm-bindgen-futures|web-sys|gloo-net)"/g, '')),
  );
  edit('src/wasm/mod.rs', (t) =>
    t
      .replace('mod client;\n', '')
      .replace('pub use client::TransferClient;\n', '')
      .concat(`
/// What the JavaScript TransferClient (fetch in api.js) keeps in wasm: the
/// calls it may already have moved, and the outcome logic.
#[wasm_bindgen]
pub struct TransferMemory {
    log: crate::client::TransferLog,
}

#[wasm_bindgen]
impl TransferMemory {
    /// An empty memory.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TransferMemory {
        TransferMemory { log: crate::client::TransferLog::new() }
    }

    /// \`transport\`: "response" (with status and body), "timeout", "network" or "aborted".
    pub fn conclude(&mut self, call_id: &str, transport: &str, status: u16, body: &str, secret: Option<String>) -> ${ret} {
        use crate::client::Transport;
        let t = match transport {
            "timeout" => Transport::Timeout,
            "network" => Transport::Network,
            "aborted" => Transport::Aborted,
            _ => Transport::Response { status, body },
        };
        ${outcomeJs}(&self.log.conclude(call_id, t, secret.as_deref()))
    }
}
`),
  );
};

const jsonOutput = ({ strict = true } = {}) => {
  if (!readFileSync(path.join(SCRATCH, 'Cargo.toml'), 'utf8').includes('serde-wasm-bindgen')) {
    if (strict) throw new NotApplicable('HEAD no longer uses serde-wasm-bindgen (objects are built by hand)');
    return;
  }
  edit('Cargo.toml', (t) =>
    t
      .replace('"dep:serde-wasm-bindgen"', '"dep:serde_json"')
      .replace('serde-wasm-bindgen = { version = "0.6.5", optional = true }', 'serde_json = { version = "1", default-features = false, features = ["alloc"], optional = true }'),
  );
  edit('src/wasm/convert.rs', (t) =>
    t.replace(
      /pub\(crate\) fn to_js<T: Serialize \+ \?Sized>\(value: &T\) -> JsValue \{[\s\S]*?\n\}/,
      `pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // One string across the boundary; JSON.parse builds the plain objects.
    match serde_json::to_string(value) {
        Ok(s) => js_sys::JSON::parse(&s).unwrap_or(JsValue::UNDEFINED),
        Err(_) => JsValue::UNDEFINED,
    }
}`,
    ),
  );
};

// No panic paths that format: str slicing through `get` (no slice_error_fail
// with its char/Range Debug output) and substring search on bytes (std's
// StrSearcher keeps a slicing panic of its own).
const strPanics = ({ strict = true } = {}) => {
  // Already done at HEAD (no str slicing / StrSearcher calls left in redact.rs)?
  const red = readFileSync(path.join(SCRATCH, 'src/redact.rs'), 'utf8');
  if (!/&\w+\[\.\.|\.split_at\(|\.find\((AUTH_PREFIX|KEY)\)|\.contains\((s|secret)\)/.test(red)) {
    if (strict) throw new NotApplicable('HEAD already has no panicking str slicing / StrSearcher calls in src/redact.rs');
    return;
  }
  // Rewrites by pattern (so the patch survives small edits of these files).
  const rewrite = (file, rules) =>
    edit(file, (t) => {
      let n = 0;
      for (const [re, to] of rules) {
        t = t.replace(re, (...m) => {
          n++;
          return typeof to === 'function' ? to(...m) : to.replace(/\$(\d)/g, (_, i) => m[Number(i)]);
        });
      }
      if (n === 0) throw new Error(`no-str-panics: nothing to rewrite in ${file}: update bench/size.mjs`);
      return t;
    });
  const common = [
    // &x[..floor_boundary(...)] -> str_head(x, floor_boundary(...))
    [/&(\w+)\[\.\.(floor_boundary\([^()]*\))\]/g, 'str_head($1, $2)'],
    // x.split_at(at + K.len()) -> (str_head(x, ..), str_tail(x, ..))
    [/(\w+)\.split_at\((at \+ \w+\.len\(\))\)/g, '(str_head($1, $2), str_tail($1, $2))'],
    [/(\w+)\[1\.\.\]\.find\(/g, 'str_tail($1, 1).find('],
    [/&(\w+)\[(\w+)\.\.\]/g, 'str_tail($1, $2)'],
    [/(\w+)\[\.\.(\w+)\]\.rfind\(/g, 'str_head($1, $2).rfind('],
    [/(\w+)\[(\w+)\.\.\]\.trim\(\)/g, 'str_tail($1, $2).trim()'],
    // substring search with a &str pattern -> bytes
    [/!(\w+)\.contains\((KEY)\)/g, 'find_str($1, $2).is_none()'],
    [/(\w+)\.contains\((s|secret)\)/g, 'find_str(&$1, $2).is_some()'],
    [/&(\w+)\.replace\((s|secret), REDACTED\)/g, '&replace_str(&$1, $2, REDACTED)'],
    [/(\w+)\.replace\((s|secret), REDACTED\)/g, 'replace_str(&$1, $2, REDACTED)'],
    [/(\w+)\.find\((AUTH_PREFIX|KEY|"Fatal error")\)/g, 'find_str($1, $2)'],
  ];
  rewrite('src/redact.rs', [
    [
      /pub\(crate\) fn floor_boundary/,
            `/// \`&s[..n]\` without a panic path (callers pass char boundaries).
pub(crate) fn str_head(s: &str, n: usize) -> &str {
    s.get(..n).unwrap_or(s)
}

/// \`&s[n..]\` without a panic path.
pub(crate) fn str_tail(s: &str, n: usize) -> &str {
    s.get(n..).unwrap_or("")
}

/// Byte index of the first \`needle\` in \`hay\` (no std StrSearcher):
/// scan for the first byte, then compare.
pub(crate) fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else { return Some(0) };
    let last = h.len().checked_sub(n.len())?;
    let mut i = 0;
    while i <= last {
        let off = h.get(i..=last)?.iter().position(|&b| b == first)?;
        i += off;
        if h.get(i..i + n.len()) == Some(n) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Every \`needle\` in \`hay\` replaced with \`with\` (no std StrSearcher).
pub(crate) fn replace_str(hay: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(at) = find_str(rest, needle) {
        out.push_str(str_head(rest, at));
        out.push_str(with);
        rest = str_tail(rest, at + needle.len());
    }
    out.push_str(rest);
    out
}

pub(crate) fn floor_boundary`,
    ],
    ...common,
  ]);
  rewrite('src/reply.rs', [[/use crate::redact::\{/, 'use crate::redact::{find_str, replace_str, str_head, str_tail, '], ...common]);
  rewrite('src/decode.rs', [[/&name\[\.\.end\]/g, 'name.get(..end).unwrap_or("")']]);
};

/** The wasm-opt flags of HEAD's pkg-template/build.mjs (what `make pkg` uses). */
function pkgOptFlags() {
  try {
    const src = execFileSync('git', ['show', 'HEAD:pkg-template/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    const m = /wasmOpt,\s*((?:"[^"]+",\s*)+)/.exec(src);
    const flags = m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : [];
    return flags.length ? flags : ['-Oz'];
  } catch {
    return ['-Oz'];
  }
}
export const PKG_OPT_FLAGS = pkgOptFlags();
const withFlags = (extra) => [...new Set([...PKG_OPT_FLAGS, ...extra])];

const buildStd = ['-Zbuild-std=std,panic_abort'];
const immediateAbort = { RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort', RUSTC_BOOTSTRAP: '1' };
const STRIP = ['--strip-producers', '--strip-target-features'];

/** Each experiment: one change against the baseline (and two combinations). */
export const EXPERIMENTS = [
  { name: 'baseline', what: `as \`make pkg\`: cargo release (Cargo.toml profile) + wasm-bindgen + wasm-opt ${PKG_OPT_FLAGS.join(' ')}` },
  { name: 'opt-plain', what: 'wasm-opt -Oz only (what the flags of build.mjs beyond -Oz are worth)', optFlags: ['-Oz'] },
  { name: 'opt-converge-strip', what: 'wasm-opt -Oz --converge --strip-producers --strip-target-features', optFlags: withFlags(['--converge', ...STRIP]) },
  { name: 'opt-level-s', what: 'profile opt-level = "s" instead of "z"', env: { CARGO_PROFILE_RELEASE_OPT_LEVEL: 's' } },
  { name: 'no-std-feature', what: 'cargo --no-default-features --features wasm (crate without its `std` feature)', noDefault: true },
  { name: 'build-std', what: 'RUSTC_BOOTSTRAP=1 -Zbuild-std=std,panic_abort (std rebuilt with the profile: z, lto)', env: { RUSTC_BOOTSTRAP: '1' }, args: buildStd, targetDir: 'bs' },
  { name: 'build-std-immediate-abort', what: '-Zbuild-std=std,panic_abort + -Cpanic=immediate-abort (no panic messages, no core::fmt from panics)', env: immediateAbort, args: buildStd, targetDir: 'bsia' },
  { name: 'lol-alloc', what: 'global allocator lol_alloc::FreeListAllocator instead of dlmalloc', patch: lolAlloc },
  { name: 'no-transferclient', what: 'TransferClient (gloo-net, wasm-bindgen-futures, web-sys) removed from wasm; a small TransferMemory.conclude() stays (fetch would move to api.js)', patch: noTransferClient },
  { name: 'no-str-panics', what: 'str slicing via get() and byte-wise substring search in src/ (no slice_error_fail / StrSearcher: no char and Range Debug formatting)', patch: strPanics, verify: true },
  { name: 'json-output', what: 'outputs as serde_json string + JSON.parse instead of serde-wasm-bindgen (no hashbrown key cache)', patch: jsonOutput },
  {
    name: 'combined-stable-without-str',
    what: 'no-transferclient + json-output (if applicable) + lol-alloc + wasm-opt -Oz --converge + strip (stable Rust; src/ core untouched)',
    patch: () => {
      noTransferClient();
      jsonOutput({ strict: false });
      lolAlloc();
    },
    optFlags: withFlags(['--converge', ...STRIP]),
  },
  {
    name: 'combined-stable',
    what: 'no-transferclient + json-output (if applicable) + lol-alloc + no-str-panics + wasm-opt -Oz --converge + strip (stable Rust)',
    patch: () => {
      noTransferClient();
      jsonOutput({ strict: false });
      lolAlloc();
      strPanics({ strict: false });
    },
    optFlags: withFlags(['--converge', ...STRIP]),
  },
  {
    name: 'combined-immediate-abort',
    what: 'combined-stable + -Zbuild-std + -Cpanic=immediate-abort (RUSTC_BOOTSTRAP=1)',
    patch: () => {
      noTransferClient();
      jsonOutput({ strict: false });
      lolAlloc();
      strPanics({ strict: false });
    },
    optFlags: withFlags(['--converge', ...STRIP]),
    env: immediateAbort,
    args: buildStd,
    targetDir: 'bsia-combined',
  },
];

// ------------------------------------------------------------------ attribution

function crateOf(name) {
  if (/^(data segment|custom section|"function names"|.* section headers|table\[|elem\[|type\[|global\[|memory\[|import |export |code\[)/.test(name)) {
    if (name.startsWith('data segment')) return '(data: strings, tables)';
    if (name.startsWith('import ')) return '(imports)';
    if (name.startsWith('export ')) return '(exports)';
    if (name.startsWith('code[')) return '(unnamed code)';
    return '(wasm structure)';
  }
  if (/externref shim|multivalue shim|^__wbindgen|^__wbg_|wasm_bindgen/.test(name)) return 'wasm-bindgen (glue, shims)';
  // The first `crate::` (or `crate[hash]::`) path in the demangled name.
  const m = /([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name.replace(/^[<&*\s]+(?:mut |const |dyn )?/, ''));
  if (!m) return /^<(char|str|u\d+|i\d+|usize|isize|bool|f\d+|\[)/.test(name) ? 'core' : '(other)';
  let c = m[1];
  if (c === 'serde_core' || c === 'serde') c = 'serde';
  if (c === '__rustc' || c === 'std' || c === 'rust_begin_unwind') c = 'std';
  if (c === 'vicidial_xfer' && /serde|Serialize/.test(name)) c = 'vicidial_xfer (serde derive)';
  if (c === 'core' && /fmt|Debug|Display|Formatter|pad_integral|escape_debug|printable/.test(name)) c = 'core::fmt';
  if (c === 'core' && /panic/.test(name)) c = 'core::panicking';
  return c;
}

function attribution() {
  scratch();
  const wasm = cargoBuild();
  const r = finish(wasm, { optFlags: [...PKG_OPT_FLAGS, '-g'], keepDebug: true, name: 'named' });
  const file = path.join(r.dir, 'opt.wasm');
  const top = JSON.parse(sh('twiggy', ['top', '-n', '100000', '--format', 'json', file]));
  const perCrate = {};
  let total = 0;
  for (const item of top) {
    if (item.name === '"function names" subsection' || item.name.startsWith('custom section')) continue;
    const c = crateOf(item.name);
    perCrate[c] = (perCrate[c] ?? 0) + item.shallow_size;
    total += item.shallow_size;
  }
  const dom = JSON.parse(sh('twiggy', ['dominators', '-d', '1', '--format', 'json', file]));
  const exports = [];
  for (const child of dom.items?.[0]?.children ?? []) {
    if (child.name.startsWith('export ')) exports.push({ name: child.name.slice(7).replace(/"/g, ''), retained: child.retained_size });
  }
  const topText = sh('twiggy', ['top', '-n', '25', file]);
  const domText = sh('twiggy', ['dominators', '-d', '1', '-r', '30', file]);
  // Who keeps the panic formatting (slice_error_fail formats char/Range with Debug) and hashbrown.
  const pathsFmt = sh('twiggy', ['paths', '--regex', file, 'slice_error_fail', '-d', '3', '-r', '16']);
  const pathsHash = sh('twiggy', ['paths', '--regex', file, 'hashbrown', '-d', '3', '-r', '3']);
  writeFileSync(path.join(WORK, 'twiggy-top.txt'), topText);
  writeFileSync(path.join(WORK, 'twiggy-dominators.txt'), domText);
  writeFileSync(path.join(WORK, 'twiggy-paths-fmt.txt'), pathsFmt);
  writeFileSync(path.join(WORK, 'twiggy-paths-hashbrown.txt'), pathsHash);
  return {
    method: `release build as make pkg, wasm-bindgen --keep-debug, wasm-opt ${PKG_OPT_FLAGS.join(' ')} -g (names kept; code as shipped up to names); twiggy 0.8 shallow sizes summed per crate (name section excluded)`,
    codeAndDataBytes: total,
    perCrate: Object.entries(perCrate).sort((a, b) => b[1] - a[1]).map(([crate, bytes]) => ({ crate, bytes })),
    exports: exports.sort((a, b) => b.retained - a.retained),
    topText,
    domText,
    pathsFmt,
    pathsHash,
  };
}

// ------------------------------------------------------------------ main

mkdirSync(WORK, { recursive: true });
const out = { date: new Date().toISOString(), commit: COMMIT, scratch: 'git archive HEAD (src, tests, Cargo.toml, Cargo.lock) into target/bench/sizeexp' };
out.tools = {
  rustc: sh('rustc', ['--version'], { cwd: ROOT }).trim(),
  wasmBindgen: sh('wasm-bindgen', ['--version'], { cwd: ROOT }).trim(),
  wasmOpt: sh(process.execPath, [WASM_OPT, '--version'], { cwd: ROOT }).trim(),
  twiggy: sh('twiggy', ['--version'], { cwd: ROOT }).trim(),
};
console.log('size: attribution (twiggy) ...');
out.attribution = attribution();
for (const { crate, bytes } of out.attribution.perCrate.slice(0, 14)) console.log(`  ${crate.padEnd(34)}${String(bytes).padStart(7)} B`);
out.experiments = [];
if (!noExperiments) {
  for (const e of EXPERIMENTS) {
    if (only && !only.includes(e.name)) continue;
    const t0 = Date.now();
    try {
      scratch(e.patch);
      const wasm = cargoBuild({
        env: e.env,
        args: e.args,
        noDefault: e.noDefault,
        targetDir: e.targetDir ? `${CARGO_TARGET}-${e.targetDir}` : CARGO_TARGET,
      });
      const r = finish(wasm, { optFlags: e.optFlags, name: e.name });
      delete r.dir;
      if (verify && e.verify) {
        const t = spawnSync('cargo', ['test', '--features', 'serde', '--lib', '--tests'], {
          cwd: SCRATCH,
          encoding: 'utf8',
          env: { ...process.env, CARGO_TARGET_DIR: `${CARGO_TARGET}-test` },
          maxBuffer: 64 << 20,
        });
        const passed = [...(t.stdout ?? '').matchAll(/test result: ok\. (\d+) passed/g)].reduce((n, m) => n + Number(m[1]), 0);
        r.verify = t.status === 0 ? `cargo test: ${passed} passed, 0 failed` : `cargo test FAILED: ${(t.stdout + t.stderr).slice(-1500)}`;
        console.log(`size: ${e.name} ${r.verify.slice(0, 200)}`);
      }
      out.experiments.push({ name: e.name, what: e.what, ...r, seconds: (Date.now() - t0) / 1000 });
      console.log(`size: ${e.name.padEnd(26)} raw ${r.raw} gzip ${r.gzip} brotli ${r.brotli} smoke ${r.smoke} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    } catch (err) {
      if (err instanceof NotApplicable) {
        out.experiments.push({ name: e.name, what: e.what, notApplicable: err.message });
        console.log(`size: ${e.name} n/a: ${err.message}`);
        continue;
      }
      out.experiments.push({ name: e.name, what: e.what, error: String(err.message).slice(0, 2000) });
      console.log(`size: ${e.name} FAILED: ${String(err.message).slice(0, 500)}`);
    }
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
