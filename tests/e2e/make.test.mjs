// The Makefile's user-facing plumbing: `make help` is generated and complete;
// `make demo` rebuilds pkg/ only when a source is newer, and quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const make = (args, options = {}) => spawnSync('make', ['--no-print-directory', ...args], {
  cwd: ROOT, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' }, ...options,
});

/** make's own database: the phony targets and TEST_TARGETS as make sees them (not as help.awk parses them). */
function makeDatabase(cwd = ROOT) {
  const out = spawnSync('make', ['-pRrq', '-f', 'Makefile', 'help'], { cwd, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' } }).stdout;
  const phony = /^\.PHONY: (.*)$/m.exec(out)?.[1].split(/\s+/).filter(Boolean) ?? [];
  const tests = /^TEST_TARGETS :?= (.*)$/m.exec(out)?.[1].split(/\s+/).filter(Boolean) ?? [];
  return { phony, tests };
}

test('make help lists every target with a description, generated from the Makefile and mk/*.mk', () => {
  const result = make(['help']);
  assert.equal(result.status, 0, result.stderr);
  const listed = new Map();
  for (const line of result.stdout.split('\n')) {
    const m = /^ {2}(\S+) +(\S.*)$/.exec(line);
    if (m) listed.set(m[1], m[2]);
  }
  const { phony, tests } = makeDatabase();
  assert.ok(tests.length >= 7, `TEST_TARGETS from make: ${tests}`);
  assert.ok(phony.length >= 10, `.PHONY from make: ${phony}`);
  const wanted = new Set(['demo', 'test', 'pkg', 'bench', 'fuzz', 'lint', 'setup', 'help', ...tests, ...phony]);
  for (const target of wanted) {
    assert.ok(listed.has(target), `make help does not list ${target}:\n${result.stdout}`);
    assert.ok(listed.get(target).length > 10, `${target} has no real description`);
  }
  assert.doesNotMatch(result.stdout, /Undocumented/);
  // demo and test come first: what a newcomer runs.
  assert.deepEqual([...listed.keys()].slice(0, 2), ['demo', 'test']);
  assert.match(listed.get('demo'), /ALLOWED_ORIGINS/);
});

test('make help names a target that lacks a ## comment (it is generated, not a fixed text)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xfer-help-'));
  try {
    cpSync(join(ROOT, 'Makefile'), join(dir, 'Makefile'));
    cpSync(join(ROOT, 'mk'), join(dir, 'mk'), { recursive: true });
    writeFileSync(join(dir, 'mk', 'zz-extra.mk'),
      'TEST_TARGETS += test-extra\n.PHONY: test-extra other\n## Says hello.\nother:\n\techo hi\ntest-extra:\n\techo extra\n');
    const result = make(['help'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ {2}other +Says hello\.$/m);
    assert.match(result.stdout, /Undocumented.*test-extra \(mk\/zz-extra\.mk\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A scratch copy of the Makefile plumbing with stand-ins for the sources,
 * node (prints what build.mjs prints, writes pkg/package.json) and setup.
 */
function scratchTree() {
  const dir = mkdtempSync(join(tmpdir(), 'xfer-demo-make-'));
  cpSync(join(ROOT, 'Makefile'), join(dir, 'Makefile'));
  cpSync(join(ROOT, 'mk'), join(dir, 'mk'), { recursive: true });
  for (const sub of ['src', 'pkg-template', 'scripts', 'pkg']) mkdirSync(join(dir, sub));
  for (const file of ['Cargo.toml', 'Cargo.lock', 'src/lib.rs', 'pkg-template/api.js']) writeFileSync(join(dir, file), '');
  writeFileSync(join(dir, 'scripts', 'setup.sh'), 'echo "setup: ready"\n');
  const fakeNode = join(dir, 'fake-node');
  // The last lines of pkg-template/build.mjs's output, and its last file.
  writeFileSync(fakeNode, `#!/usr/bin/env bash
if [[ "$1" == pkg-template/build.mjs && -e fail-build ]]; then
  echo "{}" > pkg/package.json
  echo "smoke test failed" >&2
  exit 1
elif [[ "$1" == pkg-template/build.mjs ]]; then
  echo "smoke: optimized module loads; parseReply -> TRANSFERRED"
  echo
  echo "pkg/ sizes            raw        gzip -9    brotli"
  echo "vicidial_xfer_bg.wasm    80.0 KB   36.0 KB   30.0 KB"
  echo "wasm gzip 36.0 KB (goal <= 30 KB): NOT met"
  echo
  echo "inline entry (esbuild, bun build): the wasm as base64 costs +22.9 KB raw, +9.3 KB gzip"
  echo "{}" > pkg/package.json
else
  echo "node $*"
fi
`);
  chmodSync(fakeNode, 0o755);
  const old = new Date(Date.now() - 3600_000);
  for (const file of ['Cargo.toml', 'Cargo.lock', 'src/lib.rs', 'pkg-template/api.js']) utimesSync(join(dir, file), old, old);
  return { dir, fakeNode };
}

test('make demo serves an up-to-date pkg/ without rebuilding, rebuilds a stale one quietly', () => {
  const { dir, fakeNode } = scratchTree();
  try {
    const run = () => make(['demo', `NODE=${fakeNode}`], { cwd: dir });
    // No pkg/ yet: built once, without the size report.
    let result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /smoke: optimized module loads/);
    assert.doesNotMatch(result.stdout, /goal|pkg\/ sizes|gzip|KB/);
    assert.match(result.stdout, /^node demo\/run\.mjs$/m);

    // Up to date: only the server starts.
    result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /build\.mjs|smoke|setup/);
    assert.match(result.stdout, /^node demo\/run\.mjs$/m);

    // A source newer than pkg/: rebuilt.
    const now = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'pkg-template', 'api.js'), now, now);
    result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /smoke: optimized module loads/);
    assert.doesNotMatch(result.stdout, /goal|KB/);

    // A build that fails after writing package.json: make fails, and the next make builds again.
    writeFileSync(join(dir, 'fail-build'), '');
    utimesSync(join(dir, 'src', 'lib.rs'), new Date(Date.now() + 10000), new Date(Date.now() + 10000));
    result = run();
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stdout, /pkg\/ build failed/);
    assert.doesNotMatch(result.stdout, /demo\/run\.mjs/);
    assert.equal(existsSync(join(dir, 'pkg', 'package.json')), false, 'the half-built pkg/ does not count as built');
    rmSync(join(dir, 'fail-build'));
    result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /smoke: optimized module loads/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real tree: make -n demo starts the server and builds only what is stale', () => {
  const result = make(['-n', 'demo']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /demo\/run\.mjs/);
  // Whatever the state of pkg/, `make demo` never asks for the size report.
  assert.doesNotMatch(result.stdout, /^\S*node pkg-template\/build\.mjs$/m);
});

test('build.mjs refuses to build when RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS would replace .cargo/config.toml\'s wasm32 flags', () => {
  const out = mkdtempSync(join(tmpdir(), 'vx-rustflags-'));
  try {
    // Set and empty counts too: cargo then drops .cargo/config.toml's flags as well.
    for (const [name, value] of [['RUSTFLAGS', '-C opt-level=1'], ['CARGO_ENCODED_RUSTFLAGS', '-C opt-level=1'], ['RUSTFLAGS', '']]) {
      const result = spawnSync(process.execPath, ['pkg-template/build.mjs', '--out', out], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, [name]: value },
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^${name} is set \\(${JSON.stringify(value)}\\): cargo would build the package without \\.cargo/config\\.toml's wasm32 rustflags; unset it`, 'm'));
      assert.deepEqual(spawnSync('ls', ['-A', out], { encoding: 'utf8' }).stdout, '', 'nothing was built');
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
