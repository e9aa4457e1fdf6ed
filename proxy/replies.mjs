// HTTP replies of the proxy. Every refusal is ONE line in the server's style,
//   ERROR: proxy <CODE> - <detail>\n
// as text/plain, with an HTTP status and the code in `X-Proxy-Error`.
// Codes are stable (README.md lists them); details are English text.
//
// Inside the proxy a reply travels as a plain object (it crosses into the
// Durable Object and back, so it must be structured-cloneable):
//   { status, body, headers: { name: value } }
// and becomes a web Response only at the edge (toResponse).

/** Every proxy code -> HTTP status. */
export const CODES = Object.freeze({
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  MISCONFIGURED: 500,
  ORIGIN_NOT_ALLOWED: 403,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  RATE_LIMITED: 429,
  REQUEST_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FUNCTION_NOT_ALLOWED: 403,
  STAGE_NOT_ALLOWED: 403,
  TARGET_NOT_ALLOWED: 403,
  CREDENTIALS_NOT_ALLOWED: 403,
  UNKNOWN_PARAMETER: 400,
  INVALID_REQUEST: 400,
  AGENT_NOT_ALLOWED: 403,
  AGENT_REQUIRED: 400,
  NOT_AGENTS_CALL: 403,
  CALL_RINGING: 409,
  CALL_ENDED: 409,
  AGENT_NOT_LOGGED_IN: 409,
  OWNERSHIP_CHECK_FAILED: 502,
  TRANSFER_IN_PROGRESS: 409,
  ALREADY_ACTED: 409,
  OUTCOME_UNKNOWN: 409,
  PROXY_FAILURE: 500,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_BODY_TIMEOUT: 504,
  UPSTREAM_CONNECTION_FAILED: 502,
  UPSTREAM_HTTP_ERROR: 502,
  UPSTREAM_SERVER_ERROR: 502,
  UPSTREAM_REPLY_TOO_LARGE: 502,
});

export const ALLOWED_METHODS = 'POST, GET, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const EXPOSED_HEADERS = 'Retry-After, X-Proxy-Error, X-Proxy-Replayed';
const PREFLIGHT_MAX_AGE = '600';

/** Client-supplied text put into a reply line: printable ASCII only, cut short. */
export function clean(text, max = 40) {
  const s = String(text).replace(/[^\x20-\x7e]/g, '?');
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** A refusal as a reply object. `extra`: more headers (Retry-After, ...). */
export function refusal(code, detail, extra = undefined) {
  const headers = { 'X-Proxy-Error': code };
  if (extra) Object.assign(headers, extra);
  return { status: CODES[code], body: `ERROR: proxy ${code} - ${detail}\n`, headers, code };
}

/** A relayed upstream line (any 2xx is relayed as what it is; 204/205 cannot carry a body). */
export function relayed(status, body) {
  return { status: status === 204 || status === 205 ? 200 : status, body, headers: {} };
}

/** A JSON reply object. */
export function jsonReply(value) {
  return { status: 200, body: `${JSON.stringify(value)}\n`, headers: { 'Content-Type': 'application/json' }, json: true };
}

function baseHeaders(cors) {
  return new Headers(commonHeaders(cors));
}

/** The common headers as a plain object (the Response constructor takes it as is: no Headers built and copied). */
function commonHeaders(cors) {
  const h = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    Vary: 'Origin',
  };
  if (cors) {
    h['Access-Control-Allow-Origin'] = cors;
    h['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
  }
  return h;
}

/** A reply object -> web Response, with the common headers and CORS for `cors` (an allowed origin or null). */
export function toResponse(reply, cors) {
  const headers = commonHeaders(cors);
  // A reply's own headers (same spelling as above: Content-Type for JSON) replace the common ones.
  for (const k in reply.headers) headers[k] = reply.headers[k];
  return new Response(reply.body, { status: reply.status, headers });
}

/** The answer to a CORS preflight (OPTIONS). */
export function preflight(cors) {
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
