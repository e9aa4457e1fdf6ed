// The demo page in Chromium, against the real stack (proxy + sandbox VICIdial).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, outputPath, startStack } from './helpers.mjs';

const TIMEOUT = 15_000;
const LIMIT = { timeout: 60_000 };
let stack;
let browser;

before(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: TIMEOUT });
}, LIMIT);

after(async () => {
  await browser?.close();
  await stack?.stop();
}, LIMIT);

/** A fresh page with console errors, page errors and CSP violations collected. */
async function openPage(viewport) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window.cspViolations ??= []).push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const response = await page.goto(stack.url);
  assert.equal(response.status(), 200);
  await page.waitForSelector('html[data-ready="true"]');
  return { page, context, problems, response };
}

/** What the package itself says about a request, from the page's own module instance. */
function packageIssues(page, request) {
  return page.evaluate(async (req) => {
    const pkg = await import('/pkg/index.js');
    return pkg.validateTransfer(req);
  }, request);
}

async function fieldState(page, name) {
  return page.evaluate((id) => {
    const input = document.getElementById(id);
    const error = document.getElementById(`${id}-error`);
    return {
      invalid: input.getAttribute('aria-invalid'),
      describedBy: input.getAttribute('aria-describedby'),
      errorVisible: !error.hidden && error.offsetParent !== null,
      error: error.textContent,
    };
  }, name);
}

async function expectFieldError(page, name, value, request) {
  await page.fill(`#${name}`, value);
  const state = await fieldState(page, name);
  const expected = (await packageIssues(page, { ...request, [name]: value }))
    .filter((issue) => issue.field === name)
    .map((issue) => issue.message);
  assert.ok(expected.length > 0, `the package should refuse ${name} ${JSON.stringify(value)}`);
  assert.equal(state.invalid, 'true', `${name}=${JSON.stringify(value)}: aria-invalid`);
  assert.ok(state.errorVisible, `${name}=${JSON.stringify(value)}: error shown`);
  assert.equal(state.error, expected.join(' '), `${name}=${JSON.stringify(value)}: the package's message`);
  assert.deepEqual(state.describedBy.split(' '), [`${name}-error`, `${name}-hint`]);
}

async function expectFieldValid(page, name, value) {
  await page.fill(`#${name}`, value);
  const state = await fieldState(page, name);
  assert.equal(state.invalid, null, `${name}=${JSON.stringify(value)} should be valid: ${state.error}`);
  assert.ok(!state.errorVisible);
  assert.equal(state.describedBy, `${name}-hint`);
}

async function outcome(page) {
  return page.evaluate(() => ({
    code: document.getElementById('outcome-code').textContent,
    message: document.getElementById('outcome-message').textContent,
    already: !document.getElementById('hint-already').hidden,
    unknown: !document.getElementById('hint-unknown').hidden,
    rawShown: !document.getElementById('raw').hidden,
    raw: document.getElementById('raw-text').textContent,
    rawChildren: document.getElementById('raw-text').childElementCount,
  }));
}

async function send(page, previousCode) {
  await page.click('#send');
  await page.waitForFunction(
    (before) => {
      const code = document.getElementById('outcome-code').textContent;
      return !document.getElementById('send').disabled && code !== '' && code !== before;
    },
    previousCode,
  );
  return outcome(page);
}

