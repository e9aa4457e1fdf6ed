// Proxy configuration from workerd / Cloudflare bindings (or any object of
// strings, e.g. process.env). Every setting is documented in README.md.
//
// parseConfig never throws and never puts a secret's VALUE into an error:
// errors are "NAME: what is wrong", so they can be logged and shown.

import { parseTokens } from './config-tokens.mjs';

export const DEFAULTS = Object.freeze({
  source: 'xferproxy',
  ratePerSecond: 1,
  rateBurst: 5,
  upstreamTimeoutMs: 10000,
  bodyTimeoutMs: 5000,
  maxBodyBytes: 2048,
  replayWindowSeconds: 600,
});

/** The decoder refuses anything larger, so a bigger body limit is useless. */
export const MAX_BODY_BYTES_CEILING = 4096;

/** A Chromium extension's origin: its ID is 32 letters a-p. */
const EXTENSION_ORIGIN = /^chrome-extension:\/\/[a-p]{32}$/;
/** What non_agent_api.php accepts in a password (it filters everything else out). */
const NONAGENT_PASS_RE = /^[A-Za-z0-9_-]{1,100}$/;
const NONAGENT_USER_RE = /^[A-Za-z0-9_-]{1,20}$/;
const VERSION_RE = /^\d{1,3}\.\d{1,3}-\d{1,4}$/;

function text(env, name) {
  const v = env?.[name];
  if (v === undefined || v === null) return '';
  return String(v).trim();
}

/** A secret used exactly as given (not trimmed). */
function exact(env, name) {
  const v = env?.[name];
  return v === undefined || v === null ? '' : String(v);
}

function positiveNumber(raw, { integer = false, max = Infinity } = {}) {
  if (!/^\d+(\.\d+)?$/.test(raw)) return null;
  const n = Number(raw);
  if (!(n > 0) || n > max || (integer && !Number.isInteger(n))) return null;
  return n;
}

/** `5`, `5/s`, `30/m`, `600/h` -> requests per second. */
function parseRate(raw) {
  const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*([smh]))?$/.exec(raw);
  if (!m) return null;
  const n = Number(m[1]);
  if (!(n > 0)) return null;
  return n / { s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}

