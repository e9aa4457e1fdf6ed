// The demo stack (demo/start.mjs and demo/run.mjs): one workerd serving the
// page, the package, the proxy and the sandbox on one 127.0.0.1 origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/workerd.mjs';
import { startDemo } from '../../demo/start.mjs';

let demo;

before(async () => {
  demo = await startDemo({ port: 0 });
});

after(async () => {
  await demo?.stop();
});

async function get(p, init) {
  const res = await fetch(`${demo.url}${p}`, { signal: AbortSignal.timeout(10000), ...init });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

test('the page is served with a strict CSP', async () => {
  for (const p of ['/', '/index.html']) {
    const r = await get(p);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /(^|; )script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /default-src 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  assert.equal((await get('/app.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await get('/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
});

test('the package is served under /pkg/ with the right types', async () => {
  const wasm = await get('/pkg/vicidial_xfer_bg.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.ok(WebAssembly.validate(wasm.bytes));
  for (const f of ['index.js', 'vicidial_xfer.js', 'api.js']) {
    const r = await get(`/pkg/${f}`);
    assert.equal(r.status, 200, f);
    assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
  }
});

test('nothing else is served', async () => {
  for (const p of ['/Makefile', '/pkg/../Makefile', '/%2e%2e/Makefile', '/.gitignore', '/pkg/', '/pkg', '/nope.html', '/pkg/..%2fMakefile']) {
    assert.equal((await get(p)).status, 404, p);
  }
  assert.equal((await get('/index.html', { method: 'POST', body: 'x' })).status, 405);
});

test('sandbox routes, and a transfer through the proxy from the page origin', async () => {
  const call = await (await fetch(`${demo.url}/sandbox/calls`, { method: 'POST' })).json();
  assert.match(call.callId, /^[YV]\d{19}$/);
  const body = `function=ra_call_control&stage=INGROUPTRANSFER&agent_user=1028&value=${call.callId}&ingroup_choices=SALESLINE`;
  const send = (headers) =>
    fetch(`${demo.url}/agc/api.php`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const origin = `http://127.0.0.1:${demo.port}`;
  const wrong = await send({ Authorization: 'Bearer nope', Origin: origin });
  assert.equal(wrong.status, 401);
  const res = await send({ Authorization: 'Bearer demo', Origin: origin });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), origin);
  assert.equal(await res.text(), `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
  const again = await send({ Authorization: 'Bearer demo', Origin: `http://localhost:${demo.port}` });
  assert.equal(await again.text(), `SUCCESS: ra_call_control transfer - 1028|${call.callId}|\n`);
  assert.equal(again.headers.get('x-proxy-replayed'), 'true');
  const foreign = await send({ Authorization: 'Bearer demo', Origin: 'http://127.0.0.1:1' });
  assert.equal(foreign.status, 403);
  const otherAgent = await fetch(`${demo.url}/agc/api.php`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer demo' },
    body: body.replace('agent_user=1028', 'agent_user=1029'),
  });
  assert.equal(otherAgent.status, 403);
  const stats = await (await fetch(`${demo.url}/sandbox/stats`)).json();
  assert.equal(stats.transfers, 1);
});

test('demo/run.mjs prints the URL, answers, and stops workerd on SIGTERM', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'demo', 'run.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let pid = null;
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20000);
      const onData = (d) => {
        out += d;
        const m = /Open\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (d) => {
        out += d;
      });
      exited.then(() => reject(new Error(`run.mjs exited early: ${out}`)));
    });
    assert.match(out, /Token\s+demo/);
    assert.match(out, /Agent\s+1028/);
    pid = Number(/workerd pid (\d+)/.exec(out)[1]);
    const res = await fetch(`${url}/sandbox/stats`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    child.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 0);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'workerd still running');
    pid = null;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    // If run.mjs failed to stop its workerd, stop that one process (by PID) here.
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
});
