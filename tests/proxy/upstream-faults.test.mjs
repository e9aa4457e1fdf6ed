// Upstream faults against small Node servers on 127.0.0.1: each becomes one
// clear line and a 502/504, the proxy never retries (exactly one
// request at the fault server), and a repeat after an unknown outcome is
// refused with OUTCOME_UNKNOWN without reaching the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  API_PASS,
  assertNoSecrets,
  assertRefusal,
  post,
  proxyBindings,
  sleep,
  startFaultServer,
  startStack,
  transferBody,
} from './harness.mjs';

const TIMEOUT_MS = 700;
const SUCCESS = 'SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n';
const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
let faults;
let stack;
const held = new Set();

function hold(res) {
  held.add(res);
  res.on('close', () => held.delete(res));
}

const behaviours = {
  '/ok/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(SUCCESS);
  },
  // Never answers.
  '/hang/agc/api.php': (req, res) => hold(res),
  // Accepts the request, then resets the TCP connection.
  '/reset/agc/api.php': (req) => req.socket.resetAndDestroy(),
  '/html502/agc/api.php': (req, res) => {
    res.writeHead(502, { 'Content-Type': 'text/html' }).end(HTML_502);
  },
  // What a real server in strict SQL mode answers: the SUCCESS line, HTTP 500, nothing queued.
  '/success500/agc/api.php': (req, res) => {
    res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' }).end(SUCCESS);
  },
  // Headers and a piece of the line, then nothing.
  '/slowbody/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.write('SUCCESS: ra_call_control tr');
    hold(res);
  },
  // Reset in the middle of the body.
  '/resetbody/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.write('SUCCESS: ra_call_control tr');
    setTimeout(() => req.socket.resetAndDestroy(), 50);
  },
  // A redirect would resend the credentials: never followed.
  '/redirect/agc/api.php': (req, res) => {
    res.writeHead(307, { Location: '/ok/agc/api.php' }).end();
  },
  '/huge/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`${'Warning: x\n'.repeat(30000)}${SUCCESS}`);
  },
  // No Content-Length (chunked): the line in two pieces, 30 ms apart.
  '/chunked/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.write(SUCCESS.slice(0, 20));
    setTimeout(() => res.end(SUCCESS.slice(20)), 30);
  },
  // No Content-Length and over 256 KiB, in pieces.
  '/hugechunked/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    for (let i = 0; i < 30; i++) res.write('Warning: x\n'.repeat(1000));
    res.end(SUCCESS);
  },
  // Compressed, with the Content-Length of the compressed bytes (2 KB), inflating to over 256 KiB.
  '/gzipbomb/agc/api.php': (req, res) => {
    const body = gzipSync(`${'Warning: x\n'.repeat(30000)}${SUCCESS}`);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': body.length });
    res.end(body);
  },
  // An unrecognised 200 reply is relayed, redacted and cut.
  '/teapot/agc/api.php': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`Kaffee: pass=${API_PASS} ${'z'.repeat(2000)}`);
  },
};

const VARIANTS = ['ok', 'hang', 'reset', 'html502', 'success500', 'slowbody', 'resetbody', 'redirect', 'huge', 'teapot', 'chunked', 'hugechunked', 'gzipbomb'];
// The ownership check of every variant: agent 1028 is on the seeded call (recorded as_on_call_027).
const AGENT_STATUS = 'INCALL|Y0315201639000402027|1001|OUTCAMP|3|remote agent 1028|ADMIN|1|||7275551212||\n';
for (const v of VARIANTS) {
  behaviours[`/${v}/vicidial/non_agent_api.php`] = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(AGENT_STATUS);
  };
}

