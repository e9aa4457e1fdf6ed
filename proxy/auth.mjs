// Bearer tokens and rate limits, per isolate. The token itself is never
// logged or echoed: the rest of the proxy knows a client by its label.

/** Failed token checks allowed in a burst, per isolate, and their refill per second. */
export const AUTH_FAILURE_BURST = 20;
export const AUTH_FAILURE_RATE = 2;

const encoder = new TextEncoder();

export class TokenBuckets {
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

/** Per-isolate auth state for one configuration. */
export function createAuthState(config) {
  return {
    limiter: new TokenBuckets(config.ratePerSecond, config.rateBurst),
    failures: new TokenBuckets(AUTH_FAILURE_RATE, AUTH_FAILURE_BURST),
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
async function matchToken(auth, tokens, presented) {
  auth.digests ??= Promise.all(tokens.map((t) => sha256(t.token)));
  const digests = await auth.digests;
  const mine = await sha256(presented);
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    let diff = 0;
    for (let j = 0; j < mine.length; j++) diff |= mine[j] ^ digests[i][j];
    found = diff === 0 ? i : found;
  }
  return found;
}

/**
 * Checks `Authorization: Bearer <token>` and the token's rate limit.
 * @returns {Promise<{ client: object } | { refusal: [code, detail, headers?] }>}
 *   client: the token's entry of config.tokens (label, agents, policy).
 */
export async function authenticate(request, config, auth, nowMs) {
  const header = request.headers.get('Authorization');
  const m = header === null ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (m === null) {
    return { refusal: ['TOKEN_MISSING', 'send Authorization: Bearer <token>', { 'WWW-Authenticate': 'Bearer' }] };
  }
  const index = await matchToken(auth, config.tokens, m[1]);
  if (index < 0) {
    const slow = auth.failures.take('failures', nowMs);
    if (!slow.ok) {
      return { refusal: ['RATE_LIMITED', `too many failed token checks; retry after ${slow.retryAfter} s`, { 'Retry-After': String(slow.retryAfter) }] };
    }
    return { refusal: ['TOKEN_INVALID', 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }] };
  }
  const limited = auth.limiter.take(`t${index}`, nowMs);
  if (!limited.ok) {
    return { refusal: ['RATE_LIMITED', `too many requests for this token; retry after ${limited.retryAfter} s`, { 'Retry-After': String(limited.retryAfter) }] };
  }
  return { client: config.tokens[index] };
}