test('validates as you type, transfers a sandbox call once, and shows replies as text', LIMIT, async () => {
  const { page, context, problems, response } = await openPage({ width: 1280, height: 900 });
  try {
    // Under a strict CSP (the page's own <meta>, and the server's header), with
    // the wasm loaded: data-ready is set only after init() resolved.
    const policies = [
      await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'),
      response.headers()['content-security-policy'],
    ];
    for (const csp of policies) {
      assert.match(csp ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
    }
    assert.equal(await page.inputValue('#agentUser'), '1028');
    assert.equal(await page.inputValue('#token'), 'demo');
    assert.deepEqual(
      await page.$$eval('#ingroup-options option', (options) => options.map((o) => o.value)),
      ['SALESLINE', 'BILLING', 'DEFAULTINGROUP'],
    );

    // Live validation, messages from the package.
    const base = { agentUser: '1028', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' };
    for (const bad of ['SALES.LINE', 'SALESLINE ', 'A', 'SALESLINE,BILLING']) {
      await expectFieldError(page, 'ingroup', bad, base);
    }
    assert.match(await page.textContent('#preview'), /Not built yet: fix .*In-group/);
    await expectFieldValid(page, 'ingroup', 'SALESLINE');
    await expectFieldError(page, 'callId', 'Y0315201639000402027.', base);
    await expectFieldError(page, 'status', 'TOOLONGX', base);
    await expectFieldValid(page, 'status', '');
    await expectFieldError(page, 'agentUser', '', base);
    await expectFieldValid(page, 'agentUser', '1028');

    // A sandbox call fills the call ID; the preview is the package's.
    await page.fill('#callId', '');
    await page.click('#start-call');
    await page.waitForFunction(() => document.getElementById('callId').value !== '');
    const callId = await page.inputValue('#callId');
    assert.match(await page.textContent('#sandbox-status'), new RegExp(`Started call ${callId}`));
    assert.equal((await fieldState(page, 'callId')).invalid, null);
    const preview = await page.textContent('#preview');
    const expectedPreview = await page.evaluate(async (req) => {
      const pkg = await import('/pkg/index.js');
      return pkg.buildTransfer(req).preview;
    }, { ...base, callId });
    assert.ok(preview.includes(expectedPreview), preview);
    assert.ok(preview.includes('ingroup_choices=SALESLINE'), preview);
    assert.doesNotMatch(preview, /Bearer demo/);

    // A wrong proxy token: refused, not transferred. Chromium logs the 401 itself.
    assert.deepEqual(problems, []);
    await page.fill('#token', 'not-the-token');
    const refused = await send(page, '');
    assert.equal(refused.code, 'HTTP_ERROR', JSON.stringify(refused));
    assert.equal(refused.already, false);
    for (const problem of problems.splice(0)) {
      assert.match(problem, /status of 40[13]/);
    }
    await page.fill('#token', 'demo');

    // Keyboard: Enter in a field sends the form.
    await page.focus('#ingroup');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (before) => document.getElementById('outcome-code').textContent !== before
        && !document.getElementById('send').disabled,
      refused.code,
    );
    const first = await outcome(page);
    assert.equal(first.code, 'TRANSFERRED', JSON.stringify(first));
    assert.equal(first.already, false);
    assert.equal(first.unknown, false);
    assert.ok(first.rawShown);
    assert.match(first.raw, new RegExp(`SUCCESS: ra_call_control transfer - 1028\\|${callId}\\|`));
    await page.click('#raw summary');
    assert.equal(await page.getAttribute('#raw', 'open'), '');
    await page.screenshot({ path: await outputPath('demo-wide.png'), fullPage: true });

    // The same transfer again: the call is gone; the client knows it sent it.
    const second = await send(page, 'TRANSFERRED');
    assert.equal(second.code, 'NO_ACTIVE_CALL', JSON.stringify(second));
    assert.equal(second.already, true, 'the "likely already transferred" hint is shown');
    assert.ok(await page.isVisible('#hint-already'));
    assert.match(second.raw, new RegExp(`ERROR: no active call found - ${callId}`));
    await page.screenshot({ path: await outputPath('demo-wide-repeat.png'), fullPage: true });

    // A reply with markup (VICIdial echoes `stage` unescaped) stays text.
    const hostile = 'ERROR: stage is not valid - <b id="injected">X</b><img src=x id="injected-img">\n';
    await page.route('**/agc/api.php', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostile }));
    const third = await send(page, 'NO_ACTIVE_CALL');
    await page.unroute('**/agc/api.php');
    assert.equal(third.code, 'STAGE_NOT_VALID', JSON.stringify(third));
    assert.ok(third.raw.includes('<b id="injected">X</b>'), third.raw);
    assert.equal(third.rawChildren, 0);
    assert.equal(await page.locator('#injected, #injected-img').count(), 0);

    assert.deepEqual(problems, []);
    assert.deepEqual(await page.evaluate(() => window.cspViolations ?? []), []);
    // The policy is enforced: an injected inline script does not run (logged, so this comes last).
    const inlineRan = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.head.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return window.inlineRan === true;
    });
    assert.equal(inlineRan, false, 'an inline script ran: the CSP is not in force');
    assert.match((await page.evaluate(() => window.cspViolations ?? [])).join(), /script-src/);
  } finally {
    await context.close();
  }
});

test('fits a 360 px screen and shows field errors there', LIMIT, async () => {
  const { page, context, problems } = await openPage({ width: 360, height: 780 });
  try {
    await page.fill('#ingroup', 'SALES.LINE');
    await page.fill('#callId', 'Y0315201639000402027.');
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    assert.ok(widths.document <= widths.viewport, `no horizontal scrolling: ${JSON.stringify(widths)}`);
    assert.ok(await page.isVisible('#ingroup-error'));
    assert.ok(await page.isVisible('#callId-error'));
    await page.screenshot({ path: await outputPath('demo-narrow-errors.png'), fullPage: true });

    await page.fill('#callId', '');
    await page.click('#start-call');
    await page.waitForFunction(() => document.getElementById('callId').value !== '');
    await page.fill('#ingroup', 'BILLING');
    const result = await send(page, '');
    assert.equal(result.code, 'TRANSFERRED', JSON.stringify(result));
    await page.click('#raw summary');
    const after = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(after <= 360, `no horizontal scrolling after the outcome: ${after}`);
    await page.screenshot({ path: await outputPath('demo-narrow.png'), fullPage: true });

    // The usage code is copyable (or selected for Ctrl+C where the clipboard is refused).
    await page.click('#copy-code');
    await page.waitForFunction(() => document.getElementById('copy-status').textContent !== '');
    assert.match(await page.textContent('#copy-status'), /^(Copied\.|Selected: press Ctrl\+C to copy\.)$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
