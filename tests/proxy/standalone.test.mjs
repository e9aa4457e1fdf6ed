// proxy/workerd.capnp (the proxy alone, configured from environment
// variables) in front of the Node sandbox server: the documented way to run
// it without the demo keeps working.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startSandboxServer } from '../../sandbox/node-server.mjs';
import { ROOT, WORKERD } from '../support/workerd.mjs';
import { post, transferBody } from './harness.mjs';

let sandbox;
let child;
let exited;
let url;

before(async () => {
  sandbox = await startSandboxServer({ port: 0 });
  const env = {
    PATH: process.env.PATH,
    UPSTREAM_URL: `${sandbox.url}/agc/api.php`,
    VICIDIAL_USER: '6666',
    VICIDIAL_PASS: '1234',
    PROXY_TOKEN: 'Tok-Alpha-7c1f',
    TOKEN_AGENTS: 'Tok-Alpha-7c1f:1028',
    ALLOWED_ORIGINS: 'https://crm.example.com',
    UPSTREAM_TIMEOUT_MS: '5000',
  };
  child = spawn(WORKERD, ['serve', 'proxy/workerd.capnp', '--socket-addr', 'http=127.0.0.1:0', '--control-fd', '3'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen: ${err}`)), 20000);
    child.stdio[3].on('data', (d) => {
      const m = /"port":(\d+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(() => reject(new Error(`workerd exited: ${err}`)));
  });
  url = `http://127.0.0.1:${port}/agc/api.php`;
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  await sandbox?.close();
});

test('proxy/workerd.capnp forwards a transfer to an upstream URL on 127.0.0.1', async () => {
  const r = await post(url, transferBody(), { headers: { Origin: 'https://crm.example.com' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, 'SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n');
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  const again = await post(url, transferBody());
  assert.equal(again.text, 'ERROR: no active call found - Y0315201639000402027\n');
  const wrong = await post(url, transferBody(), { token: 'nope' });
  assert.equal(wrong.status, 401);
});
