// The Cloudflare deployment config (proxy/wrangler.toml, as README.md
// documents it) run locally with `wrangler dev --local` (wrangler from
// node_modules, Miniflare + workerd, the CallLedger Durable Object local):
// secrets from a .dev.vars file in a temp dir, upstream the test upstream on
// 127.0.0.1. One transfer, its replay, and a refusal. wrangler's offline
// "getaddrinfo ENOTFOUND workers.cloudflare.com" messages are harmless.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, COMPATIBILITY_DATE } from '../support/workerd.mjs';
import { post, transferBody, sleep } from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
let up;
let dir;
let child;
let exited;
let output = '';
let base;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  assert.ok(existsSync(WRANGLER), `wrangler is not installed at ${WRANGLER} (npm ci)`);
  up = await startUpstream();
  dir = mkdtempSync(path.join(tmpdir(), 'proxy-wrangler-'));
  // The documented config; only `main` is made absolute so that wrangler's
  // scratch directory (.wrangler/) lands in the temp dir, not in proxy/.
  const toml = readFileSync(path.join(ROOT, 'proxy', 'wrangler.toml'), 'utf8');
  assert.match(toml, /^main = "worker.mjs"$/m);
  writeFileSync(path.join(dir, 'wrangler.toml'), toml.replace(/^main = "worker.mjs"$/m, `main = ${JSON.stringify(path.join(ROOT, 'proxy', 'worker.mjs'))}`));
  writeFileSync(path.join(dir, '.dev.vars'), [
    `UPSTREAM_URL=${up.apiUrl}`,
    'VICIDIAL_USER=6666',
    'VICIDIAL_PASS=1234',
    'NONAGENT_USER=naapi',
    'NONAGENT_PASS=napass99',
    'PROXY_TOKEN=Tok-Alpha-7c1f',
    'TOKEN_AGENTS=Tok-Alpha-7c1f:1028',
    '',
  ].join('\n'));
  const port = await freePort();
  child = spawn(process.execPath, [WRANGLER, 'dev', '--local', '-c', path.join(dir, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(port),
    '--persist-to', path.join(dir, 'state'), '--show-interactive-dev-session=false', '--inspector-port', String(await freePort())], {
    cwd: dir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: wrangler's workerd children stop with it
  });
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  exited = new Promise((resolve) => child.once('exit', resolve));
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (!/Ready on http:\/\/127\.0\.0\.1:\d+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`wrangler dev not ready within 90 s:\n${output}`);
    await sleep(200);
  }
}, { timeout: 120_000 });

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
  await up?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('wrangler dev --local with proxy/wrangler.toml: a transfer, its replay from the Durable Object, a refusal', async () => {
  const call = up.startCall({ agentUser: '1028' });
  const r = await post(`${base}/agc/api.php`, transferBody({ callId: call.callId }), { headers: { Origin: 'https://crm.example.com' } });
  assert.equal(r.status, 200, `${r.text}\n${output}`);
  assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  const again = await post(`${base}/agc/api.php`, transferBody({ callId: call.callId }));
  assert.equal(again.headers.get('x-proxy-replayed'), 'true');
  assert.equal(up.callCount(call.callId), 1);
  const theirs = up.startCall({ agentUser: '1029' });
  const refused = await post(`${base}/agc/api.php`, transferBody({ callId: theirs.callId }));
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('x-proxy-error'), 'NOT_AGENTS_CALL');
  assert.match(output, /"audit":"vicidial-xfer-proxy"/);
  for (const secret of ['Tok-Alpha-7c1f', 'napass99']) assert.ok(!output.includes(secret), `wrangler output shows ${secret}`);
});

test('one compatibility date for every worker: wrangler.toml and workerd.capnp use the tests\' date', () => {
  const toml = readFileSync(path.join(ROOT, 'proxy', 'wrangler.toml'), 'utf8');
  const capnp = readFileSync(path.join(ROOT, 'proxy', 'workerd.capnp'), 'utf8');
  assert.match(toml, new RegExp(`^compatibility_date = "${COMPATIBILITY_DATE}"$`, 'm'));
  assert.match(capnp, new RegExp(`compatibilityDate = "${COMPATIBILITY_DATE}"`));
});