/** yes/no style switch; undefined when unreadable. */
function flag(raw, fallback) {
  if (raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return undefined;
}

function absoluteUrl(raw) {
  let url = null;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an absolute http:// or https:// URL';
  if (url.username || url.password || url.search || url.hash) return 'must not contain user info, a query or a fragment';
  return url;
}

function number(env, name, fallback, opts, what, errors) {
  const raw = text(env, name);
  const n = raw === '' ? fallback : positiveNumber(raw, opts);
  if (n === null) errors.push(`${name}: ${what}`);
  return n;
}

/**
 * Reads the proxy's settings (README.md, "Settings").
 * @param {Record<string, unknown>} env bindings
 * @returns {{ ok: true, config: object } | { ok: false, errors: string[] }}
 */
export function parseConfig(env) {
  const errors = [];
  const config = {};

  // Upstream: the URL of agc/api.php; requests go through the service binding
  // UPSTREAM when there is one (the URL then only names host and path), else fetch.
  const upstream = text(env, 'UPSTREAM_URL');
  config.viaBinding = env?.UPSTREAM !== undefined && env?.UPSTREAM !== null;
  if (config.viaBinding && typeof env.UPSTREAM.fetch !== 'function') errors.push('UPSTREAM: must be a service binding');
  if (upstream === '') {
    errors.push('UPSTREAM_URL: required (absolute URL of agc/api.php)');
  } else {
    const url = absoluteUrl(upstream);
    if (typeof url === 'string') errors.push(`UPSTREAM_URL: ${url}`);
    else config.upstreamUrl = url.href;
  }

  // The ownership check: non_agent_api.php agent_status with a second API user.
  const check = flag(text(env, 'OWNERSHIP_CHECK'), true);
  if (check === undefined) errors.push('OWNERSHIP_CHECK: on or off');
  config.ownershipCheck = check !== false;
  if (config.ownershipCheck) {
    const naUrl = text(env, 'NONAGENT_URL');
    if (naUrl !== '') {
      const url = absoluteUrl(naUrl);
      if (typeof url === 'string') errors.push(`NONAGENT_URL: ${url}`);
      else config.nonAgentUrl = url.href;
    } else if (config.upstreamUrl) {
      if (config.upstreamUrl.endsWith('/agc/api.php')) {
        config.nonAgentUrl = `${config.upstreamUrl.slice(0, -'/agc/api.php'.length)}/vicidial/non_agent_api.php`;
      } else {
        errors.push('NONAGENT_URL: required when UPSTREAM_URL does not end in /agc/api.php');
      }
    }
    config.nonAgentUser = text(env, 'NONAGENT_USER');
    if (config.nonAgentUser === '') errors.push('NONAGENT_USER: required (or OWNERSHIP_CHECK=off, see README)');
    else if (!NONAGENT_USER_RE.test(config.nonAgentUser)) errors.push('NONAGENT_USER: 1-20 of A-Z a-z 0-9 - _');
    config.nonAgentPass = exact(env, 'NONAGENT_PASS');
    if (config.nonAgentPass === '') errors.push('NONAGENT_PASS: required (or OWNERSHIP_CHECK=off, see README)');
    else if (!NONAGENT_PASS_RE.test(config.nonAgentPass)) {
      errors.push('NONAGENT_PASS: only - _ 0-9 A-Z a-z (non_agent_api.php removes every other character)');
    }
  }

  // Credentials added to every forwarded request (checked again by the package).
  config.source = text(env, 'VICIDIAL_SOURCE') || DEFAULTS.source;
  if (!/^[A-Za-z0-9]{2,20}$/.test(config.source)) errors.push('VICIDIAL_SOURCE: 2-20 letters or digits');
  config.user = text(env, 'VICIDIAL_USER');
  if (!config.user) errors.push('VICIDIAL_USER: required');
  config.pass = exact(env, 'VICIDIAL_PASS');
  if (!config.pass) errors.push('VICIDIAL_PASS: required');

  const version = text(env, 'UPSTREAM_API_VERSION');
  config.apiVersion = version === '' || version.toLowerCase() === 'auto' ? null : version;
  if (config.apiVersion !== null && !VERSION_RE.test(config.apiVersion)) {
    errors.push('UPSTREAM_API_VERSION: auto, or a version like 2.14-82');
  }

  // Browser origins: exact serialized origins, compared as strings.
  config.allowedOrigins = new Set();
  for (const origin of text(env, 'ALLOWED_ORIGINS').split(/[\s,]+/).filter(Boolean)) {
    if (EXTENSION_ORIGIN.test(origin)) {
      config.allowedOrigins.add(origin);
      continue;
    }
    let serialized = null;
    try {
      serialized = new URL(origin).origin;
    } catch {
      /* reported below */
    }
    if (serialized !== origin || serialized === 'null') {
      errors.push('ALLOWED_ORIGINS: each entry must be an exact origin like https://crm.example.com (scheme, lowercase host, optional port, no path or trailing slash) or chrome-extension://<32-letter id>');
      break;
    }
    config.allowedOrigins.add(origin);
  }

  const anyAgent = flag(text(env, 'ALLOW_ANY_AGENT_TOKENS'), false);
  if (anyAgent === undefined) errors.push('ALLOW_ANY_AGENT_TOKENS: yes or no');
  const tokens = parseTokens({
    tokenText: `${text(env, 'PROXY_TOKEN')} ${text(env, 'PROXY_TOKENS')}`,
    bindingsText: text(env, 'TOKEN_AGENTS'),
    allowAnyAgent: anyAgent === true,
  });
  config.tokens = tokens.tokens;
  errors.push(...tokens.errors);

  const rate = text(env, 'RATE_LIMIT');
  config.ratePerSecond = rate === '' ? DEFAULTS.ratePerSecond : parseRate(rate);
  if (config.ratePerSecond === null) errors.push('RATE_LIMIT: a positive number of requests per second, or N/s, N/m, N/h');
  config.rateBurst = number(env, 'RATE_BURST', DEFAULTS.rateBurst, { integer: true, max: 10000 }, 'a positive integer up to 10000', errors);
  config.upstreamTimeoutMs = number(env, 'UPSTREAM_TIMEOUT_MS', DEFAULTS.upstreamTimeoutMs, { integer: true, max: 600000 }, 'a positive integer up to 600000', errors);
  config.bodyTimeoutMs = number(env, 'BODY_TIMEOUT_MS', DEFAULTS.bodyTimeoutMs, { integer: true, max: 60000 }, 'a positive integer up to 60000', errors);
  config.maxBodyBytes = number(env, 'MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, { integer: true, max: MAX_BODY_BYTES_CEILING }, `a positive integer up to ${MAX_BODY_BYTES_CEILING}`, errors);
  config.replayWindowMs = 1000 * number(env, 'REPLAY_WINDOW_SECONDS', DEFAULTS.replayWindowSeconds, { integer: true, max: 86400 }, 'a positive integer up to 86400', errors);

  // The per-call memory (a Durable Object namespace).
  if (!env?.CALLS || typeof env.CALLS.idFromName !== 'function') {
    errors.push('CALLS: required Durable Object namespace binding (class CallLedger)');
  }

  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, config };
}
