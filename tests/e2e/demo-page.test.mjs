// The demo page in Chromium, against the real stack (page, proxy, sandbox
// VICIdial in one workerd): each stage, the current-call flow, the refusal
// headlines, the outdated-outcome rule, the 360 px layout, the words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, managerCommandsFor, outputPath, sandboxCall, sandboxCalls, sandboxEndCall, startStack } from './helpers.mjs';

const TIMEOUT = 15_000;
const LIMIT = { timeout: 90_000 };
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
async function openPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx response itself; refusals are expected here.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of (4\d\d|5\d\d)/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
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

/** What the package itself says, from the page's own module instance. */
function packageIssues(page, request, serverVersion = '') {
  return page.evaluate(async ({ req, version }) => {
    const pkg = await import('/pkg/index.js');
    return pkg.validateCallControl(req, version === '' ? {} : { serverVersion: version });
  }, { req: request, version: serverVersion });
}

async function fieldState(page, name) {
  return page.evaluate((id) => {
    const input = document.getElementById(id);
    const error = document.getElementById(`${id}-error`);
    return {
      invalid: input.getAttribute('aria-invalid'),
      errorVisible: !error.hidden && error.offsetParent !== null,
      error: error.textContent,
    };
  }, name);
}

async function outcome(page) {
  return page.evaluate(() => ({
    code: document.getElementById('outcome-code').textContent,
    headline: document.getElementById('outcome-headline').textContent,
    message: document.getElementById('outcome-message').textContent,
    proxyCode: document.getElementById('outcome').dataset.proxyCode ?? null,
    stale: !document.getElementById('outcome-stale').hidden,
    staleText: document.getElementById('outcome-stale').textContent,
    already: !document.getElementById('hint-already').hidden,
    unknown: !document.getElementById('hint-unknown').hidden,
    replayed: !document.getElementById('hint-replayed').hidden,
    rawShown: !document.getElementById('raw').hidden,
    raw: document.getElementById('raw-text').textContent,
    rawChildren: document.getElementById('raw-text').childElementCount,
  }));
}

/** Clicks Send and waits for the next outcome (the page counts what it rendered in data-renders). */
async function send(page) {
  const before = Number(await page.getAttribute('#outcome', 'data-renders') ?? 0);
  await page.click('#send');
  await page.waitForFunction((n) => Number(document.getElementById('outcome').dataset.renders ?? 0) > n, before);
  return outcome(page);
}

/** "Start a sandbox call", then "Use my current call": the call ID fills itself. */
async function startAndUseCurrentCall(page) {
  await page.fill('#callId', '');
  await page.click('#start-call');
  await page.waitForFunction(() => document.getElementById('call-status').dataset.callId);
  const started = await page.evaluate(() => document.getElementById('call-status').dataset.callId);
  await page.click('#current-call');
  await page.waitForFunction((id) => document.getElementById('callId').value === id, started);
  assert.match(await page.textContent('#call-status'), new RegExp(`Agent user 1028 is on call ${started}`));
  const call = (await sandboxCalls(stack.url)).find((c) => c.callId === started);
  assert.ok(call, `the sandbox has call ${started}`);
  return call;
}

async function chooseStage(page, stage) {
  await page.check(`input[name="stage"][value="${stage}"]`);
}

