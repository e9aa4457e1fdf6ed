// The demo server without a browser: ALLOWED_ORIGINS adds origins the demo
// proxy accepts (so a user's own extension can use it); bad entries are named.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';
import { DEMO_EXTENSION_ORIGIN, parseExtraOrigins, startDemo } from '../../demo/start.mjs';

const MINE = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const CRM = 'https://crm.example.com';
const LIMIT = { timeout: 60_000 };
let demo;

before(async () => {
  demo = await startDemo({ port: 0, extraOrigins: [MINE, CRM] });
}, LIMIT);
after(async () => demo?.stop(), LIMIT);

async function preflight(origin) {
  const response = await fetch(new URL('/agc/api.php', demo.url), {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  await response.arrayBuffer();
  return { status: response.status, allow: response.headers.get('access-control-allow-origin'), error: response.headers.get('x-proxy-error') };
}

test('added origins are accepted by the demo proxy, next to the built-in ones', LIMIT, async () => {
  for (const origin of [MINE, CRM, DEMO_EXTENSION_ORIGIN, `http://127.0.0.1:${demo.port}`, `http://localhost:${demo.port}`]) {
    const answer = await preflight(origin);
    assert.equal(answer.allow, origin, `${origin}: ${JSON.stringify(answer)}`);
  }
  assert.deepEqual(demo.origins.slice(-2), [MINE, CRM]);
});

test('an origin that was not added is still refused', LIMIT, async () => {
  for (const origin of ['https://other.example.com', `${CRM}.evil.net`, 'chrome-extension://abcdefghijklmnopabcdefghijklmnoa']) {
    const answer = await preflight(origin);
    assert.equal(answer.allow, null, origin);
    assert.equal(answer.status, 403, origin);
    assert.equal(answer.error, 'ORIGIN_NOT_ALLOWED', origin);
  }
});

test('the current-call endpoint is routed to the proxy, not served as a page', LIMIT, async () => {
  const response = await fetch(new URL('/proxy/current-call', demo.url));
  const body = await response.text();
  // Without a token the proxy refuses, in its own line format.
  assert.equal(response.status, 401, body);
  assert.match(body, /^ERROR: proxy TOKEN_MISSING - /);
});

test('startDemo({ sandboxVersion }) sets the api.php version the sandbox imitates', LIMIT, async () => {
  const older = await startDemo({ port: 0, sandboxVersion: '2.14-72' });
  try {
    const response = await fetch(new URL('/sandbox/reset', older.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const answer = await response.json();
    assert.equal(answer.options?.apiVersion, '2.14-72', JSON.stringify(answer));
  } finally {
    await older.stop();
  }
});

test('parseExtraOrigins: comma or space separated, each entry checked by the proxy\'s rule and named', () => {
  assert.deepEqual(parseExtraOrigins(`${MINE}, ${CRM}  ${CRM}`), { origins: [MINE, CRM] });
  assert.deepEqual(parseExtraOrigins(''), { origins: [] });
  const bad = parseExtraOrigins(`${CRM}/,*, http://Example.com`);
  assert.equal(bad.errors.length, 3, JSON.stringify(bad));
  assert.match(bad.errors[0], /^ALLOWED_ORIGINS entry "https:\/\/crm\.example\.com\/": /);
  assert.match(bad.errors[1], /^ALLOWED_ORIGINS entry "\*": /);
  assert.match(bad.errors[2], /^ALLOWED_ORIGINS entry "http:\/\/Example\.com": /);
});

/** Runs a command, gives it 30 s, returns its exit code and output. */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, MAKEFLAGS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

test('make demo with a bad ALLOWED_ORIGINS entry stops at once and names it', LIMIT, async () => {
  const viaEnv = await run('node', [join('demo', 'run.mjs')], { ALLOWED_ORIGINS: `${MINE},https://crm.example.com/path`, PORT: '0' });
  assert.equal(viaEnv.code, 2, viaEnv.output);
  assert.match(viaEnv.output, /ALLOWED_ORIGINS entry "https:\/\/crm\.example\.com\/path"/);
  assert.doesNotMatch(viaEnv.output, /abcdefghijklmnop"/, 'only the bad entry is named');

  const badVersion = await run('node', [join('demo', 'run.mjs')], { SANDBOX_API_VERSION: '2.14-99', PORT: '0' });
  assert.equal(badVersion.code, 2, badVersion.output);
  assert.match(badVersion.output, /unknown api\.php version "2\.14-99"/);

  // As a make variable (what the README shows); make passes it to the server.
  const viaMake = await run('make', ['--no-print-directory', 'demo', 'ALLOWED_ORIGINS=null', 'PORT=0'], {});
  assert.equal(viaMake.signal, null, viaMake.output);
  assert.notEqual(viaMake.code, 0, viaMake.output);
  assert.match(viaMake.output, /ALLOWED_ORIGINS entry "null"/);
});
