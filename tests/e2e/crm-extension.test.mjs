// The MV3 example extension, unpacked into Chromium: its service worker loads
// the wasm under the manifest's CSP and transfers a sandbox call through the proxy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, outputPath, sandboxCall, startStack } from './helpers.mjs';
import { DEMO_EXTENSION_ORIGIN } from '../../demo/start.mjs';

const EXTENSION = join(ROOT, 'examples', 'crm-extension');
// Pinned by the manifest's "key": the proxy's ALLOWED_ORIGINS can name it.
const EXTENSION_ID = 'emchgpkiipcohdhdabdbmbbnphakndhm';
const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
assert.equal(EXTENSION_ORIGIN, DEMO_EXTENSION_ORIGIN, 'the demo proxy allows this extension');
const TIMEOUT = 20_000;
const LIMIT = { timeout: 60_000 };

let stack;
let context;
let profile;
let worker;

before(async () => {
  assert.ok(
    existsSync(join(EXTENSION, 'vendor', 'vicidial-xfer', 'index.js')),
    'the extension is not built: run `node examples/crm-extension/build.mjs` (after `make pkg`)',
  );
  stack = await startStack();
  profile = await mkdtemp(join(tmpdir(), 'xfer-ext-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // the new headless mode, which loads extensions, comes from the flag
    args: [
      '--headless=new',
      ...CHROMIUM_ARGS,
      `--disable-extensions-except=${EXTENSION}`,
      `--load-extension=${EXTENSION}`,
    ],
    timeout: TIMEOUT,
  });
  context.setDefaultTimeout(TIMEOUT);
  worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith('chrome-extension://'),
      timeout: TIMEOUT,
    });
}, LIMIT);

after(async () => {
  await context?.close();
  await stack?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
}, LIMIT);

const endpoint = () => new URL('/agc/api.php', stack.url).href;

test('the demo proxy allows the extension origin (and only exactly it)', LIMIT, async () => {
  const status = async (origin) => (await fetch(endpoint(), {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  })).headers.get('access-control-allow-origin');
  assert.equal(await status(EXTENSION_ORIGIN), EXTENSION_ORIGIN);
  assert.equal(await status(`${EXTENSION_ORIGIN.slice(0, -1)}a`), null);
});

function popup(page) {
  return page.goto(`${EXTENSION_ORIGIN}/popup.html`);
}

function sendFromPopup(page, request) {
  return page.evaluate(({ url, request }) => chrome.runtime.sendMessage({
    type: 'transfer', endpoint: url, token: 'demo', request,
  }), { url: endpoint(), request });
}

test('the extension loads with its pinned ID and its module service worker', LIMIT, () => {
  assert.equal(worker.url(), `${EXTENSION_ORIGIN}/service-worker.js`);
});

test('the worker loads the wasm and its fetch reaches the proxy on any 127.0.0.1 port', LIMIT, async () => {
  const page = await context.newPage();
  try {
    await popup(page);
    const outcome = await sendFromPopup(page, { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' });
    // A response arrived: not NETWORK_ERROR (no host permission) nor EXTENSION_ERROR (wasm not loaded).
    assert.equal(typeof outcome.httpStatus, 'number', JSON.stringify(outcome));
    assert.equal(typeof outcome.code, 'string');
  } finally {
    await page.close();
  }
});

test('the popup sends a transfer through the service worker: TRANSFERRED, then likely already transferred', LIMIT, async () => {
  const call = await sandboxCall(stack.url);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await popup(page);
    await page.fill('#endpoint', endpoint());
    await page.fill('#token', 'demo');
    await page.fill('#agentUser', call.agentUser);
    await page.fill('#callId', call.callId);
    await page.fill('#ingroup', 'SALESLINE');

    await page.click('#send');
    await page.waitForFunction(() => !['', '…'].includes(document.body.dataset.outcome ?? ''));
    await page.locator('body').screenshot({ path: await outputPath('extension-popup.png') });
    assert.equal(await page.textContent('#code'), 'TRANSFERRED', await page.textContent('#outcome'));
    assert.match(await page.textContent('#raw'),
      new RegExp(`SUCCESS: ra_call_control transfer - ${call.agentUser}\\|${call.callId}\\|`));

    await page.click('#send');
    await page.waitForFunction(() => document.body.dataset.outcome === 'NO_ACTIVE_CALL');
    assert.match(await page.textContent('#hint'), /Likely already transferred/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a stopped worker wakes on a message, loads the wasm again and transfers', LIMIT, async () => {
  const page = await context.newPage();
  try {
    await popup(page);
    // Chrome stops an idle worker after ~30 s; stop it now, as Chrome would.
    const cdp = await context.newCDPSession(page);
    const statuses = [];
    let onStatus = () => {};
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions) {
        if (version.scriptURL.startsWith(`${EXTENSION_ORIGIN}/`)) {
          statuses.push(version.runningStatus);
          onStatus();
        }
      }
    });
    const reaches = (status, from) => new Promise((resolve) => {
      onStatus = () => statuses.indexOf(status, from) >= 0 && resolve();
      onStatus();
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await reaches('stopped', 0);
    const stoppedAt = statuses.lastIndexOf('stopped');

    const call = await sandboxCall(stack.url);
    const outcome = await sendFromPopup(page, { agentUser: call.agentUser, callId: call.callId, ingroup: 'BILLING' });
    assert.ok(statuses.indexOf('running', stoppedAt) > stoppedAt, `the worker restarted: ${statuses}`);
    assert.equal(outcome.code, 'TRANSFERRED', JSON.stringify(outcome));
    assert.equal(outcome.ok, true);
  } finally {
    await page.close();
  }
});

test('an invalid request is refused in the worker and nothing is sent', LIMIT, async () => {
  const page = await context.newPage();
  try {
    await popup(page);
    const outcome = await sendFromPopup(page, { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALES.LINE' });
    assert.equal(outcome.code, 'INVALID_REQUEST', JSON.stringify(outcome));
    assert.equal(outcome.httpStatus, undefined);
    assert.deepEqual(outcome.issues.map((issue) => issue.field), ['ingroup']);
  } finally {
    await page.close();
  }
});
