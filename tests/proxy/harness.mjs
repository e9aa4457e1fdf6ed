// Test harness: one real workerd per test file with one proxy service per
// variant (one socket each, ephemeral 127.0.0.1 ports), in front of the test
// upstream (upstream.mjs: the sandbox VICIdial + agent_status) or any URL;
// small Node fault servers on 127.0.0.1; and the audit lines workerd prints.

import http from 'node:http';
import assert from 'node:assert/strict';
import {
  capnpConfig,
  loopbackNetwork,
  proxyWorkerService,
  startWorkerd,
  writableDiskService,
} from '../support/workerd.mjs';
import { NONAGENT_USER, NONAGENT_PASS } from './upstream.mjs';

export const API_USER = '6666';
export const API_PASS = '1234';
export const AGENT = '1028';
export const SEEDED_CALL = 'Y0315201639000402027';
export const TOKEN = 'Tok-Alpha-7c1f';
export { NONAGENT_USER, NONAGENT_PASS };

/** Settings shared by most proxy variants; override per variant (null removes one). */
export function proxyBindings(upstreamUrl, overrides = {}) {
  const b = {
    UPSTREAM_URL: upstreamUrl,
    UPSTREAM_API_VERSION: '2.14-82',
    VICIDIAL_SOURCE: 'proxytest',
    VICIDIAL_USER: API_USER,
    VICIDIAL_PASS: API_PASS,
    NONAGENT_USER,
    NONAGENT_PASS,
    ALLOWED_ORIGINS: 'https://crm.example.com,http://127.0.0.1:9',
    PROXY_TOKEN: TOKEN,
    TOKEN_AGENTS: `${TOKEN}:${AGENT}`,
    RATE_LIMIT: '1000',
    RATE_BURST: '1000',
    UPSTREAM_TIMEOUT_MS: '5000',
    MAX_BODY_BYTES: '2048',
    ...overrides,
  };
  for (const k of Object.keys(b)) if (b[k] === null) delete b[k];
  return b;
}

/**
 * Starts workerd with one proxy service per entry of `proxies` ({ name: bindings }).
 * `storageDir`: keep the per-call memory on disk there (else in memory).
 * `extraServices`: more capnp service strings (e.g. a sandbox worker); `sockets`: more sockets.
 */
export async function startStack(proxies, { storageDir, extraServices = [], sockets: more = [] } = {}) {
  const services = [loopbackNetwork('loopback'), ...extraServices];
  if (storageDir) services.push(writableDiskService('calls-store', storageDir));
  const sockets = [...more];
  for (const [name, spec] of Object.entries(proxies)) {
    // spec: bindings, or { bindings, ledgerOf: 'otherName' } to share another proxy's memory.
    const { bindings, ledgerOf } = spec.bindings ? spec : { bindings: spec };
    services.push(proxyWorkerService({
      name: `proxy-${name}`,
      bindings,
      ledgerOf: ledgerOf ? `proxy-${ledgerOf}` : undefined,
      globalOutbound: 'loopback',
      storageService: storageDir ? 'calls-store' : undefined,
      uniqueKey: `calls-${name}`,
    }));
    sockets.push({ name, service: `proxy-${name}` });
  }
  const w = await startWorkerd(capnpConfig({ services, sockets }), { sockets: sockets.map((s) => s.name) });
  return {
    url: (name, path = '/agc/api.php') => {
      assert.ok(w.ports[name], `no socket ${name}`);
      return `http://127.0.0.1:${w.ports[name]}${path}`;
    },
    port: (name) => w.ports[name],
    pid: w.pid,
    stop: w.stop,
    stderr: w.stderr,
    /** The audit lines printed so far (parsed). */
    audit: () => auditLines(w.stderr()),
  };
}

export function auditLines(output) {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{"audit":'))
    .map((l) => JSON.parse(l));
}

/** A valid INGROUPTRANSFER body without credentials. */
export function transferBody({ agent = AGENT, callId = SEEDED_CALL, ingroup = 'SALESLINE', extra = '' } = {}) {
  return `function=ra_call_control&stage=INGROUPTRANSFER&agent_user=${agent}&value=${callId}&ingroup_choices=${ingroup}${extra}`;
}

/** POSTs a form body; returns { status, headers, text }. */
export async function post(url, body, { token = TOKEN, headers = {}, method = 'POST' } = {}) {
  const h = { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
  if (token !== null) h.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers: h, body: method === 'GET' ? undefined : body, signal: AbortSignal.timeout(15000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** GET with a bearer token; returns { status, headers, text }. */
export async function get(url, { token = TOKEN, headers = {} } = {}) {
  const h = { ...headers };
  if (token !== null) h.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { headers: h, signal: AbortSignal.timeout(15000) });
  return { status: res.status, headers: res.headers, text: await res.text() };
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
      bodies.set(path, [...(bodies.get(path) ?? []), { method: req.method, contentType: req.headers['content-type'], body, query: new URL(req.url, 'http://x').search }]);
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
