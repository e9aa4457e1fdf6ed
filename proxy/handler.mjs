// The proxy's request handling, independent of the runtime: a web Request,
// the parsed config (config.mjs), the vicidial-xfer package API, and a
// function that sends the forwarded request upstream -> a web Response.
//
// Every refusal answers ONE line in the server's style,
//   ERROR: proxy <CODE> - <detail>\n
// as text/plain, with an HTTP status and the code in `X-Proxy-Error`.
// The codes are stable; README.md lists them. Nothing here logs, and no
// reply or header ever carries the VICIdial password or a bearer token.

/** The only path served. */
export const API_PATH = '/agc/api.php';
/** The most bytes of the upstream reply that are read. Real replies with PHP warnings are a few KiB. */
export const MAX_UPSTREAM_BYTES = 256 * 1024;
/** The most bytes of an upstream reply that are relayed. */
export const MAX_RELAY_BYTES = 512;
/** Failed token checks allowed in a burst, per isolate, and their refill per second. */
export const AUTH_FAILURE_BURST = 20;
export const AUTH_FAILURE_RATE = 2;

/** Every refusal: code -> HTTP status. */
export const CODES = Object.freeze({
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  MISCONFIGURED: 500,
  ORIGIN_NOT_ALLOWED: 403,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  RATE_LIMITED: 429,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FUNCTION_NOT_ALLOWED: 403,
  STAGE_NOT_ALLOWED: 403,
  CREDENTIALS_NOT_ALLOWED: 403,
  UNKNOWN_PARAMETER: 400,
  INVALID_REQUEST: 400,
  AGENT_NOT_ALLOWED: 403,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_BODY_TIMEOUT: 504,
  UPSTREAM_CONNECTION_FAILED: 502,
  UPSTREAM_HTTP_ERROR: 502,
  UPSTREAM_SERVER_ERROR: 502,
  UPSTREAM_REPLY_TOO_LARGE: 502,
});

const DO_NOT_RETRY = 'the transfer outcome is unknown: do not retry, check whether the call moved';
const CREDENTIAL_FIELDS = new Set(['source', 'user', 'pass']);
const ALLOWED_METHODS = 'POST, GET, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const EXPOSED_HEADERS = 'Retry-After, X-Proxy-Error';
const PREFLIGHT_MAX_AGE = '600';
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const encoder = new TextEncoder();

// ---------------------------------------------------------------------------
// State kept between requests (per isolate): rate limit buckets, token digests.

class TokenBuckets {
  constructor(ratePerSecond, burst) {
    this.rate = ratePerSecond;
    this.burst = burst;
    this.buckets = new Map();
  }

  /** Takes one token for `key`; when none is left, says how many seconds until one is. */
  take(key, nowMs) {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.rate);
    b.at = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfter: 0 };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.rate)) };
  }
}

/** State for one configuration; keep it for the life of the isolate. */
export function createProxyState(config) {
  return {
    config,
    limiter: new TokenBuckets(config.ratePerSecond, config.rateBurst),
    authFailures: new TokenBuckets(AUTH_FAILURE_RATE, AUTH_FAILURE_BURST),
    digests: null,
  };
}

async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * The index of the configured token equal to `presented`, or -1. Compares
 * SHA-256 digests byte by byte against EVERY token without an early exit,
 * so the time taken does not depend on how much of a token matched.
 */
async function matchToken(state, presented) {
  state.digests ??= Promise.all(state.config.tokens.map((t) => sha256(t.token)));
  const digests = await state.digests;
  const mine = await sha256(presented);
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    let diff = 0;
    for (let j = 0; j < mine.length; j++) diff |= mine[j] ^ digests[i][j];
    found = diff === 0 ? i : found;
  }
  return found;
}

// ---------------------------------------------------------------------------
// Replies.

