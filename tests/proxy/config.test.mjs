// parseConfig (proxy/config.mjs) in plain Node: no workerd needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, DEFAULTS } from '../../proxy/config.mjs';

const BASE = {
  UPSTREAM_URL: 'https://vicidial.example.com/agc/api.php',
  VICIDIAL_USER: '6666',
  VICIDIAL_PASS: 's3cret-Pass',
  PROXY_TOKEN: 'tokA',
  TOKEN_AGENTS: 'tokA:1028',
};

function errorsOf(env) {
  const r = parseConfig(env);
  assert.equal(r.ok, false);
  for (const e of r.errors) assert.ok(!e.includes('s3cret-Pass') && !e.includes('tokA'), `error shows a value: ${e}`);
  return r.errors.join('\n');
}

test('defaults', () => {
  const r = parseConfig(BASE);
  assert.equal(r.ok, true);
  const c = r.config;
  assert.deepEqual(c.upstream, { kind: 'url', url: 'https://vicidial.example.com/agc/api.php' });
  assert.equal(c.source, DEFAULTS.source);
  assert.equal(c.pass, 's3cret-Pass');
  assert.equal(c.ratePerSecond, 1);
  assert.equal(c.rateBurst, 5);
  assert.equal(c.upstreamTimeoutMs, 10000);
  assert.equal(c.maxBodyBytes, 2048);
  assert.equal(c.allowedOrigins.size, 0);
  assert.deepEqual(c.tokens.map((t) => [t.token, t.anyAgent, [...t.agents]]), [['tokA', false, ['1028']]]);
});

test('several tokens, text and JSON bindings, case-insensitive agents, wildcard', () => {
  let c = parseConfig({ ...BASE, PROXY_TOKEN: 'tokA, tokB', PROXY_TOKENS: 'tokC', TOKEN_AGENTS: 'tokA:1028|AgentX tokB:* tokC:9' }).config;
  assert.deepEqual(c.tokens.map((t) => [t.token, t.anyAgent, [...t.agents]]), [
    ['tokA', false, ['1028', 'agentx']],
    ['tokB', true, []],
    ['tokC', false, ['9']],
  ]);
  c = parseConfig({ ...BASE, PROXY_TOKEN: 'tokA,tokB', TOKEN_AGENTS: '{"tokA":"1028","tokB":["1","2"]}' }).config;
  assert.deepEqual(c.tokens.map((t) => [...t.agents]), [['1028'], ['1', '2']]);
});

test('rates, limits, origins', () => {
  const c = parseConfig({
    ...BASE,
    RATE_LIMIT: '30/m',
    RATE_BURST: '7',
    UPSTREAM_TIMEOUT_MS: '2500',
    MAX_BODY_BYTES: '1024',
    ALLOWED_ORIGINS: 'https://crm.example.com, http://localhost:8787, chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhm',
  }).config;
  assert.equal(c.ratePerSecond, 0.5);
  assert.equal(c.rateBurst, 7);
  assert.equal(c.upstreamTimeoutMs, 2500);
  assert.equal(c.maxBodyBytes, 1024);
  assert.deepEqual([...c.allowedOrigins], ['https://crm.example.com', 'http://localhost:8787', 'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhm']);
});

test('sandbox upstream needs the SANDBOX binding', () => {
  assert.match(errorsOf({ ...BASE, UPSTREAM_URL: 'sandbox' }), /SANDBOX/);
  const r = parseConfig({ ...BASE, UPSTREAM_URL: 'sandbox', SANDBOX: { fetch() {} } });
  assert.equal(r.ok, true);
  assert.equal(r.config.upstream.kind, 'sandbox');
});

test('refused settings name the variable, never the value', () => {
  assert.match(errorsOf({ ...BASE, UPSTREAM_URL: '' }), /UPSTREAM_URL/);
  assert.match(errorsOf({ ...BASE, UPSTREAM_URL: 'ftp://x/agc/api.php' }), /UPSTREAM_URL/);
  assert.match(errorsOf({ ...BASE, UPSTREAM_URL: 'https://u:p@x/agc/api.php' }), /UPSTREAM_URL/);
  assert.match(errorsOf({ ...BASE, UPSTREAM_URL: 'https://x/agc/api.php?pass=1' }), /UPSTREAM_URL/);
  assert.match(errorsOf({ ...BASE, VICIDIAL_PASS: '' }), /VICIDIAL_PASS/);
  assert.match(errorsOf({ ...BASE, VICIDIAL_USER: undefined }), /VICIDIAL_USER/);
  assert.match(errorsOf({ ...BASE, VICIDIAL_SOURCE: 'x' }), /VICIDIAL_SOURCE/);
  assert.match(errorsOf({ ...BASE, PROXY_TOKEN: '' }), /PROXY_TOKEN/);
  assert.match(errorsOf({ ...BASE, PROXY_TOKEN: 'tokA,tok"B' }), /PROXY_TOKEN/);
  assert.match(errorsOf({ ...BASE, TOKEN_AGENTS: '' }), /TOKEN_AGENTS: every token needs a binding/);
  assert.match(errorsOf({ ...BASE, TOKEN_AGENTS: 'tokA:1028,tokZ:1' }), /TOKEN_AGENTS: binds a token/);
  assert.match(errorsOf({ ...BASE, TOKEN_AGENTS: 'tokA:10 28' }), /TOKEN_AGENTS/);
  assert.match(errorsOf({ ...BASE, TOKEN_AGENTS: '{"tokA": 1028}' }), /TOKEN_AGENTS/);
  for (const origin of ['*', 'https://crm.example.com/', 'https://CRM.example.com', 'crm.example.com', 'null', 'https://crm.example.com:443',
    'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndh', 'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhz', 'chrome-extension://*']) {
    assert.match(errorsOf({ ...BASE, ALLOWED_ORIGINS: origin }), /ALLOWED_ORIGINS/, origin);
  }
  assert.match(errorsOf({ ...BASE, RATE_LIMIT: '0' }), /RATE_LIMIT/);
  assert.match(errorsOf({ ...BASE, RATE_LIMIT: 'fast' }), /RATE_LIMIT/);
  assert.match(errorsOf({ ...BASE, RATE_BURST: '1.5' }), /RATE_BURST/);
  assert.match(errorsOf({ ...BASE, UPSTREAM_TIMEOUT_MS: '-1' }), /UPSTREAM_TIMEOUT_MS/);
  assert.match(errorsOf({ ...BASE, MAX_BODY_BYTES: '100000' }), /MAX_BODY_BYTES/);
});
