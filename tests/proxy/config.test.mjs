// parseConfig (proxy/config.mjs) in plain Node: no workerd needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, DEFAULTS } from '../../proxy/config.mjs';

const CALLS = { idFromName() {}, get() {} };
const BASE = {
  UPSTREAM_URL: 'https://vicidial.example.com/agc/api.php',
  VICIDIAL_USER: '6666',
  VICIDIAL_PASS: 's3cret-Pass',
  NONAGENT_USER: 'naapi',
  NONAGENT_PASS: 'Na-s3cret_99',
  PROXY_TOKEN: 'tokA',
  TOKEN_AGENTS: 'tokA:1028',
  CALLS,
};

function errorsOf(env) {
  const r = parseConfig(env);
  assert.equal(r.ok, false);
  for (const e of r.errors) {
    for (const secret of ['s3cret-Pass', 'tokA', 'Na-s3cret_99', 'bad pass!']) assert.ok(!e.includes(secret), `error shows a value: ${e}`);
  }
  return r.errors;
}

/** Exactly the settings named by the errors. */
function namesOf(env) {
  return [...new Set(errorsOf(env).map((e) => e.split(':')[0]))];
}

test('defaults', () => {
  const r = parseConfig(BASE);
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  const c = r.config;
  assert.equal(c.upstreamUrl, 'https://vicidial.example.com/agc/api.php');
  assert.equal(c.viaBinding, false);
  assert.equal(c.ownershipCheck, true);
  assert.equal(c.nonAgentUrl, 'https://vicidial.example.com/vicidial/non_agent_api.php');
  assert.equal(c.nonAgentUser, 'naapi');
  assert.equal(c.nonAgentPass, 'Na-s3cret_99');
  assert.equal(c.source, DEFAULTS.source);
  assert.equal(c.pass, 's3cret-Pass');
  assert.equal(c.apiVersion, null);
  assert.equal(c.ratePerSecond, 1);
  assert.equal(c.rateBurst, 5);
  assert.equal(c.upstreamTimeoutMs, 10000);
  assert.equal(c.bodyTimeoutMs, 5000);
  assert.equal(c.maxBodyBytes, 2048);
  assert.equal(c.replayWindowMs, 600000);
  assert.equal(c.allowedOrigins.size, 0);
  assert.deepEqual(c.tokens.map((t) => [t.token, t.label, t.anyAgent, [...t.agents], [...t.stages], t.ingroups, t.numbers]), [
    ['tokA', 'token-1', false, ['1028'], ['INGROUPTRANSFER'], null, null],
  ]);
});

test('the upstream through a service binding; NONAGENT_URL when UPSTREAM_URL is not .../agc/api.php', () => {
  const r = parseConfig({ ...BASE, UPSTREAM: { fetch() {} }, UPSTREAM_URL: 'http://upstream.internal/agc/api.php' });
  assert.equal(r.ok, true);
  assert.equal(r.config.viaBinding, true);
  assert.equal(r.config.nonAgentUrl, 'http://upstream.internal/vicidial/non_agent_api.php');
  assert.deepEqual(namesOf({ ...BASE, UPSTREAM: 'not a binding' }), ['UPSTREAM']);
  assert.deepEqual(namesOf({ ...BASE, UPSTREAM_URL: 'https://x.example.com/api.php' }), ['NONAGENT_URL']);
  const n = parseConfig({ ...BASE, UPSTREAM_URL: 'https://x.example.com/api.php', NONAGENT_URL: 'https://y.example.com/na.php' });
  assert.equal(n.config.nonAgentUrl, 'https://y.example.com/na.php');
});

