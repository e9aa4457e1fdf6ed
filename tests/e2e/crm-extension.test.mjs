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

const EXTENSION = join(ROOT, 'examples', 'crm-extension');
const TIMEOUT = 20_000;
let stack;
let context;
let profile;
let worker;
let extensionId;

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
  extensionId = new URL(worker.url()).host;
});

after(async () => {
  await context?.close();
  await stack?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const endpoint = () => new URL('/agc/api.php', stack.url).href;

test('the service worker is the manifest\'s module worker', () => {
  assert.equal(worker.url(), `chrome-extension://${extensionId}/service-worker.js`);
});

test('the popup sends a transfer through the service worker: TRANSFERRED, then likely already transferred', async () => {
  const call = await sandboxCall(stack.url);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    await page.fill('#endpoint', endpoint());
    await page.fill('#token', 'demo');
    await page.fill('#agentUser', call.agentUser);
    await page.fill('#callId', call.callId);
    await page.fill('#ingroup', 'SALESLINE');

    await page.click('#send');
    await page.waitForFunction(() => !['', '…'].includes(document.body.dataset.outcome ?? ''));
    assert.equal(await page.textContent('#code'), 'TRANSFERRED', await page.textContent('#outcome'));
    assert.match(await page.textContent('#raw'), new RegExp(`SUCCESS: ra_call_control transfer - ${call.agentUser}\\|${call.callId}\\|`));
    await page.screenshot({ path: await outputPath('extension-popup.png') });

    await page.click('#send');
    await page.waitForFunction(() => document.body.dataset.outcome === 'NO_ACTIVE_CALL');
    assert.match(await page.textContent('#hint'), /Likely already transferred/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a stopped worker wakes on a message, loads the wasm again and transfers', async () => {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    // Chrome stops idle workers after ~30 s; do it now, as Chrome would.
    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await page.waitForFunction(() => true); // let the stop land before the message
    assert.equal(await worker.evaluate(() => 1).catch(() => 'stopped'), 'stopped');

    const call = await sandboxCall(stack.url);
    const outcome = await page.evaluate(({ url, request }) => chrome.runtime.sendMessage({
      type: 'transfer', endpoint: url, token: 'demo', request,
    }), { url: endpoint(), request: { agentUser: call.agentUser, callId: call.callId, ingroup: 'BILLING' } });
    assert.equal(outcome.code, 'TRANSFERRED', JSON.stringify(outcome));
    assert.equal(outcome.ok, true);
    console.log(context.serviceWorkers().length, context.serviceWorkers().map(w=>w===worker));
    for (const w of context.serviceWorkers()) console.log(await w.evaluate(() => 1).catch(e => String(e).slice(0,80)));
  } finally {
    await page.close();
  }
});

test('an invalid request is refused in the worker and nothing is sent', async () => {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/popup.html`);
    const outcome = await page.evaluate((url) => chrome.runtime.sendMessage({
      type: 'transfer',
      endpoint: url,
      token: 'demo',
      request: { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALES.LINE' },
    }), endpoint());
    assert.equal(outcome.code, 'INVALID_REQUEST', JSON.stringify(outcome));
    assert.equal(outcome.issues[0].field, 'ingroup');
  } finally {
    await page.close();
  }
});