before(async () => {
  faults = await startFaultServer(behaviours);
  const proxies = {};
  for (const v of VARIANTS) {
    proxies[v] = proxyBindings(faults.url(`/${v}/agc/api.php`), { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
  }
  stack = await startStack(proxies);
});

after(async () => {
  for (const res of held) res.destroy();
  await stack?.stop();
  await faults?.close();
});

/** Sends one transfer through the proxy `variant`; checks the upstream saw exactly one request. */
async function through(variant) {
  const started = Date.now();
  const r = await post(stack.url(variant), transferBody());
  r.elapsed = Date.now() - started;
  await sleep(150); // a retry would arrive by now
  const path = `/${variant}/agc/api.php`;
  assert.equal(faults.count(path), 1, `requests at ${path}`);
  assertNoSecrets(r, [API_PASS, 'Tok-Alpha-7c1f']);
  return r;
}

test('the forwarded request: one POST form with the proxy credentials, nothing of the client', async () => {
  const r = await through('ok');
  assert.equal(r.status, 200);
  assert.equal(r.text, SUCCESS);
  const [seen] = faults.requests('/ok/agc/api.php');
  assert.equal(seen.method, 'POST');
  assert.equal(seen.contentType, 'application/x-www-form-urlencoded');
  assert.equal(
    seen.body,
    'source=proxytest&user=6666&pass=1234&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE',
  );
});

test('timeout: 504 UPSTREAM_TIMEOUT, outcome unknown, no retry', async () => {
  const r = await through('hang');
  assertRefusal(r, 504, 'UPSTREAM_TIMEOUT');
  assert.match(r.text, new RegExp(`within ${TIMEOUT_MS} ms`));
  assert.match(r.text, /outcome is unknown: do not retry/);
  assert.ok(r.elapsed >= TIMEOUT_MS - 50 && r.elapsed < TIMEOUT_MS + 3000, `elapsed ${r.elapsed}`);
});

test('connection reset: 502 UPSTREAM_CONNECTION_FAILED, no retry', async () => {
  const r = await through('reset');
  assertRefusal(r, 502, 'UPSTREAM_CONNECTION_FAILED');
  assert.match(r.text, /do not retry/);
});

test('HTML 502 from a gateway: 502 UPSTREAM_HTTP_ERROR, the HTML is not relayed', async () => {
  const r = await through('html502');
  assertRefusal(r, 502, 'UPSTREAM_HTTP_ERROR');
  assert.match(r.text, /HTTP 502 \(text\/html\)/);
  assert.ok(!r.text.includes('<'), r.text);
  assert.equal(r.headers.get('x-upstream-status'), '502');
});

test('HTTP 500 with a SUCCESS line: 502, never a success', async () => {
  const r = await through('success500');
  assertRefusal(r, 502, 'UPSTREAM_HTTP_ERROR');
  assert.match(r.text, /HTTP 500/);
  assert.match(r.text, /SUCCESS line does not count/);
  assert.ok(!r.text.startsWith('SUCCESS'));
});

test('slow body: 504 UPSTREAM_BODY_TIMEOUT, no retry', async () => {
  const r = await through('slowbody');
  assertRefusal(r, 504, 'UPSTREAM_BODY_TIMEOUT');
  assert.match(r.text, /answered HTTP 200 but its reply did not complete within/);
  assert.ok(r.elapsed >= TIMEOUT_MS - 50 && r.elapsed < TIMEOUT_MS + 3000, `elapsed ${r.elapsed}`);
});

test('reset in the middle of the body: 502 UPSTREAM_CONNECTION_FAILED', async () => {
  const r = await through('resetbody');
  assertRefusal(r, 502, 'UPSTREAM_CONNECTION_FAILED');
});

test('a redirect is not followed: 502 UPSTREAM_HTTP_ERROR', async () => {
  const okBefore = faults.count('/ok/agc/api.php');
  const r = await through('redirect');
  assertRefusal(r, 502, 'UPSTREAM_HTTP_ERROR');
  assert.match(r.text, /HTTP 307/);
  assert.equal(faults.count('/ok/agc/api.php'), okBefore);
});

test('a huge reply: 502 UPSTREAM_REPLY_TOO_LARGE', async () => {
  const r = await through('huge');
  assertRefusal(r, 502, 'UPSTREAM_REPLY_TOO_LARGE');
});

test('a reply without Content-Length arriving in pieces is read whole and relayed', async () => {
  const r = await through('chunked');
  assert.equal(r.status, 200);
  assert.equal(r.text, SUCCESS);
});

test('a huge reply without Content-Length: 502 UPSTREAM_REPLY_TOO_LARGE', async () => {
  const r = await through('hugechunked');
  assertRefusal(r, 502, 'UPSTREAM_REPLY_TOO_LARGE');
});

test('a compressed reply whose Content-Length is small but which inflates past 256 KiB: 502 UPSTREAM_REPLY_TOO_LARGE', async () => {
  const r = await through('gzipbomb');
  assertRefusal(r, 502, 'UPSTREAM_REPLY_TOO_LARGE');
});

test('an unrecognised reply is relayed redacted and cut to 512 bytes', async () => {
  const r = await through('teapot');
  assert.equal(r.status, 200);
  assert.ok(r.text.startsWith('Kaffee: pass=[REDACTED] zzz'), r.text.slice(0, 40));
  assert.ok(new TextEncoder().encode(r.text).byteLength <= 512);
});

test('the ownership check went first, once per action, as a POST with the non-agent credential in the body', async () => {
  const [seen] = faults.requests('/ok/vicidial/non_agent_api.php');
  assert.equal(seen.method, 'POST');
  assert.equal(seen.query, '');
  assert.equal(seen.body, 'source=proxytest&user=naapi&pass=napass99&function=agent_status&agent_user=1028&stage=pipe&header=NO');
  for (const v of VARIANTS) assert.equal(faults.count(`/${v}/vicidial/non_agent_api.php`), 1, v);
});

test('after an unknown outcome the same action (and any other on that call) is refused: OUTCOME_UNKNOWN, nothing sent', async () => {
  for (const v of ['hang', 'reset', 'html502', 'success500', 'slowbody', 'resetbody', 'redirect', 'huge', 'teapot']) {
    const before = faults.count(`/${v}/agc/api.php`);
    const same = await post(stack.url(v), transferBody());
    assertRefusal(same, 409, 'OUTCOME_UNKNOWN');
    assert.match(same.text, /check the call \(GET \/proxy\/current-call\)/);
    const other = await post(stack.url(v), transferBody({ ingroup: 'BILLING' }));
    assertRefusal(other, 409, 'OUTCOME_UNKNOWN');
    assert.equal(faults.count(`/${v}/agc/api.php`), before, v);
    assert.equal(faults.count(`/${v}/vicidial/non_agent_api.php`), 1, v);
  }
  // A success is replayed instead.
  const again = await post(stack.url('ok'), transferBody());
  assert.equal(again.text, SUCCESS);
  assert.equal(again.headers.get('x-proxy-replayed'), 'true');
  assert.equal(faults.count('/ok/agc/api.php'), 1);
});
