// The MV3 example extension, unpacked into Chromium: its service worker loads
// the wasm under the manifest's CSP, asks the proxy for the agent's current
// call and transfers it, in one click, also after Chrome stopped the worker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, managerCommandsFor, outputPath, sandboxCall, sandboxCalls, startStack } from './helpers.mjs';
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

test('the extension loads with its pinned ID and its module service worker', LIMIT, () => {
  assert.equal(worker.url(), `${EXTENSION_ORIGIN}/service-worker.js`);
});

test('the icons are the PNGs make-icons.mjs draws, at the sizes the manifest names', LIMIT, async () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'manifest.json'), 'utf8'));
  const named = { ...manifest.icons, ...manifest.action.default_icon };
  assert.deepEqual(Object.keys(manifest.icons), ['16', '32', '48', '128']);
  for (const [size, file] of Object.entries(named)) {
    const png = readFileSync(join(EXTENSION, file));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', file);
    assert.equal(png.readUInt32BE(16), Number(size), `${file} width`);
    assert.equal(png.readUInt32BE(20), Number(size), `${file} height`);
  }
  // The committed files are exactly what the script draws (exit 1 otherwise).
  execFileSync(process.execPath, [join(EXTENSION, 'icons', 'make-icons.mjs'), '--check']);
  // Chromium serves them from the loaded extension.
  const page = await context.newPage();
  try {
    const response = await page.goto(`${EXTENSION_ORIGIN}/icons/icon-128.png`);
    assert.equal(response.status(), 200);
  } finally {
    await page.close();
  }
});

async function openPopup(page, { token = 'demo', ingroup = 'SALESLINE' } = {}) {
  await page.goto(`${EXTENSION_ORIGIN}/popup.html`);
  if (!(await page.isVisible('#endpoint'))) await page.click('#settings summary');
  await page.fill('#endpoint', endpoint());
  await page.fill('#token', token);
  await page.fill('#ingroup', ingroup);
}

/** The one click, and the outcome the popup shows. */
async function clickTransfer(page) {
  await page.click('#send');
  await page.waitForFunction(() => !['', '…'].includes(document.body.dataset.outcome ?? '') && !document.getElementById('send').disabled);
  return page.evaluate(() => ({
    code: document.body.dataset.outcome,
    tone: document.body.dataset.tone,
    headline: document.getElementById('headline').textContent,
    codeText: document.getElementById('code').textContent,
    message: document.getElementById('message').textContent,
    call: document.getElementById('call').textContent,
    raw: document.getElementById('raw').textContent,
    issues: [...document.querySelectorAll('#issues li')].map((li) => li.textContent),
  }));
}

test('one click transfers the agent\'s current call to the chosen in-group; a second click finds none', LIMIT, async () => {
  const call = await sandboxCall(stack.url, '1028');
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    await openPopup(page, { ingroup: 'SALESLINE' });
    const first = await clickTransfer(page);
    await page.locator('body').screenshot({ path: await outputPath('extension-popup-transferred.png') });
    assert.equal(first.code, 'TRANSFERRED', JSON.stringify(first));
    assert.equal(first.headline, 'Transferred to in-group SALESLINE');
    assert.equal(first.tone, 'ok');
    assert.match(first.call, new RegExp(`^Call ${call.callId} of agent user 1028`));
    assert.match(first.raw, new RegExp(`^SUCCESS: ra_call_control transfer - 1028\\|${call.callId}\\|`));
    const commands = await managerCommandsFor(stack.url, call.channel);
    assert.equal(commands.length, 1, JSON.stringify(commands));
    assert.match(JSON.stringify(commands[0]), new RegExp(`90009\\*SALESLINE\\*\\*${call.leadId}\\*\\*`));

    const second = await clickTransfer(page);
    assert.equal(second.code, 'NO_CURRENT_CALL', JSON.stringify(second));
    assert.match(second.headline, /^No current call/);
    assert.equal((await managerCommandsFor(stack.url, call.channel)).length, 1, 'nothing sent again');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a stopped worker wakes on the click, loads the wasm again and transfers the current call', LIMIT, async () => {
  const page = await context.newPage();
  try {
    await openPopup(page, { ingroup: 'BILLING' });
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

    const call = await sandboxCall(stack.url, '1028');
    const outcome = await clickTransfer(page);
    assert.ok(statuses.indexOf('running', stoppedAt) > stoppedAt, `the worker restarted: ${statuses}`);
    assert.equal(outcome.code, 'TRANSFERRED', JSON.stringify(outcome));
    assert.equal(outcome.headline, 'Transferred to in-group BILLING');
    assert.match(outcome.call, new RegExp(`^Call ${call.callId} `));
    const commands = await managerCommandsFor(stack.url, call.channel);
    assert.equal(commands.length, 1, JSON.stringify(commands));
    assert.match(JSON.stringify(commands[0]), /90009\*BILLING\*\*/);
    await page.locator('body').screenshot({ path: await outputPath('extension-popup-after-restart.png') });
  } finally {
    await page.close();
  }
});

test('an invalid in-group is refused in the worker and nothing is sent; a wrong token shows the proxy\'s reason', LIMIT, async () => {
  const call = await sandboxCall(stack.url, '1028');
  const page = await context.newPage();
  try {
    await openPopup(page, { ingroup: 'SALES.LINE' });
    const invalid = await clickTransfer(page);
    assert.equal(invalid.code, 'INVALID_REQUEST', JSON.stringify(invalid));
    assert.equal(invalid.headline, 'Not sent: the request is invalid');
    assert.equal(invalid.issues.length, 1, JSON.stringify(invalid));
    assert.match(invalid.issues[0], /^In-group /);
    assert.equal((await managerCommandsFor(stack.url, call.channel)).length, 0);
    assert.ok((await sandboxCalls(stack.url)).some((c) => c.callId === call.callId), 'the call is still live');

    await openPopup(page, { token: 'not-the-token', ingroup: 'SALESLINE' });
    const wrong = await clickTransfer(page);
    assert.equal(wrong.code, 'PROXY_REFUSED', JSON.stringify(wrong));
    assert.equal(wrong.codeText, 'PROXY_REFUSED · TOKEN_INVALID');
    assert.equal(wrong.headline, 'Wrong proxy token: the proxy refused it');
    await page.locator('body').screenshot({ path: await outputPath('extension-popup-wrong-token.png') });
    assert.equal((await managerCommandsFor(stack.url, call.channel)).length, 0);
  } finally {
    await page.close();
  }
});