test('INGROUPTRANSFER through the page: sandbox call, current call, transfer; a repeat is replayed, another action is "already moved"', LIMIT, async () => {
  const { page, context, problems, response } = await openPage();
  try {
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
    assert.equal(await page.isVisible('#ingroup'), true);
    assert.equal(await page.isVisible('#phoneNumber'), false);

    const call = await startAndUseCurrentCall(page);
    await page.fill('#ingroup', 'SALESLINE');
    const preview = await page.textContent('#preview');
    const expected = await page.evaluate(async (req) => (await import('/pkg/index.js')).buildCallControl(req).preview,
      { stage: 'INGROUPTRANSFER', agentUser: '1028', callId: call.callId, ingroup: 'SALESLINE' });
    assert.ok(preview.includes(expected), preview);
    assert.match(preview, /stage=INGROUPTRANSFER/);
    assert.doesNotMatch(preview, /Bearer demo/);

    const first = await send(page);
    assert.equal(first.code, 'TRANSFERRED', JSON.stringify(first));
    assert.equal(first.headline, 'Transferred to in-group SALESLINE');
    assert.equal(first.stale, false);
    assert.match(first.raw, new RegExp(`^SUCCESS: ra_call_control transfer - 1028\\|${call.callId}\\|`));
    // What the sandbox VICIdial did: a Redirect of that call's channel into the in-group.
    const commands = await managerCommandsFor(stack.url, call.channel);
    assert.equal(commands.length, 1, JSON.stringify(commands));
    assert.match(JSON.stringify(commands[0]), new RegExp(`90009\\*SALESLINE\\*\\*${call.leadId}\\*\\*`));
    await page.click('#raw summary');
    await page.screenshot({ path: await outputPath('demo-ingroup.png'), fullPage: true });

    // The same request again: the proxy answers what it answered the first time, sends nothing.
    const replay = await send(page);
    assert.equal(replay.code, 'TRANSFERRED', JSON.stringify(replay));
    assert.equal(replay.replayed, true, 'the page says the answer came from the proxy\'s memory');
    assert.equal(first.replayed, false);
    assert.equal((await managerCommandsFor(stack.url, call.channel)).length, 1, 'nothing sent twice');

    // Another action on the moved call: the proxy says it already moved it.
    await page.fill('#ingroup', 'BILLING');
    const second = await send(page);
    assert.equal(second.proxyCode, 'ALREADY_ACTED', JSON.stringify(second));
    assert.match(second.headline, /^Already moved: the proxy already acted on call /);
    assert.doesNotMatch(second.headline, /HTTP/);
    assert.ok(second.message.length > 0, 'the proxy\'s detail is shown');
    assert.equal((await managerCommandsFor(stack.url, call.channel)).length, 1, 'nothing sent twice');
    await page.screenshot({ path: await outputPath('demo-already-moved.png'), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(await page.evaluate(() => window.cspViolations ?? []), []);
  } finally {
    await context.close();
  }
});

test('EXTENSIONTRANSFER through the page: the phone number field replaces the in-group', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    await chooseStage(page, 'EXTENSIONTRANSFER');
    assert.equal(await page.isVisible('#ingroup'), false);
    assert.equal(await page.isVisible('#phoneNumber'), true);
    assert.equal(await page.textContent('#send'), 'Transfer through the proxy');
    const call = await startAndUseCurrentCall(page);
    await page.fill('#phoneNumber', '8300');
    const preview = await page.textContent('#preview');
    assert.match(preview, /stage=EXTENSIONTRANSFER/);
    assert.match(preview, /phone_number=8300/);
    assert.doesNotMatch(preview, /ingroup_choices/);

    const result = await send(page);
    assert.equal(result.code, 'TRANSFERRED', JSON.stringify(result));
    assert.equal(result.headline, 'Transferred to phone number 8300');
    assert.match(result.raw, new RegExp(`^SUCCESS: ra_call_control transfer - 1028\\|${call.callId}\\|8300`));
    const commands = await managerCommandsFor(stack.url, call.channel);
    assert.equal(commands.length, 1, JSON.stringify(commands));
    assert.match(JSON.stringify(commands[0]), /Exten: 8300/);
    await page.screenshot({ path: await outputPath('demo-extension.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('HANGUP through the page: only the call is sent', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    await chooseStage(page, 'HANGUP');
    assert.equal(await page.isVisible('#ingroup'), false);
    assert.equal(await page.isVisible('#phoneNumber'), false);
    assert.equal(await page.textContent('#send'), 'Hang up through the proxy');
    const call = await startAndUseCurrentCall(page);
    const preview = await page.textContent('#preview');
    assert.match(preview, /stage=HANGUP/);
    assert.doesNotMatch(preview, /ingroup_choices|phone_number/);

    const result = await send(page);
    assert.equal(result.code, 'HUNGUP', JSON.stringify(result));
    assert.equal(result.headline, 'Hung up');
    assert.match(result.raw, new RegExp(`^SUCCESS: ra_call_control hungup - 1028\\|${call.callId}\\|HANGUP`));
    const commands = await managerCommandsFor(stack.url, call.channel);
    assert.equal(commands.length, 1, JSON.stringify(commands));
    assert.match(JSON.stringify(commands[0]), /Hangup/);
    // The agent is READY now: "Use my current call" says there is none and keeps the field.
    await page.click('#current-call');
    await page.waitForFunction(() => /has no call right now/.test(document.getElementById('call-status').textContent));
    assert.match(await page.textContent('#call-status'), /^Agent user 1028 has no call right now \(status READY\)\.$/);
    assert.equal(await page.inputValue('#callId'), call.callId);
    await page.screenshot({ path: await outputPath('demo-hangup.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('refusal headlines name the proxy\'s reason, never a bare HTTP error', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    const call = await startAndUseCurrentCall(page);
    await page.fill('#ingroup', 'BILLING');

    // Wrong token (the real proxy), for Send and for "Use my current call".
    await page.fill('#token', 'not-the-token');
    const wrong = await send(page);
    assert.equal(wrong.proxyCode, 'TOKEN_INVALID', JSON.stringify(wrong));
    assert.equal(wrong.headline, 'Wrong proxy token: the proxy refused it');
    await page.click('#current-call');
    await page.waitForFunction(() => /Wrong proxy token/.test(document.getElementById('call-status').textContent));
    await page.screenshot({ path: await outputPath('demo-refused-token.png'), fullPage: true });
    await page.fill('#token', 'demo');

    // Not this agent's call (the real proxy): a call of agent 1029, sent as agent 1028's.
    const other = await sandboxCall(stack.url, '1029');
    await page.fill('#callId', other.callId);
    const notMine = await send(page);
    assert.equal(notMine.proxyCode, 'NOT_AGENTS_CALL', JSON.stringify(notMine));
    assert.equal(notMine.headline, `Not this agent's call: call ${other.callId} is not agent user 1028's current call`);
    assert.equal((await managerCommandsFor(stack.url, other.channel)).length, 0, 'nothing reached VICIdial');

    // Still ringing, then ended (the real proxy asks the sandbox's agent_status).
    const ringing = await sandboxCall(stack.url, '1028', { state: 'QUEUE' });
    await page.click('#current-call');
    await page.waitForFunction((id) => document.getElementById('callId').value === id, ringing.callId);
    assert.match(await page.textContent('#call-status'), /it cannot be moved right now\.$/);
    const rings = await send(page);
    assert.equal(rings.proxyCode, 'CALL_RINGING', JSON.stringify(rings));
    assert.equal(rings.headline, `Call ${ringing.callId} is still ringing: answer it first, then try again in 2 seconds`); // Retry-After: 2
    const ended = await sandboxCall(stack.url, '1028');
    await sandboxEndCall(stack.url, ended.callId);
    await page.fill('#callId', ended.callId);
    const gone = await send(page);
    assert.equal(gone.proxyCode, 'CALL_ENDED', JSON.stringify(gone));
    assert.equal(gone.headline, `Call ${ended.callId} has ended`);
    for (const c of [ringing, ended]) assert.equal((await managerCommandsFor(stack.url, c.channel)).length, 0);

    // In progress: the proxy's answer while another request for the call runs (its wire format, from the contract).
    await page.fill('#callId', call.callId);
    await page.route('**/agc/api.php', (route) => route.fulfill({
      status: 409,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Proxy-Error': 'TRANSFER_IN_PROGRESS' },
      body: `ERROR: proxy TRANSFER_IN_PROGRESS - a request for call ${call.callId} is still running\n`,
    }));
    const busy = await send(page);
    await page.unroute('**/agc/api.php');
    assert.equal(busy.proxyCode, 'TRANSFER_IN_PROGRESS', JSON.stringify(busy));
    assert.equal(busy.headline, `In progress: another request for call ${call.callId} is still running`);
    assert.match(busy.message, /still running/);

    // Rate limited (the real proxy): empty the token's bucket, then Send in the same
    // task. The bucket refills one request per 200 ms, so on a loaded machine the
    // page's request can still find a token: then empty the bucket and Send again.
    let retryAfter = null;
    let limited = null;
    for (let attempt = 0; attempt < 5 && limited?.proxyCode !== 'RATE_LIMITED'; attempt++) {
      const rendered = Number(await page.getAttribute('#outcome', 'data-renders'));
      retryAfter = await page.evaluate(async () => {
        for (let i = 0; i < 60; i++) {
          const r = await fetch('/agc/api.php', { method: 'POST', headers: { Authorization: 'Bearer demo' } });
          if (r.status === 429) {
            document.getElementById('send').click();
            return r.headers.get('Retry-After');
          }
        }
        return null;
      });
      assert.ok(retryAfter, 'the demo proxy rate-limits');
      await page.waitForFunction((n) => Number(document.getElementById('outcome').dataset.renders) > n, rendered);
      limited = await outcome(page);
    }
    assert.equal(limited.proxyCode, 'RATE_LIMITED', JSON.stringify(limited));
    assert.match(limited.headline, /^Rate limited: wait (1 second|\d+ seconds) before sending again$/);
    const waited = Number(/wait (\d+)/.exec(limited.headline)[1]);
    assert.ok(waited >= 1 && waited <= Number(retryAfter), `${waited} vs Retry-After ${retryAfter}`);
    await page.screenshot({ path: await outputPath('demo-rate-limited.png'), fullPage: true });

    for (const shown of [wrong, notMine, rings, gone, busy, limited]) {
      assert.doesNotMatch(shown.headline, /HTTP( error)? \d/);
      assert.match(shown.code, /^PROXY_REFUSED/);
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    // Let the bucket refill for the tests after this one (RATE_LIMIT 5/s, burst 20).
    await new Promise((resolve) => setTimeout(resolve, 4500));
  }
});

test('every refusal code the proxy documents has its own headline, never a bare HTTP error', LIMIT, async () => {
  // The codes and statuses of proxy/README.md's table, in the proxy's wire format.
  const table = readFileSync(join(ROOT, 'proxy', 'README.md'), 'utf8');
  const codes = [];
  for (const m of table.matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)? \| (\d{3}) \|/gm)) {
    codes.push([m[1], Number(m[3])]);
    if (m[2]) codes.push([m[2], Number(m[3])]);
  }
  assert.ok(codes.length >= 25, `codes read from proxy/README.md: ${codes.map(([c]) => c)}`);
  for (const needed of ['TOKEN_INVALID', 'RATE_LIMITED', 'NOT_AGENTS_CALL', 'ALREADY_ACTED', 'TRANSFER_IN_PROGRESS']) {
    assert.ok(codes.some(([c]) => c === needed), needed);
  }
  const { page, context, problems } = await openPage();
  try {
    await page.fill('#callId', 'Y0315201639000402027');
    await page.fill('#ingroup', 'SALESLINE');
    let current;
    await page.route('**/agc/api.php', (route) => route.fulfill({
      status: current[1],
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Proxy-Error': current[0],
        ...(current[0] === 'RATE_LIMITED' ? { 'Retry-After': '3' } : {}),
      },
      body: `ERROR: proxy ${current[0]} - the detail for ${current[0]}\n`,
    }));
    const generic = [];
    for (const code of codes) {
      current = code;
      const shown = await send(page);
      assert.equal(shown.proxyCode, code[0], JSON.stringify(shown));
      assert.doesNotMatch(shown.headline, /HTTP( error)? \d/, code[0]);
      if (/^The proxy refused the request \(/.test(shown.headline)) generic.push(code[0]);
      assert.equal(shown.message, `The detail for ${code[0]}`, 'the proxy\'s own detail is shown');
    }
    assert.deepEqual(generic, [], 'codes without their own headline');
    await page.unroute('**/agc/api.php');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an outcome is marked outdated as soon as the form differs from what was sent', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    await startAndUseCurrentCall(page);
    await page.fill('#ingroup', 'BOGUSGROUP');
    const sent = await send(page);
    assert.equal(sent.code, 'INGROUP_NOT_VALID', JSON.stringify(sent));
    assert.equal(sent.stale, false);
    assert.equal(await page.getAttribute('#outcome', 'data-stale'), 'false');

    await page.fill('#ingroup', 'SALESLINE');
    let now = await outcome(page);
    assert.equal(now.stale, true, 'changing the in-group marks it');
    assert.match(now.staleText, /^Outdated: this outcome is for the earlier request \(INGROUPTRANSFER to BOGUSGROUP, call /);
    assert.equal(await page.getAttribute('#outcome', 'data-stale'), 'true');
    await page.screenshot({ path: await outputPath('demo-outdated.png'), fullPage: true });

    await page.fill('#ingroup', 'BOGUSGROUP');
    assert.equal((await outcome(page)).stale, false, 'back to what was sent');
    await page.selectOption('#serverVersion', '2.14-82');
    assert.equal((await outcome(page)).stale, true, 'a different server version');
    await page.selectOption('#serverVersion', '');
    assert.equal((await outcome(page)).stale, false);
    await chooseStage(page, 'HANGUP');
    assert.equal((await outcome(page)).stale, true, 'a different stage');
    await chooseStage(page, 'INGROUPTRANSFER');
    await page.fill('#token', 'other');
    assert.equal((await outcome(page)).stale, true, 'a different token');
    await page.fill('#token', 'demo');
    await page.fill('#status', 'XFER');
    assert.equal((await outcome(page)).stale, true, 'a status');

    await page.fill('#ingroup', 'SALESLINE');
    now = await send(page);
    assert.equal(now.code, 'TRANSFERRED', JSON.stringify(now));
    assert.equal(now.stale, false, 'a new Send shows a current outcome');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('on a 360 px screen the result is in view after Send, with no sideways scrolling', LIMIT, async () => {
  const { page, context, problems } = await openPage({ width: 360, height: 740 });
  try {
    await page.fill('#ingroup', 'SALES.LINE');
    assert.ok(await page.isVisible('#ingroup-error'));
    const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    assert.ok(widths.document <= widths.viewport, `no horizontal scrolling: ${JSON.stringify(widths)}`);
    await page.screenshot({ path: await outputPath('demo-narrow-errors.png'), fullPage: true });

    await startAndUseCurrentCall(page);
    await page.fill('#ingroup', 'BILLING');
    // Send from the button, as a thumb would (the page is scrolled to it).
    const result = await send(page);
    assert.equal(result.code, 'TRANSFERRED', JSON.stringify(result));
    const box = await page.evaluate(() => {
      const rect = (id) => {
        const r = document.getElementById(id).getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      };
      return { headline: rect('outcome-headline'), code: rect('outcome-code'), height: window.innerHeight };
    });
    for (const part of ['headline', 'code']) {
      assert.ok(box[part].top >= 0 && box[part].bottom <= box.height, `${part} in view: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: await outputPath('demo-narrow-result.png') });
    const after = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(after <= 360, `no horizontal scrolling after the outcome: ${after}`);

    await page.click('#copy-code');
    await page.waitForFunction(() => document.getElementById('copy-status').textContent !== '');
    assert.match(await page.textContent('#copy-status'), /^(Copied\.|Selected: press Ctrl\+C to copy\.)$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the server version changes validation; messages use the labels\' words', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    const versions = await page.$$eval('#serverVersion option', (options) => options.map((o) => [o.value, o.textContent]));
    assert.deepEqual(versions.map(([value]) => value), ['', '2.14-82', '2.14-75', '2.14-72', '2.14-56']);
    assert.equal(versions[0][1], 'unknown (safe for all)');

    const base = { stage: 'INGROUPTRANSFER', agentUser: 'ra_1', callId: 'Y0315201639000402027', ingroup: 'SALESLINE' };
    await page.fill('#callId', base.callId);
    await page.fill('#ingroup', base.ingroup);
    await page.fill('#agentUser', base.agentUser);

    // Each version chip says what the package says for that version.
    const chips = async () => page.$$eval('#versions li', (items) => items.map((li) => [li.dataset.version, li.dataset.valid === 'true']));
    const checkChips = async (request) => {
      const shown = await chips();
      for (const [version, valid] of shown) {
        assert.equal(valid, (await packageIssues(page, request, version)).length === 0, `${version}: ${JSON.stringify(request)}`);
      }
      return Object.fromEntries(shown);
    };
    let shown = await checkChips(base);
    // versions.md: agent_user keeps - and _ from 2.14-75 on; unknown allows only what every version keeps.
    assert.equal(shown[''], false);
    assert.equal(shown['2.14-82'], true);
    assert.equal(shown['2.14-75'], true);
    assert.equal(shown['2.14-72'], false);

    let state = await fieldState(page, 'agentUser');
    assert.equal(state.invalid, 'true');
    assert.match(state.error, /^Agent user /);
    assert.equal(state.error, (await packageIssues(page, base)).filter((i) => i.field === 'agentUser').map((i) => i.message).join(' '));
    await page.screenshot({ path: await outputPath('demo-version-unknown.png'), fullPage: true });
    await page.selectOption('#serverVersion', '2.14-75');
    state = await fieldState(page, 'agentUser');
    assert.equal(state.invalid, null, state.error);
    assert.match(await page.textContent('#preview'), /agent_user=ra_1/);
    await page.selectOption('#serverVersion', '2.14-72');
    assert.equal((await fieldState(page, 'agentUser')).invalid, 'true');

    // phone_number keeps letters only on 2.14-82.
    await page.fill('#agentUser', '1028');
    await chooseStage(page, 'EXTENSIONTRANSFER');
    await page.fill('#phoneNumber', 'AGENT1028');
    shown = await checkChips({ ...base, stage: 'EXTENSIONTRANSFER', agentUser: '1028', phoneNumber: 'AGENT1028', ingroup: undefined });
    assert.equal(shown['2.14-82'], true);
    assert.equal(shown['2.14-75'], false);
    state = await fieldState(page, 'phoneNumber');
    assert.match(state.error, /^Phone number /);

    // No JavaScript key in what a person reads (code samples aside).
    await page.fill('#callId', '');
    await page.fill('#agentUser', '');
    const prose = await page.evaluate(() => {
      const clone = document.body.cloneNode(true);
      for (const node of clone.querySelectorAll('pre, code, script, [hidden]')) node.remove();
      return clone.textContent;
    });
    assert.doesNotMatch(prose, /\b(agentUser|callId|phoneNumber|ingroupChoices|agent_user|ingroup_choices|phone_number)\b/);
    assert.match(prose, /Agent user/);
    assert.match(await page.textContent('#preview'), /Not built yet: fix .*Agent user/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a reply with markup stays text, and the page\'s CSP is enforced', LIMIT, async () => {
  const { page, context, problems } = await openPage();
  try {
    await page.fill('#callId', 'Y0315201639000402027');
    await page.fill('#ingroup', 'SALESLINE');
    const hostile = 'ERROR: stage is not valid - <b id="injected">X</b><img src=x id="injected-img">\n';
    await page.route('**/agc/api.php', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostile }));
    const shown = await send(page);
    await page.unroute('**/agc/api.php');
    assert.equal(shown.code, 'STAGE_NOT_VALID', JSON.stringify(shown));
    assert.ok(shown.raw.includes('<b id="injected">X</b>'), shown.raw);
    assert.equal(shown.rawChildren, 0);
    assert.equal(await page.locator('#injected, #injected-img').count(), 0);
    assert.deepEqual(problems, []);
    assert.deepEqual(await page.evaluate(() => window.cspViolations ?? []), []);
    const inlineRan = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.head.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return window.inlineRan === true;
    });
    assert.equal(inlineRan, false, 'an inline script ran: the CSP is not in force');
  } finally {
    await context.close();
  }
});
