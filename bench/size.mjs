// Size of the package as built by `make pkg` (pkg/, HEAD's sources, nothing
// patched):
//
// 1. Every shipped file: raw, gzip -9, brotli 11 (Node zlib).
// 2. Per entry of package.json's `exports` (index.js, inline.js, node.js,
//    node.cjs, workerd.js): the files it loads, found by following every
//    relative "./name" it mentions (imports, requires, the glue's
//    `new URL("…wasm", import.meta.url)`; not the .wasm for an entry that
//    passes inlined bytes), each compressed on its own, as each is a
//    separate module or fetch.
// 3. The memory each instance starts with (the module's memory section).
// 4. Attribution: build.mjs's wasm-opt run repeated with `-g` on the same
//    input (target/pkg-build/wasm-opt.json: wasm-bindgen's output and the
//    flags), so the code is the shipped code with its names kept (checked:
//    the same code section), then twiggy: shallow sizes summed per crate,
//    the top items, each export's retained size. Skipped (and said so)
//    when twiggy is missing.
//
//   node bench/size.mjs [--json out.json]

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { exportedFunctions, sections } from '../pkg-template/wasm-sections.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PKG = path.join(ROOT, 'pkg');
const WORK = path.join(ROOT, 'target', 'bench', 'twiggy');
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });

