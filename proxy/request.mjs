// Reading the client's request: the query and, for POST, the form body,
// within a size limit and a deadline (slow clients), and the refusal that
// fits the package's decoding issues.

import { refusal, clean } from './replies.mjs';
import { readLimited } from './upstream.mjs';

const CREDENTIAL_FIELDS = new Set(['source', 'user', 'pass']);
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function isForm(contentType) {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType || '');
}

/**
 * Reads the body within `ms`; 'timeout' when it did not complete. With a
 * declared Content-Length (already checked against `max`) the HTTP framing
 * bounds the body, so it is read in one piece; otherwise chunk by chunk up to `max`.
 */
async function readWithDeadline(request, declared, max, ms) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const read = declared ? request.arrayBuffer().then((b) => new Uint8Array(b)) : readLimited(request.body, max);
  try {
    const r = await Promise.race([read, expired]);
    if (r === 'timeout') request.body?.cancel().catch(() => {});
    return r;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The parameters as one encoded string (query & body).
 * @returns {Promise<{ encoded: string } | { refusal: object }>}
 */
export async function readParams(request, url, config) {
  const query = url.search.slice(1);
  if (query.length > config.maxBodyBytes) {
    return { refusal: refusal('BODY_TOO_LARGE', `the query is limited to ${config.maxBodyBytes} bytes`) };
  }
  if (request.method.toUpperCase() !== 'POST') return { encoded: query };
  const declared = request.headers.get('Content-Length');
  if (declared !== null && !(Number(declared) <= config.maxBodyBytes)) {
    return { refusal: refusal('BODY_TOO_LARGE', `the body is limited to ${config.maxBodyBytes} bytes`) };
  }
  let bytes;
  try {
    // Content-Length counts only without Transfer-Encoding (workerd drops it then anyway).
    const framed = declared !== null && request.headers.get('Transfer-Encoding') === null;
    bytes = await readWithDeadline(request, framed, config.maxBodyBytes, config.bodyTimeoutMs);
  } catch {
    return { refusal: refusal('INVALID_REQUEST', 'input:BODY_NOT_READ') };
  }
  if (bytes === 'timeout') {
    return { refusal: refusal('REQUEST_TIMEOUT', `the request body did not arrive within ${config.bodyTimeoutMs} ms`, { Connection: 'close' }) };
  }
  if (bytes === null) return { refusal: refusal('BODY_TOO_LARGE', `the body is limited to ${config.maxBodyBytes} bytes`) };
  if (bytes.byteLength > 0 && !isForm(request.headers.get('Content-Type'))) {
    return { refusal: refusal('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/x-www-form-urlencoded') };
  }
  let body;
  try {
    body = utf8Strict.decode(bytes);
  } catch {
    return { refusal: refusal('INVALID_REQUEST', 'input:BAD_ENCODING') };
  }
  return { encoded: query === '' ? body : body === '' ? query : `${query}&${body}` };
}

/** The package's decoding issues -> one refusal, most specific policy first. */
export function refusalForIssues(issues, stages) {
  const fn = issues.find((i) => i.field === 'function' && (i.code === 'UNSUPPORTED_FUNCTION' || i.code === 'MISSING'));
  if (fn) return refusal('FUNCTION_NOT_ALLOWED', 'only function=ra_call_control is forwarded');
  const stage = issues.find((i) => i.field === 'stage' && (i.code === 'UNSUPPORTED_STAGE' || i.code === 'STAGE_NOT_VALID' || i.code === 'MISSING'));
  if (stage) return refusal('STAGE_NOT_ALLOWED', `stage must be one of: ${stages.join(', ')}`);
  if (issues.some((i) => CREDENTIAL_FIELDS.has(i.field))) {
    return refusal('CREDENTIALS_NOT_ALLOWED', 'send no source, user or pass: the proxy adds its own');
  }
  const unknown = issues.filter((i) => i.code === 'UNKNOWN_PARAMETER');
  if (unknown.length > 0) {
    return refusal('UNKNOWN_PARAMETER', `parameter not allowed: ${unknown.slice(0, 5).map((i) => clean(i.field)).join(', ')}`);
  }
  if (issues.some((i) => i.code === 'TOO_LARGE')) return refusal('BODY_TOO_LARGE', 'the request is too large');
  return refusal('INVALID_REQUEST', issues.slice(0, 8).map((i) => `${clean(i.field)}:${clean(i.code)}`).join(', '));
}
