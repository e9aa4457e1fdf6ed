#!/usr/bin/env node
// Copies the browser build of the package (pkg/index.js, the JS glue it
// imports, and the .wasm) into vendor/vicidial-xfer/ so the unpacked
// extension is self-contained. Run `make pkg` first.
//   node examples/crm-extension/build.mjs [path/to/pkg]
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(process.argv[2] ?? join(here, '..', '..', 'pkg'));
const out = join(here, 'vendor', 'vicidial-xfer');
const ENTRY = 'index.js';
const WASM = 'vicidial_xfer_bg.wasm';

for (const file of [ENTRY, WASM]) {
  if (!existsSync(join(pkg, file))) {
    console.error(`build.mjs: ${join(pkg, file)} is missing; run \`make pkg\` first.`);
    process.exit(1);
  }
}

// The entry and every module it reaches through relative static imports.
const IMPORT = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
const files = new Set();
const queue = [ENTRY];
while (queue.length > 0) {
  const file = queue.shift();
  if (files.has(file)) continue;
  const path = join(pkg, file);
  if (!resolve(path).startsWith(pkg + sep)) throw new Error(`${file} leaves ${pkg}`);
  files.add(file);
  const source = await readFile(path, 'utf8');
  for (const match of source.matchAll(IMPORT)) {
    queue.push(relative(pkg, join(dirname(path), match[1])));
  }
}
files.add(WASM);

await rm(out, { recursive: true, force: true });
for (const file of files) {
  await mkdir(dirname(join(out, file)), { recursive: true });
  await copyFile(join(pkg, file), join(out, file));
}
console.log(`build.mjs: copied ${[...files].join(', ')} into ${relative(process.cwd(), out) || out}`);
