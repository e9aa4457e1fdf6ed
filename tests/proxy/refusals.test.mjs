// Every refusal of the proxy, over real HTTP to a real workerd. None of
// these requests may reach the upstream: the test upstream's request
// counters (api.php and non_agent_api.php) must not move.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  API_PASS,
  assertNoSecrets,
  assertRefusal,
  post,
  proxyBindings,
  startStack,
  transferBody,
} from './harness.mjs';
import { startUpstream } from './upstream.mjs';

const TOKEN = 'Tok-Alpha-7c1f';
const OTHER_TOKEN = 'Tok-Beta-93ab';
let stack;
let up;
let main;
const replies = [];

function upstreamRequests() {
  return up.count('/agc/api.php') + up.count('/vicidial/non_agent_api.php');
}

async function send(url, body, opts) {
  const r = await post(url, body, opts);
  replies.push(r);
  return r;
}

before(async () => {
  up = await startUpstream();
  const u = up.apiUrl;
  stack = await startStack({
    main: proxyBindings(u, {
      PROXY_TOKEN: `${TOKEN},${OTHER_TOKEN}`,
      TOKEN_AGENTS: `${TOKEN}:1028, ${OTHER_TOKEN}:2000|2001`,
    }),
    limited: proxyBindings(u, { RATE_LIMIT: '0.2', RATE_BURST: '3', PROXY_TOKEN: `${TOKEN},${OTHER_TOKEN}`, TOKEN_AGENTS: `${TOKEN}:1028,${OTHER_TOKEN}:*`, ALLOW_ANY_AGENT_TOKENS: 'yes' }),
    brute: proxyBindings(u),
    misconfigured: proxyBindings(u, { TOKEN_AGENTS: null }),
  });
  main = stack.url('main');
});

after(async () => {
  await stack?.stop();
  await up?.close();
});

test('missing bearer token: 401 TOKEN_MISSING', async () => {
  const r = await send(main, transferBody(), { token: null });
  assertRefusal(r, 401, 'TOKEN_MISSING');
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  const basic = await send(main, transferBody(), { token: null, headers: { Authorization: 'Basic ZGVtbzpkZW1v' } });
  assertRefusal(basic, 401, 'TOKEN_MISSING');
});

test('wrong bearer token: 401 TOKEN_INVALID, and the token is not echoed', async () => {
  for (const wrong of ['Tok-Alpha-7c1', 'Tok-Alpha-7c1f0', 'tok-alpha-7c1f', 'Zq9-nope']) {
    const r = await send(main, transferBody(), { token: wrong });
    assertRefusal(r, 401, 'TOKEN_INVALID');
    assert.equal(r.text, 'ERROR: proxy TOKEN_INVALID - missing or wrong bearer token\n');
    assertNoSecrets(r, [wrong, TOKEN]);
  }
});

test('foreign origin: 403 ORIGIN_NOT_ALLOWED without CORS headers', async () => {
  const r = await send(main, transferBody(), { headers: { Origin: 'https://evil.example.net' } });
  assertRefusal(r, 403, 'ORIGIN_NOT_ALLOWED');
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});

test('origin substring tricks are refused (exact match only)', async () => {
  for (const origin of [
    'https://crm.example.com.evil.net',
    'https://evil-crm.example.com',
    'https://crm.example.co',
    'http://crm.example.com',
    'https://CRM.example.com',
    'https://crm.example.com:443',
    'https://crm.example.com/',
    'null',
  ]) {
    const r = await send(main, transferBody(), { headers: { Origin: origin } });
    assertRefusal(r, 403, 'ORIGIN_NOT_ALLOWED');
    assert.equal(r.headers.get('access-control-allow-origin'), null, origin);
  }
});

test('an allowed origin gets its exact origin back, and Vary: Origin', async () => {
  const r = await send(main, 'function=version', { headers: { Origin: 'https://crm.example.com' } });
  assertRefusal(r, 403, 'FUNCTION_NOT_ALLOWED');
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  assert.equal(r.headers.get('vary'), 'Origin');
  assert.match(r.headers.get('access-control-expose-headers'), /X-Proxy-Error/);
});

