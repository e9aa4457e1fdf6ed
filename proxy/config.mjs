// Proxy configuration from workerd / Cloudflare bindings (or any object of
// strings, e.g. process.env). Every setting is documented in README.md.
//
// parseConfig never throws and never puts a secret's VALUE into an error:
// errors name the variable only, so they can be logged and shown.

export const DEFAULTS = Object.freeze({
  source: 'xferproxy',
  ratePerSecond: 1,
  rateBurst: 5,
  upstreamTimeoutMs: 10000,
  maxBodyBytes: 2048,
});

/** The decoder refuses anything larger, so a bigger body limit is useless. */
export const MAX_BODY_BYTES_CEILING = 4096;

/** Characters allowed in a bearer token (RFC 6750 b64token). */
const TOKEN_RE = /^[A-Za-z0-9._~+/-]+=*$/;
/** An agent user as the server keeps it. */
const AGENT_RE = /^[A-Za-z0-9_-]{1,20}$/;
/** A Chromium extension's origin: its ID is 32 letters a-p. */
const EXTENSION_ORIGIN = /^chrome-extension:\/\/[a-p]{32}$/;

function text(env, name) {
  const v = env?.[name];
  if (v === undefined || v === null) return '';
  return String(v).trim();
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
  const per = { s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
  return n / per;
}

function splitList(raw) {
  return raw.split(/[\s,]+/).filter(Boolean);
}

/** `{"tok":"1028","tok2":["1029","1030"],"admin":"*"}` or `tok:1028, tok2:1029|1030, admin:*`. */
function parseTokenAgents(raw) {
  const map = new Map();
  if (raw.startsWith('{')) {
    let obj;
    try {
      obj = JSON.parse(raw);
    } catch {
      return null;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
    for (const [token, agents] of Object.entries(obj)) {
      const list = Array.isArray(agents) ? agents : [agents];
      if (!list.every((a) => typeof a === 'string')) return null;
      map.set(token, list.map((a) => a.trim()));
    }
    return map;
  }
  for (const entry of splitList(raw)) {
    const at = entry.lastIndexOf(':');
    if (at <= 0) return null;
    const token = entry.slice(0, at);
    const agents = entry.slice(at + 1).split('|').map((a) => a.trim());
    map.set(token, [...(map.get(token) ?? []), ...agents]);
  }
  return map;
}

/**
 * Reads the proxy's settings.
 * @param {Record<string, unknown>} env bindings: UPSTREAM_URL, VICIDIAL_SOURCE, VICIDIAL_USER,
 *   VICIDIAL_PASS, ALLOWED_ORIGINS, PROXY_TOKEN / PROXY_TOKENS, TOKEN_AGENTS, RATE_LIMIT,
 *   RATE_BURST, UPSTREAM_TIMEOUT_MS, MAX_BODY_BYTES
 * @returns {{ ok: true, config: object } | { ok: false, errors: string[] }}
 *   errors: "NAME: what is wrong", never a value.
 */
export function parseConfig(env) {
  const errors = [];
  const config = {};

  // Upstream: one absolute http(s) URL, or the word `sandbox` (service binding SANDBOX).
  const upstream = text(env, 'UPSTREAM_URL');
  if (upstream === 'sandbox') {
    if (!env?.SANDBOX || typeof env.SANDBOX.fetch !== 'function') {
      errors.push('SANDBOX: UPSTREAM_URL is "sandbox" but there is no SANDBOX service binding');
    }
    config.upstream = { kind: 'sandbox', url: 'http://sandbox.internal/agc/api.php' };
  } else if (upstream === '') {
    errors.push('UPSTREAM_URL: required (absolute URL of agc/api.php, or "sandbox")');
  } else {
    let url = null;
    try {
      url = new URL(upstream);
    } catch {
      /* reported below */
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      errors.push('UPSTREAM_URL: must be an absolute http:// or https:// URL');
    } else if (url.username || url.password || url.search || url.hash) {
      errors.push('UPSTREAM_URL: must not contain user info, a query or a fragment');
    } else {
      config.upstream = { kind: 'url', url: url.href };
    }
  }

  // Credentials added to every forwarded request. Checked again by buildTransfer.
  config.source = text(env, 'VICIDIAL_SOURCE') || DEFAULTS.source;
  if (!/^[A-Za-z0-9]{2,20}$/.test(config.source)) {
    errors.push('VICIDIAL_SOURCE: 2-20 letters or digits');
  }
  config.user = text(env, 'VICIDIAL_USER');
  if (!config.user) errors.push('VICIDIAL_USER: required');
  // The password is not trimmed: it is used exactly as given.
  config.pass = env?.VICIDIAL_PASS === undefined || env?.VICIDIAL_PASS === null ? '' : String(env.VICIDIAL_PASS);
  if (!config.pass) errors.push('VICIDIAL_PASS: required');

  // Browser origins: exact serialized origins, compared as strings. A
  // Chromium extension's origin (`chrome-extension://` + 32 letters a-p)
  // serializes as 'null' through URL, so it is matched by its exact form.
  config.allowedOrigins = new Set();
  for (const origin of splitList(text(env, 'ALLOWED_ORIGINS'))) {
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

  // Bearer tokens, each bound to the agent users it may move calls for.
  const tokens = [...new Set([...splitList(text(env, 'PROXY_TOKEN')), ...splitList(text(env, 'PROXY_TOKENS'))])];
  if (tokens.length === 0) errors.push('PROXY_TOKEN: at least one bearer token is required');
  if (!tokens.every((t) => TOKEN_RE.test(t))) {
    errors.push('PROXY_TOKEN: tokens may contain only A-Z a-z 0-9 - . _ ~ + / (and trailing =)');
  }
  const bindings = parseTokenAgents(text(env, 'TOKEN_AGENTS'));
  config.tokens = [];
  if (bindings === null) {
    errors.push('TOKEN_AGENTS: expected "token:agent|agent, token2:*" or a JSON object {"token": ["agent"]}');
  } else {
    for (const key of bindings.keys()) {
      if (!tokens.includes(key)) errors.push('TOKEN_AGENTS: binds a token that PROXY_TOKEN does not list');
    }
    for (const token of tokens) {
      const agents = bindings.get(token);
      if (!agents || agents.length === 0) {
        errors.push('TOKEN_AGENTS: every token needs a binding (token:agent, or token:* for every agent)');
        continue;
      }
      const any = agents.includes('*');
      if (!any && !agents.every((a) => AGENT_RE.test(a))) {
        errors.push('TOKEN_AGENTS: agent users are 1-20 of A-Z a-z 0-9 - _ (or *)');
        continue;
      }
      config.tokens.push({
        token,
        anyAgent: any,
        // The database compares user names case-insensitively.
        agents: new Set(agents.filter((a) => a !== '*').map((a) => a.toLowerCase())),
      });
    }
  }

  const rate = text(env, 'RATE_LIMIT');
  config.ratePerSecond = rate === '' ? DEFAULTS.ratePerSecond : parseRate(rate);
  if (config.ratePerSecond === null) errors.push('RATE_LIMIT: a positive number of requests per second, or N/s, N/m, N/h');
  const burst = text(env, 'RATE_BURST');
  config.rateBurst = burst === '' ? DEFAULTS.rateBurst : positiveNumber(burst, { integer: true, max: 10000 });
  if (config.rateBurst === null) errors.push('RATE_BURST: a positive integer');

  const timeout = text(env, 'UPSTREAM_TIMEOUT_MS');
  config.upstreamTimeoutMs = timeout === '' ? DEFAULTS.upstreamTimeoutMs : positiveNumber(timeout, { integer: true, max: 600000 });
  if (config.upstreamTimeoutMs === null) errors.push('UPSTREAM_TIMEOUT_MS: a positive integer up to 600000');

  const maxBody = text(env, 'MAX_BODY_BYTES');
  config.maxBodyBytes = maxBody === '' ? DEFAULTS.maxBodyBytes : positiveNumber(maxBody, { integer: true, max: MAX_BODY_BYTES_CEILING });
  if (config.maxBodyBytes === null) errors.push(`MAX_BODY_BYTES: a positive integer up to ${MAX_BODY_BYTES_CEILING}`);

  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, config };
}