/** Client-supplied text put into a reply line: printable ASCII only, cut short. */
function clean(text, max = 40) {
  const s = String(text).replace(/[^\x20-\x7e]/g, '?');
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function baseHeaders(cors) {
  const h = new Headers({
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    Vary: 'Origin',
  });
  if (cors) {
    h.set('Access-Control-Allow-Origin', cors);
    h.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }
  return h;
}

function refuse(code, detail, cors, extra = {}) {
  const headers = baseHeaders(cors);
  headers.set('X-Proxy-Error', code);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  return new Response(`ERROR: proxy ${code} - ${detail}\n`, { status: CODES[code], headers });
}

function relay(status, text, cors) {
  // 204/205 cannot carry the line: any 2xx is relayed as what it is, a 2xx.
  const s = status === 204 || status === 205 ? 200 : status;
  return new Response(text, { status: s, headers: baseHeaders(cors) });
}

// ---------------------------------------------------------------------------
// Reading bodies with limits.

/** Reads at most `max` bytes; null when there are more. */
async function readLimited(stream, max) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Decoding the client's request.

/** Maps decodeTransfer's issues to one refusal, most specific policy first. */
function refusalForIssues(issues, cors) {
  const fn = issues.find((i) => i.field === 'function' && (i.code === 'UNSUPPORTED_FUNCTION' || i.code === 'MISSING'));
  if (fn) return refuse('FUNCTION_NOT_ALLOWED', 'only function=ra_call_control is forwarded', cors);
  const stage = issues.find((i) => i.field === 'stage' && (i.code === 'UNSUPPORTED_STAGE' || i.code === 'MISSING'));
  if (stage) return refuse('STAGE_NOT_ALLOWED', 'only stage=INGROUPTRANSFER is forwarded', cors);
  if (issues.some((i) => CREDENTIAL_FIELDS.has(i.field))) {
    return refuse('CREDENTIALS_NOT_ALLOWED', 'send no source, user or pass: the proxy adds its own', cors);
  }
  const unknown = issues.filter((i) => i.code === 'UNKNOWN_PARAMETER');
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((i) => clean(i.field)).join(', ');
    return refuse('UNKNOWN_PARAMETER', `parameter not allowed: ${names}`, cors);
  }
  if (issues.some((i) => i.code === 'TOO_LARGE')) {
    return refuse('BODY_TOO_LARGE', 'the request is too large', cors);
  }
  const list = issues.slice(0, 8).map((i) => `${clean(i.field)}:${clean(i.code)}`).join(', ');
  return refuse('INVALID_REQUEST', list, cors);
}

function isForm(contentType) {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType || '');
}

// ---------------------------------------------------------------------------
// Upstream.

/**
 * Sends the forwarded body once and reads the whole reply within the
 * deadline. Never retries.
 * @returns {Promise<{ kind: 'reply', status: number, contentType: string, text: string }
 *   | { kind: 'fault', code: string, detail: string }>}
 */
async function callUpstream(send, body, timeoutMs) {
  const controller = new AbortController();
  let timedOut = false;
  let onTimeout;
  const expired = new Promise((resolve) => {
    onTimeout = resolve;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('upstream timeout', 'TimeoutError'));
    onTimeout('timeout');
  }, timeoutMs);
  try {
    let res;
    try {
      res = await Promise.race([send(body, controller.signal), expired]);
    } catch {
      if (timedOut) return { kind: 'fault', code: 'UPSTREAM_TIMEOUT', detail: `no reply from upstream within ${timeoutMs} ms; ${DO_NOT_RETRY}` };
      return { kind: 'fault', code: 'UPSTREAM_CONNECTION_FAILED', detail: `the connection to upstream failed; ${DO_NOT_RETRY}` };
    }
    if (res === 'timeout') {
      return { kind: 'fault', code: 'UPSTREAM_TIMEOUT', detail: `no reply from upstream within ${timeoutMs} ms; ${DO_NOT_RETRY}` };
    }
    const status = res.status;
    const contentType = res.headers.get('content-type') || '';
    let bytes;
    try {
      bytes = await Promise.race([readLimited(res.body, MAX_UPSTREAM_BYTES), expired]);
    } catch {
      if (timedOut) bytes = 'timeout';
      else return { kind: 'fault', code: 'UPSTREAM_CONNECTION_FAILED', detail: `the connection failed while reading the upstream reply (HTTP ${status}); ${DO_NOT_RETRY}` };
    }
    if (bytes === 'timeout') {
      res.body?.cancel().catch(() => {});
      return { kind: 'fault', code: 'UPSTREAM_BODY_TIMEOUT', detail: `upstream answered HTTP ${status} but its reply did not complete within ${timeoutMs} ms; ${DO_NOT_RETRY}` };
    }
    if (bytes === null) {
      return { kind: 'fault', code: 'UPSTREAM_REPLY_TOO_LARGE', detail: `upstream reply is larger than ${MAX_UPSTREAM_BYTES} bytes (HTTP ${status}); ${DO_NOT_RETRY}` };
    }
    return { kind: 'reply', status, contentType, text: utf8Lenient.decode(bytes) };
  } finally {
    clearTimeout(timer);
  }
}