test('CORS preflight for an allowed origin', async () => {
  const res = await fetch(main, {
    method: 'OPTIONS',
    headers: {
      Origin: 'https://crm.example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://crm.example.com');
  assert.equal(res.headers.get('access-control-allow-methods'), 'POST, GET, OPTIONS');
  assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type');
  assert.equal(res.headers.get('vary'), 'Origin');
  assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
  assert.equal(await res.text(), '');
});

test('CORS preflight for a foreign or look-alike origin is refused', async () => {
  for (const origin of ['https://crm.example.com.evil.net', 'https://evil.example.net']) {
    const res = await fetch(main, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-allow-methods'), null);
    assert.match(await res.text(), /^ERROR: proxy ORIGIN_NOT_ALLOWED - /);
  }
});

test('another function: 403 FUNCTION_NOT_ALLOWED', async () => {
  for (const body of [
    'function=version',
    'function=external_status&value=Y0315201639000402027&agent_user=1028',
    transferBody().replace('function=ra_call_control', 'function=ra_call_controlX'),
    transferBody().replace('function=ra_call_control&', ''),
  ]) {
    assertRefusal(await send(main, body), 403, 'FUNCTION_NOT_ALLOWED');
  }
});

test('another stage: 403 STAGE_NOT_ALLOWED', async () => {
  for (const stage of ['HANGUP', 'EXTENSIONTRANSFER', 'ingrouptransfer', 'INGROUPTRANSFER%20']) {
    const r = await send(main, transferBody().replace('stage=INGROUPTRANSFER', `stage=${stage}`));
    assertRefusal(r, 403, 'STAGE_NOT_ALLOWED');
  }
});

test('credentials in the request: 403 CREDENTIALS_NOT_ALLOWED', async () => {
  for (const extra of ['&user=6666&pass=1234', '&pass=1234', '&user=6666', '&source=crm', '&source=x', '&pass=a%2Bb&user=6666']) {
    const r = await send(main, transferBody({ extra }));
    assertRefusal(r, 403, 'CREDENTIALS_NOT_ALLOWED');
    assertNoSecrets(r, [API_PASS]);
  }
});

test('unknown parameters, e.g. an upstream URL: 400 UNKNOWN_PARAMETER', async () => {
  for (const [extra, name] of [
    ['&upstream=http%3A%2F%2Fevil.example.net%2Fagc%2Fapi.php', 'upstream'],
    ['&url=http://127.0.0.1:1/', 'url'],
    ['&format=debug', 'format'],
    ['&ingroup_choices%5B%5D=BILLING', 'ingroup_choices[]'],
    ['&agent.user=1029', 'agent.user'],
  ]) {
    const r = await send(main, transferBody({ extra }));
    assertRefusal(r, 400, 'UNKNOWN_PARAMETER');
    assert.ok(r.text.includes(name), r.text);
  }
});

test('invalid fields: 400 INVALID_REQUEST naming field and code', async () => {
  // A parameter of another stage (phone_number is EXTENSIONTRANSFER's).
  const other = await send(main, transferBody({ extra: '&phone_number=7275551212' }));
  assertRefusal(other, 400, 'INVALID_REQUEST');
  assert.match(other.text, /phoneNumber:NOT_USED_BY_STAGE/);
  let r = await send(main, transferBody({ ingroup: 'SALESLINE,BILLING' }));
  assertRefusal(r, 400, 'INVALID_REQUEST');
  assert.match(r.text, /ingroup:INVALID_CHARACTER|ingroup:LIST_NOT_ALLOWED/);
  r = await send(main, 'function=ra_call_control&stage=INGROUPTRANSFER&agent_user=10%2028&ingroup_choices=SALESLINE');
  assertRefusal(r, 400, 'INVALID_REQUEST');
  assert.match(r.text, /agentUser:INVALID_CHARACTER/);
  assert.match(r.text, /callId:MISSING/);
  r = await send(main, transferBody({ extra: '&agent_user=1028' }));
  assertRefusal(r, 400, 'INVALID_REQUEST');
  assert.match(r.text, /agentUser:DUPLICATE_PARAMETER/);
  r = await send(main, transferBody({ extra: '&status=TOOLONGX' }));
  assertRefusal(r, 400, 'INVALID_REQUEST');
  assert.match(r.text, /status:TOO_LONG/);
});

test('oversized body: 413 BODY_TOO_LARGE (declared, and actually read)', async () => {
  const big = transferBody({ extra: `&status=${'A'.repeat(3000)}` });
  const r = await send(main, big);
  assertRefusal(r, 413, 'BODY_TOO_LARGE');
  // Chunked upload without Content-Length: the bytes read are counted.
  const chunks = [new TextEncoder().encode(transferBody()), new TextEncoder().encode(`&status=${'B'.repeat(4000)}`)];
  const stream = new ReadableStream({
    pull(c) {
      const next = chunks.shift();
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  const res = await fetch(main, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: stream,
    duplex: 'half',
  });
  const chunked = { status: res.status, headers: res.headers, text: await res.text() };
  assertRefusal(chunked, 413, 'BODY_TOO_LARGE');
  // A long query string too.
  const q = await send(`${main}?${transferBody({ extra: `&x=${'C'.repeat(3000)}` })}`, undefined, { method: 'GET' });
  assertRefusal(q, 413, 'BODY_TOO_LARGE');
});

test('not a form body: 415 UNSUPPORTED_MEDIA_TYPE', async () => {
  const r = await send(main, transferBody(), { headers: { 'Content-Type': 'multipart/form-data; boundary=x' } });
  assertRefusal(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
});

test('agent not bound to the token: 403 AGENT_NOT_ALLOWED', async () => {
  let r = await send(main, transferBody({ agent: '1029' }));
  assertRefusal(r, 403, 'AGENT_NOT_ALLOWED');
  r = await send(main, transferBody({ agent: '1028' }), { token: OTHER_TOKEN });
  assertRefusal(r, 403, 'AGENT_NOT_ALLOWED');
  r = await send(`${main}?${transferBody({ agent: '2002' })}`, undefined, { token: OTHER_TOKEN, method: 'GET' });
  assertRefusal(r, 403, 'AGENT_NOT_ALLOWED');
});

test('other paths and methods', async () => {
  const base = main.replace('/agc/api.php', '');
  assertRefusal(await send(`${base}/agc/api.php/x`, transferBody()), 404, 'NOT_FOUND');
  assertRefusal(await send(`${base}/`, transferBody(), { method: 'GET' }), 404, 'NOT_FOUND');
  const put = await send(main, transferBody(), { method: 'PUT' });
  assertRefusal(put, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(put.headers.get('allow'), 'POST, GET, OPTIONS');
});

test('rate limit: a burst past the bucket gets 429 + Retry-After; per token', async () => {
  const url = stack.url('limited');
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await send(url, 'function=version')).status);
  assert.deepEqual(statuses, [403, 403, 403]);
  const r = await send(url, transferBody());
  assertRefusal(r, 429, 'RATE_LIMITED');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 5, `Retry-After ${retry}`);
  // Another token has its own bucket.
  const other = await send(url, 'function=version', { token: OTHER_TOKEN });
  assertRefusal(other, 403, 'FUNCTION_NOT_ALLOWED');
});

test('failed token checks are rate limited too, the right token still passes', async () => {
  const url = stack.url('brute');
  let limited = null;
  for (let i = 0; i < 40 && !limited; i++) {
    const r = await post(url, transferBody(), { token: `guess${i}` });
    if (r.status === 429) limited = r;
    else assertRefusal(r, 401, 'TOKEN_INVALID');
  }
  assert.ok(limited, 'no 429 after 40 wrong tokens');
  assertRefusal(limited, 429, 'RATE_LIMITED');
  const ok = await post(url, 'function=version');
  assertRefusal(ok, 403, 'FUNCTION_NOT_ALLOWED');
});

test('a misconfigured proxy refuses everything with 500 MISCONFIGURED, naming no value', async () => {
  const r = await send(stack.url('misconfigured'), transferBody());
  assertRefusal(r, 500, 'MISCONFIGURED');
  assert.match(r.text, /TOKEN_AGENTS/);
  assertNoSecrets(r, [TOKEN, API_PASS]);
});

test('no refusal reached the upstream, and none carried a secret', async () => {
  assert.equal(upstreamRequests(), 0);
  assert.ok(replies.length > 30);
  for (const r of replies) assertNoSecrets(r, [API_PASS, TOKEN, OTHER_TOKEN]);
});
