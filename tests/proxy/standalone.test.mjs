// proxy/workerd.capnp (the proxy alone, configured from environment
// variables, its per-call memory on disk via --directory-path) in front of
// the test upstream: the documented way to run it without the demo works,
// and the memory survives a restart of that workerd.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, WORKERD } from '../support/workerd.mjs';
import { post, get, transferBody } from './harness.mjs';
import { startUpstream } from './upstream.mjs';

let up;
let dir;

before(async () => {
  up = await startUpstream();
  dir = mkdtempSync(path.join(tmpdir(), 'proxy-standalone-'));
});

after(async () => {
  await up?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts proxy/workerd.capnp as README.md shows; resolves { url, stop }. */
async function startStandalone() {
  const env = {
    PATH: process.env.PATH,
    UPSTREAM_URL: up.apiUrl,
    VICIDIAL_USER: '6666',
    VICIDIAL_PASS: '1234',
    NONAGENT_USER: 'naapi',
    NONAGENT_PASS: 'napass99',
    PROXY_TOKEN: 'Tok-Alpha-7c1f',
    TOKEN_AGENTS: 'Tok-Alpha-7c1f:1028',
    ALLOWED_ORIGINS: 'https://crm.example.com',
    UPSTREAM_TIMEOUT_MS: '5000',
  };
  const child = spawn(WORKERD, ['serve', 'proxy/workerd.capnp', '--socket-addr', 'http=127.0.0.1:0', '--directory-path', `calls-store=${dir}`, '--control-fd', '3'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen: ${out}`)), 20000);
    child.stdio[3].on('data', (d) => {
      const m = /"port":(\d+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(() => reject(new Error(`workerd exited: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

test('proxy/workerd.capnp: transfer, replay, current-call; the memory on disk survives a restart', async () => {
  const call = up.startCall({ agentUser: '1028' });
  let w = await startStandalone();
  try {
    const r = await post(`${w.url}/agc/api.php`, transferBody({ callId: call.callId }), { headers: { Origin: 'https://crm.example.com' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://crm.example.com');
    const wrong = await post(`${w.url}/agc/api.php`, transferBody(), { token: 'nope' });
    assert.equal(wrong.status, 401);
    const cc = await get(`${w.url}/proxy/current-call`);
    assert.equal(JSON.parse(cc.text).status, 'READY');
    assert.match(w.output(), /"audit":"vicidial-xfer-proxy"/);
  } finally {
    await w.stop();
  }
  assert.ok(readdirSync(dir).length > 0, 'nothing written to the calls-store directory');
  w = await startStandalone();
  try {
    const again = await post(`${w.url}/agc/api.php`, transferBody({ callId: call.callId }));
    assert.equal(again.text, `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
    assert.equal(again.headers.get('x-proxy-replayed'), 'true');
    assert.equal(up.callCount(call.callId), 1);
  } finally {
    await w.stop();
  }
});