/** The one line of `text` that parses to `code`, else null. */
function replyLine(api, text, code) {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line && line.length <= 4096 && api.parseReply(line).code === code) return line;
  }
  return null;
}

function relayUpstream(api, config, reply, cors) {
  const { status, contentType, text } = reply;
  const secret = config.pass;
  if (status < 200 || status > 299) {
    // Never a success, whatever the body says: a real server in strict SQL
    // mode prints the SUCCESS line, then fails with HTTP 500, queueing nothing.
    const kind = contentType ? ` (${clean(contentType.split(';')[0], 30)})` : '';
    const claimed = /SUCCESS:/.test(text) ? '; its SUCCESS line does not count' : '';
    return refuse('UPSTREAM_HTTP_ERROR', `upstream answered HTTP ${status}${kind}${claimed}; ${DO_NOT_RETRY}`, cors, {
      'X-Upstream-Status': String(status),
    });
  }
  const parsed = api.parseReply(text, { secret });
  if (parsed.code === 'SERVER_ERROR') {
    return refuse('UPSTREAM_SERVER_ERROR', `upstream reported a PHP fatal error (a SUCCESS line before it does not count); ${DO_NOT_RETRY}`, cors, {
      'X-Upstream-Status': String(status),
    });
  }
  if (parsed.code === 'UNRECOGNIZED' || parsed.code === 'EMPTY_REPLY') {
    return relay(status, api.redactReply(text, { secret, maxBytes: MAX_RELAY_BYTES }), cors);
  }
  // A recognised reply: relay its line alone, without PHP warnings around it.
  const line = replyLine(api, text, parsed.code) ?? text;
  const out = api.redactReply(line, { secret, maxBytes: MAX_RELAY_BYTES });
  return relay(status, out.endsWith('\n') ? out : `${out}\n`, cors);
}

// ---------------------------------------------------------------------------
// The handler.

/**
 * Handles one request.
 * @param {Request} request
 * @param {{ ok: boolean, config?: object, errors?: string[] }} parsed parseConfig(env)'s result
 * @param {object} api the vicidial-xfer package (decodeTransfer, buildTransfer, parseReply, redactReply)
 * @param {{ state: object, send: (body: string, signal: AbortSignal) => Promise<Response>, now?: () => number }} ctx
 *   state: createProxyState(config); send: POSTs the form body to the upstream.
 * @returns {Promise<Response>}
 */