test('the ownership check needs its credential unless explicitly off; its password only - _ 0-9 A-Z a-z', () => {
  assert.deepEqual(namesOf({ ...BASE, NONAGENT_USER: undefined }), ['NONAGENT_USER']);
  assert.deepEqual(namesOf({ ...BASE, NONAGENT_PASS: '' }), ['NONAGENT_PASS']);
  for (const bad of ['bad pass!', 'pa+ss', 'pa/ss', 'pa=ss', 'p.ss', 'pässword']) {
    assert.deepEqual(namesOf({ ...BASE, NONAGENT_PASS: bad }), ['NONAGENT_PASS'], bad);
  }
  assert.equal(parseConfig({ ...BASE, NONAGENT_PASS: 'Az09-_' }).ok, true);
  const off = parseConfig({ ...BASE, NONAGENT_USER: undefined, NONAGENT_PASS: undefined, OWNERSHIP_CHECK: 'off' });
  assert.equal(off.ok, true);
  assert.equal(off.config.ownershipCheck, false);
  assert.deepEqual(namesOf({ ...BASE, OWNERSHIP_CHECK: 'maybe' }), ['OWNERSHIP_CHECK']);
});

test('a token bound to * needs ALLOW_ANY_AGENT_TOKENS=yes', () => {
  assert.deepEqual(namesOf({ ...BASE, TOKEN_AGENTS: 'tokA:*' }), ['TOKEN_AGENTS']);
  assert.match(errorsOf({ ...BASE, TOKEN_AGENTS: 'tokA:*' })[0], /ALLOW_ANY_AGENT_TOKENS=yes/);
  const ok = parseConfig({ ...BASE, TOKEN_AGENTS: 'tokA:*', ALLOW_ANY_AGENT_TOKENS: 'yes' });
  assert.equal(ok.ok, true);
  assert.equal(ok.config.tokens[0].anyAgent, true);
});

test('several tokens, text and JSON bindings, labels and policies', () => {
  let c = parseConfig({ ...BASE, PROXY_TOKEN: 'tokA, tokB', PROXY_TOKENS: 'tokC', TOKEN_AGENTS: 'tokA:1028|AgentX tokB:* tokC:9', ALLOW_ANY_AGENT_TOKENS: 'yes' }).config;
  assert.deepEqual(c.tokens.map((t) => [t.token, t.label, t.anyAgent, [...t.agents]]), [
    ['tokA', 'token-1', false, ['1028', 'agentx']],
    ['tokB', 'token-2', true, []],
    ['tokC', 'token-3', false, ['9']],
  ]);
  const json = JSON.stringify({
    tokA: '1028',
    tokB: ['1', '2'],
    tokC: { label: 'crm-ext', agents: ['1030'], stages: ['INGROUPTRANSFER', 'HANGUP', 'EXTENSIONTRANSFER'], ingroups: ['SALESLINE', 'Billing'], numbers: ['7275559999', '800*'] },
  });
  c = parseConfig({ ...BASE, PROXY_TOKEN: 'tokA,tokB,tokC', TOKEN_AGENTS: json }).config;
  assert.deepEqual(c.tokens.map((t) => [...t.agents]), [['1028'], ['1', '2'], ['1030']]);
  const t = c.tokens[2];
  assert.equal(t.label, 'crm-ext');
  assert.deepEqual([...t.stages], ['INGROUPTRANSFER', 'HANGUP', 'EXTENSIONTRANSFER']);
  assert.deepEqual([...t.ingroups], ['salesline', 'billing']);
  assert.deepEqual(t.numbers, ['7275559999', '800*']);
  const bad = (entry) => namesOf({ ...BASE, TOKEN_AGENTS: JSON.stringify({ tokA: entry }) });
  assert.deepEqual(bad({ agents: ['1028'], stages: ['TRANSFER'] }), ['TOKEN_AGENTS']);
  assert.deepEqual(bad({ agents: ['1028'], stages: ['EXTENSIONTRANSFER'] }), ['TOKEN_AGENTS'], 'numbers required');
  assert.deepEqual(bad({ agents: ['1028'], ingroups: ['A'] }), ['TOKEN_AGENTS']);
  assert.deepEqual(bad({ agents: ['1028'], label: 'has space' }), ['TOKEN_AGENTS']);
  assert.deepEqual(bad({ agents: ['1028'], upstream: 'x' }), ['TOKEN_AGENTS']);
  assert.deepEqual(namesOf({ ...BASE, PROXY_TOKEN: 'tokA,tokB', TOKEN_AGENTS: '{"tokA":{"agents":"1","label":"x"},"tokB":{"agents":"2","label":"x"}}' }), ['TOKEN_AGENTS']);
});

