// Test harness: one real workerd per test file with the sandbox VICIdial and
// several proxy variants (one socket each, ephemeral 127.0.0.1 ports), and
// small Node fault servers on 127.0.0.1.

import http from 'node:http';
import assert from 'node:assert/strict';
import {
  capnpConfig,
  loopbackNetwork,
  startWorkerd,
  workerService,
} from '../support/workerd.mjs';

export const API_USER = '6666';
export const API_PASS = '1234';
export const AGENT = '1028';
export const SEEDED_CALL = 'Y0315201639000402027';

/** Settings shared by most proxy variants; override per variant. */
export function proxyBindings(overrides = {}) {
  const b = {
    UPSTREAM_URL: 'sandbox',
    VICIDIAL_SOURCE: 'proxytest',
    VICIDIAL_USER: API_USER,
    VICIDIAL_PASS: API_PASS,
    ALLOWED_ORIGINS: 'https://crm.example.com,http://127.0.0.1:9',
    PROXY_TOKEN: 'Tok-Alpha-7c1f',
    TOKEN_AGENTS: 'Tok-Alpha-7c1f:1028',
    RATE_LIMIT: '100',
    RATE_BURST: '100',
    UPSTREAM_TIMEOUT_MS: '5000',
    MAX_BODY_BYTES: '2048',
    ...overrides,
  };
  if (b.UPSTREAM_URL === 'sandbox') b.SANDBOX = { service: 'sandbox' };
  for (const k of Object.keys(b)) if (b[k] === null) delete b[k];
  return b;
}

/**
 * Starts workerd with the sandbox (socket "sandbox") and one proxy service
 * per entry of `proxies` ({ name: bindings }), each on its own socket.
 * @returns {Promise<{ url: (name: string) => string, sandboxUrl: string, stop: () => Promise<void>, stderr: () => string }>}
 */
export async function startStack(proxies) {
  const services = [
    workerService({ name: 'sandbox', entry: 'sandbox/worker.mjs' }),
    loopbackNetwork('loopback'),
  ];
  const sockets = [{ name: 'sandbox', service: 'sandbox' }];
  for (const [name, bindings] of Object.entries(proxies)) {
    services.push(workerService({ name: `proxy-${name}`, entry: 'proxy/worker.mjs', bindings, globalOutbound: 'loopback' }));
    sockets.push({ name, service: `proxy-${name}` });
  }
  const w = await startWorkerd(capnpConfig({ services, sockets }), { sockets: sockets.map((s) => s.name) });
  return {
    url: (name) => {
      assert.ok(w.ports[name], `no socket ${name}`);
      return `http://127.0.0.1:${w.ports[name]}/agc/api.php`;
    },
    sandboxUrl: `http://127.0.0.1:${w.ports.sandbox}`,
    stop: w.stop,
    stderr: w.stderr,
  };
}

/** A valid INGROUPTRANSFER body without credentials. */
export function transferBody({ agent = AGENT, callId = SEEDED_CALL, ingroup = 'SALESLINE', extra = '' } = {}) {
  return `function=ra_call_control&stage=INGROUPTRANSFER&agent_user=${agent}&value=${callId}&ingroup_choices=${ingroup}${extra}`;
}

/** POSTs a form body; returns { status, headers, text }. */
export async function post(url, body, { token = 'Tok-Alpha-7c1f', headers = {}, method = 'POST' } = {}) {
  const h = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
  if (token !== null) h.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers: h, body: method === 'GET' ? undefined : body, signal: AbortSignal.timeout(15000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A new live call in the sandbox. */
export async function startCall(sandboxUrl, body = {}) {
  const res = await fetch(`${sandboxUrl}/sandbox/calls`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.json();
}

/** Asserts a proxy refusal: status, the one line, and the X-Proxy-Error header. */
export function assertRefusal(r, status, code) {
  assert.equal(r.status, status, `status for ${code}: ${r.text}`);
  assert.match(r.text, new RegExp(`^ERROR: proxy ${code} - [^\\n]+\\n$`), r.text);
  assert.equal(r.headers.get('x-proxy-error'), code);
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
}

/** Asserts that none of `secrets` appears in the reply text or any header. */
export function assertNoSecrets(r, secrets) {
  for (const s of secrets) {
    assert.ok(!r.text.includes(s), `reply contains a secret: ${JSON.stringify(r.text)}`);
    for (const [k, v] of r.headers) assert.ok(!v.includes(s) && !k.includes(s), `header ${k} contains a secret`);
  }
}

/**
 * A Node HTTP server on 127.0.0.1 answering by path with `behaviours`
 * ({ '/path': (req, res, body) => void }), counting requests per path.
 */
export async function startFaultServer(behaviours) {
  const counts = new Map();
  const bodies = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.set(path, [...(bodies.get(path) ?? []), { method: req.method, contentType: req.headers['content-type'], body }]);
      const b = behaviours[path];
      if (!b) {
        res.writeHead(404).end();
        return;
      }
      b(req, res, body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (p) => `${base}${p}`,
    count: (p) => counts.get(p) ?? 0,
    requests: (p) => bodies.get(p) ?? [],
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