export async function handleProxyRequest(request, parsed, api, ctx) {
  const url = new URL(request.url);
  const origin = request.headers.get('Origin');
  const now = ctx.now ?? Date.now;

  if (!parsed.ok) {
    return refuse('MISCONFIGURED', `the proxy is not configured correctly (${parsed.errors.map((e) => e.split(':')[0]).join(', ')})`, null);
  }
  const config = parsed.config;
  const state = ctx.state;

  // Exact string match, never a substring or a pattern.
  if (origin !== null && !config.allowedOrigins.has(origin)) {
    return refuse('ORIGIN_NOT_ALLOWED', 'this origin may not use the proxy', null);
  }
  const cors = origin;

  if (url.pathname !== API_PATH) return refuse('NOT_FOUND', `only ${API_PATH} is served`, cors);

  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') {
    const headers = baseHeaders(null);
    headers.delete('Content-Type');
    headers.set('Allow', ALLOWED_METHODS);
    if (cors) {
      headers.set('Access-Control-Allow-Origin', cors);
      headers.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      headers.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      headers.set('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
    }
    return new Response(null, { status: 204, headers });
  }
  if (method !== 'POST' && method !== 'GET') {
    return refuse('METHOD_NOT_ALLOWED', 'use POST (form body) or GET', cors, { Allow: ALLOWED_METHODS });
  }

  // Bearer token.
  const auth = request.headers.get('Authorization');
  const m = auth === null ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
  if (m === null) {
    return refuse('TOKEN_MISSING', 'send Authorization: Bearer <token>', cors, { 'WWW-Authenticate': 'Bearer' });
  }
  const index = await matchToken(state, m[1]);
  if (index < 0) {
    const slow = state.authFailures.take('failures', now());
    if (!slow.ok) {
      return refuse('RATE_LIMITED', `too many failed token checks; retry after ${slow.retryAfter} s`, cors, {
        'Retry-After': String(slow.retryAfter),
      });
    }
    return refuse('TOKEN_INVALID', 'missing or wrong bearer token', cors, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  const client = config.tokens[index];

  const limited = state.limiter.take(`t${index}`, now());
  if (!limited.ok) {
    return refuse('RATE_LIMITED', `too many requests for this token; retry after ${limited.retryAfter} s`, cors, {
      'Retry-After': String(limited.retryAfter),
    });
  }

  // The parameters: the query, and for POST also the form body (the server reads both).
  const query = url.search.slice(1);
  let body = '';
  if (method === 'POST') {
    const declared = request.headers.get('Content-Length');
    if (declared !== null && !(Number(declared) <= config.maxBodyBytes)) {
      return refuse('BODY_TOO_LARGE', `the body is limited to ${config.maxBodyBytes} bytes`, cors);
    }
    const bytes = await readLimited(request.body, config.maxBodyBytes);
    if (bytes === null) return refuse('BODY_TOO_LARGE', `the body is limited to ${config.maxBodyBytes} bytes`, cors);
    if (bytes.byteLength > 0 && !isForm(request.headers.get('Content-Type'))) {
      return refuse('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/x-www-form-urlencoded', cors);
    }
    try {
      body = utf8Strict.decode(bytes);
    } catch {
      return refuse('INVALID_REQUEST', 'input:BAD_ENCODING', cors);
    }
  }
  if (query.length > config.maxBodyBytes) {
    return refuse('BODY_TOO_LARGE', `the query is limited to ${config.maxBodyBytes} bytes`, cors);
  }
  const encoded = [query, body].filter((s) => s !== '').join('&');

  const decoded = api.decodeTransfer(encoded);
  if (!decoded.ok) return refusalForIssues(decoded.issues, cors);
  const req = decoded.request;
  if (req.source !== undefined || req.user !== undefined || req.pass !== undefined) {
    return refuse('CREDENTIALS_NOT_ALLOWED', 'send no source, user or pass: the proxy adds its own', cors);
  }

  // VICIdial does not check that the agent owns the call: the token does.
  if (!client.anyAgent && !client.agents.has(req.agentUser.toLowerCase())) {
    return refuse('AGENT_NOT_ALLOWED', `this token may not transfer calls of agent ${clean(req.agentUser, 20)}`, cors);
  }

  let forward;
  try {
    forward = api.buildTransfer({ ...req, source: config.source, user: config.user, pass: config.pass }).body;
  } catch {
    // Only the proxy's own settings can be wrong here (the request was valid).
    return refuse('MISCONFIGURED', 'the proxy is not configured correctly (VICIDIAL_SOURCE, VICIDIAL_USER, VICIDIAL_PASS)', cors);
  }

  const result = await callUpstream(ctx.send, forward, config.upstreamTimeoutMs);
  if (result.kind === 'fault') return refuse(result.code, result.detail, cors);
  return relayUpstream(api, config, result, cors);
}

/** Builds the `send` function for a parsed config: fetch to UPSTREAM_URL, or the SANDBOX service binding. */
export function upstreamSender(config, env, fetchImpl = fetch) {
  return (body, signal) => {
    const init = {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'vicidial-xfer-proxy' },
      body,
      signal,
      // A 307/308 would resend the credentials elsewhere: never follow.
      redirect: 'manual',
    };
    if (config.upstream.kind === 'sandbox') return env.SANDBOX.fetch(new Request(config.upstream.url, init));
    return fetchImpl(config.upstream.url, init);
  };
}