test('rates, limits, windows, version, origins', () => {
  const c = parseConfig({
    ...BASE,
    RATE_LIMIT: '30/m',
    RATE_BURST: '7',
    UPSTREAM_TIMEOUT_MS: '2500',
    BODY_TIMEOUT_MS: '1500',
    MAX_BODY_BYTES: '1024',
    REPLAY_WINDOW_SECONDS: '60',
    UPSTREAM_API_VERSION: '2.14-75',
    ALLOWED_ORIGINS: 'https://crm.example.com, http://localhost:8787, chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhm',
  }).config;
  assert.equal(c.ratePerSecond, 0.5);
  assert.equal(c.rateBurst, 7);
  assert.equal(c.upstreamTimeoutMs, 2500);
  assert.equal(c.bodyTimeoutMs, 1500);
  assert.equal(c.maxBodyBytes, 1024);
  assert.equal(c.replayWindowMs, 60000);
  assert.equal(c.apiVersion, '2.14-75');
  assert.equal(parseConfig({ ...BASE, UPSTREAM_API_VERSION: 'auto' }).config.apiVersion, null);
  assert.deepEqual([...c.allowedOrigins], ['https://crm.example.com', 'http://localhost:8787', 'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhm']);
});

test('each wrong setting is named alone, never its value', () => {
  const cases = [
    [{ UPSTREAM_URL: '' }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'ftp://x/agc/api.php' }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'https://u:p@x/agc/api.php' }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'https://x/agc/api.php?pass=1' }, 'UPSTREAM_URL'],
    [{ VICIDIAL_PASS: '' }, 'VICIDIAL_PASS'],
    [{ VICIDIAL_USER: undefined }, 'VICIDIAL_USER'],
    [{ VICIDIAL_SOURCE: 'x' }, 'VICIDIAL_SOURCE'],
    [{ PROXY_TOKEN: 'tokA,tok"B', TOKEN_AGENTS: 'tokA:1028,tok"B:1' }, 'PROXY_TOKEN'],
    [{ TOKEN_AGENTS: '' }, 'TOKEN_AGENTS'],
    [{ TOKEN_AGENTS: 'tokA:1028,tokZ:1' }, 'TOKEN_AGENTS'],
    [{ TOKEN_AGENTS: 'tokA:10 28' }, 'TOKEN_AGENTS'],
    [{ TOKEN_AGENTS: '{"tokA": 1028}' }, 'TOKEN_AGENTS'],
    [{ RATE_LIMIT: '0' }, 'RATE_LIMIT'],
    [{ RATE_LIMIT: 'fast' }, 'RATE_LIMIT'],
    [{ RATE_BURST: '1.5' }, 'RATE_BURST'],
    [{ UPSTREAM_TIMEOUT_MS: '-1' }, 'UPSTREAM_TIMEOUT_MS'],
    [{ BODY_TIMEOUT_MS: '0' }, 'BODY_TIMEOUT_MS'],
    [{ MAX_BODY_BYTES: '100000' }, 'MAX_BODY_BYTES'],
    [{ REPLAY_WINDOW_SECONDS: 'ten' }, 'REPLAY_WINDOW_SECONDS'],
    [{ UPSTREAM_API_VERSION: '2.14' }, 'UPSTREAM_API_VERSION'],
    [{ CALLS: undefined }, 'CALLS'],
  ];
  for (const [change, name] of cases) assert.deepEqual(namesOf({ ...BASE, ...change }), [name], JSON.stringify(change));
  assert.deepEqual(namesOf({ ...BASE, PROXY_TOKEN: '' }).sort(), ['PROXY_TOKEN', 'TOKEN_AGENTS']);
  for (const origin of ['*', 'https://crm.example.com/', 'https://CRM.example.com', 'crm.example.com', 'null', 'https://crm.example.com:443',
    'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndh', 'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhz', 'chrome-extension://*']) {
    assert.deepEqual(namesOf({ ...BASE, ALLOWED_ORIGINS: origin }), ['ALLOWED_ORIGINS'], origin);
  }
});