function sizes(file) {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const manifest = JSON.parse(readFileSync(path.join(PKG, 'package.json'), 'utf8'));
const out = { date: new Date().toISOString(), commit: sh('git', ['rev-parse', '--short', 'HEAD']).trim() };
out.files = manifest.files.filter((f) => existsSync(path.join(PKG, f)) && /\.(m?c?js|wasm)$/.test(f)).map((f) => ({ file: f, ...sizes(path.join(PKG, f)) }));

// The entries named in `exports` ("." conditions), with what each loads.
const entries = new Set();
(function walk(v) {
  if (typeof v === 'string') entries.add(v.replace(/^\.\//, ''));
  else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => k !== 'types' && walk(x));
})(manifest.exports['.']);
const loads = (entry) => {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f) || !existsSync(path.join(PKG, f))) return;
    seen.add(f);
    if (f.endsWith('.wasm')) return;
    const text = readFileSync(path.join(PKG, f), 'utf8').replace(/\/\*[^]*?\*\/|^\s*\/\/.*$/gm, '');
    const specifiers = /(?:\bfrom|\bimport\(?|\brequire\()\s*["']\.\/([\w.-]+)["']|new URL\(\s*["'](?:\.\/)?([\w.-]+)["']|__dirname,\s*["']([\w.-]+)["']|\$\{__dirname\}\/([\w.-]+)/g;
    for (const m of text.matchAll(specifiers)) visit(m[1] ?? m[2] ?? m[3] ?? m[4]);
  };
  visit(entry);
  // An entry with the wasm inlined passes those bytes to the glue: its
  // default `new URL("…wasm")` is never fetched.
  const files = [...seen];
  return files.some((f) => f.endsWith('_inline.js')) ? files.filter((f) => !f.endsWith('.wasm')) : files;
};
out.entries = [...entries].map((entry) => {
  const files = loads(entry);
  const sum = (k) => files.reduce((n, f) => n + sizes(path.join(PKG, f))[k], 0);
  return { entry, files, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
});
// The memory the module defines (section 5): what each instance starts with.
{
  const bytes = readFileSync(path.join(PKG, 'vicidial_xfer_bg.wasm'));
  for (const { id, r } of sections(bytes)) {
    if (id !== 5) continue; // (read while the generator stands at the section)
    if (r.leb() !== 1) throw new Error('size.mjs: the module defines other than one memory');
    const flags = r.leb();
    out.memory = { initialPages: r.leb(), maxPages: flags & 1 ? r.leb() : null };
    break;
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const f of out.files) console.log(`size: ${f.file.padEnd(26)} raw ${kb(f.raw).padStart(9)} gzip ${kb(f.gzip).padStart(8)} brotli ${kb(f.brotli).padStart(8)}`);
for (const e of out.entries) console.log(`size: entry ${e.entry.padEnd(12)} gzip ${kb(e.gzip).padStart(8)} (${e.files.join(' + ')})`);
console.log(`size: memory at instantiation ${out.memory.initialPages} pages (${out.memory.initialPages * 64} KiB)${out.memory.maxPages === null ? ', no maximum' : `, at most ${out.memory.maxPages}`}`);

// ------------------------------------------------------------ attribution

function crateOf(name, exported) {
  if (name.startsWith('data segment')) return '(data: strings, tables)';
  if (name.startsWith('import ')) return '(imports)';
  if (name.startsWith('export ')) return '(exports)';
  if (name.startsWith('code[')) return '(unnamed code)';
  if (/^(custom section|.* section headers|table\[|elem\[|type\[|global\[|memory\[)/.test(name)) return '(wasm structure)';
  if (/externref shim|multivalue shim|^__wbindgen|^__wbg_|wasm_bindgen/.test(name)) return 'wasm-bindgen (glue, shims)';
  // Any other exported function's body carries its export's name (callControl, parse_record, ...): src/wasm.
  if (exported.has(name)) return 'vicidial_xfer';
  // The first `crate::` (or `crate[hash]::`) path in the demangled name.
  const m = /([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/.exec(name.replace(/^[<&*\s]+(?:mut |const |dyn )?/, ''));
  if (!m) return /^<(char|str|u\d+|i\d+|usize|isize|bool|f\d+|\[)/.test(name) ? 'core' : '(other)';
  let c = m[1];
  if (c === '__rustc' || c === 'rust_begin_unwind') c = 'std';
  if (c === 'core' && /fmt|Debug|Display|Formatter|pad_integral|escape_debug|printable/.test(name)) c = 'core::fmt';
  if (c === 'core' && /panic/.test(name)) c = 'core::panicking';
  return c;
}

const optRun = path.join(ROOT, 'target', 'pkg-build', 'wasm-opt.json');
const twiggy = spawnSync('twiggy', ['--version'], { encoding: 'utf8' });
if (twiggy.status !== 0) {
  out.attribution = { skipped: 'twiggy is not installed (bash bench/tools.sh installs it)' };
} else if (!existsSync(optRun)) {
  out.attribution = { skipped: `${path.relative(ROOT, optRun)} is missing (run make pkg)` };
} else {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const { input, args: flags } = JSON.parse(readFileSync(optRun, 'utf8'));
  const named = path.join(WORK, 'named.wasm');
  sh(process.execPath, [path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), ...flags, '-g', input, '-o', named]);
  const codeSection = (file) => {
    const bytes = readFileSync(file);
    const code = [...sections(bytes)].find((x) => x.id === 10);
    return code && bytes.subarray(code.start, code.end);
  };
  if (!codeSection(named)?.equals(codeSection(path.join(PKG, 'vicidial_xfer_bg.wasm')))) {
    throw new Error('size.mjs: the named module\'s code differs from pkg/vicidial_xfer_bg.wasm (pkg/ older than target/pkg-build? run make pkg)');
  }
  const top = JSON.parse(sh('twiggy', ['top', '-n', '100000', '--format', 'json', named]));
  const exported = exportedFunctions(readFileSync(named));
  const perCrate = {};
  let total = 0;
  for (const item of top) {
    if (item.name === '"function names" subsection' || item.name.startsWith('custom section')) continue;
    const c = crateOf(item.name, exported);
    perCrate[c] = (perCrate[c] ?? 0) + item.shallow_size;
    total += item.shallow_size;
  }
  const dom = JSON.parse(sh('twiggy', ['dominators', '-d', '1', '--format', 'json', named]));
  const exports = (dom.items?.[0]?.children ?? [])
    .filter((c) => c.name.startsWith('export '))
    .map((c) => ({ name: c.name.slice(7).replace(/"/g, ''), retained: c.retained_size }))
    .sort((a, b) => b.retained - a.retained);
  out.attribution = {
    method: `build.mjs's wasm-opt run again with -g (the shipped code with names; ${flags.length} flags, target/pkg-build/wasm-opt.json); ${twiggy.stdout.trim()} shallow sizes summed per crate (name section excluded)`,
    namedWasmBytes: sizes(named).raw,
    codeAndDataBytes: total,
    perCrate: Object.entries(perCrate).sort((a, b) => b[1] - a[1]).map(([crate, bytes]) => ({ crate, bytes })),
    exports,
    topText: sh('twiggy', ['top', '-n', '25', named]),
  };
  for (const { crate, bytes } of out.attribution.perCrate.slice(0, 12)) console.log(`size: ${crate.padEnd(34)}${String(bytes).padStart(7)} B`);
}
out.tools = {
  rustc: sh('rustc', ['--version']).trim(),
  wasmBindgen: sh('wasm-bindgen', ['--version']).trim(),
  wasmOpt: sh(process.execPath, [path.join(ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt'), '--version']).trim(),
  twiggy: twiggy.status === 0 ? twiggy.stdout.trim() : null,
};
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2));
