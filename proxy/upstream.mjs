// Talking to VICIdial: one exchange with a deadline (never retried), the
// relay of api.php's reply line, and the version question.
//
// The upstream is named by a URL; requests go through the service binding
// `UPSTREAM` when the worker has one (e.g. a VICIdial simulator in the same
// workerd), else through fetch. Redirects are never followed.

import { refusal, relayed, clean } from './replies.mjs';

/** The most bytes of an upstream reply that are read. Real replies with PHP warnings are a few KiB. */
export const MAX_UPSTREAM_BYTES = 256 * 1024;
/** The most bytes of an upstream reply that are relayed. */
export const MAX_RELAY_BYTES = 512;

const DO_NOT_RETRY = 'the outcome is unknown: do not retry, check the call (GET /proxy/current-call)';
const utf8 = new TextDecoder('utf-8');

/** `send(url, init)` -> Promise<Response>, through env.UPSTREAM or fetch. */
export function upstreamSender(config, env, fetchImpl = globalThis.fetch) {
  // The binding takes (url, init) like fetch: no Request object built in between.
  if (config.viaBinding) return (url, init) => env.UPSTREAM.fetch(url, init);
  return (url, init) => fetchImpl(url, init);
}

/** A POST of a form body, redirects not followed (a 307/308 would resend the credentials elsewhere). */
export function formPost(body, signal) {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'vicidial-xfer-proxy' },
    body,
    signal,
    redirect: 'manual',
  };
}

/** The first read of a body whose length is not declared: replies are one line, far below this. */
const FIRST_READ_BYTES = 4096;

/** A byte-stream reader with workerd's readAtLeast, or null (plain web streams, Node). */
function byobReader(stream) {
  try {
    const reader = stream.getReader({ mode: 'byob' });
    if (typeof reader.readAtLeast === 'function') return reader;
    reader.releaseLock();
  } catch {
    /* not a byte stream */
  }
  return null;
}

/** Reads at most `max` bytes of a stream; null when there are more. */
export async function readLimited(stream, max) {
  if (!stream) return new Uint8Array(0);
  const chunks = [];
  let total = 0;
  let reader = byobReader(stream);
  if (reader) {
    // One read for a short body: readAtLeast answers fewer bytes than asked only at the end of the stream.
    const want = Math.min(FIRST_READ_BYTES, max + 1);
    const { value, done } = await reader.readAtLeast(want, new Uint8Array(want));
    const got = value ? value.byteLength : 0;
    if (got > max) {
      reader.cancel().catch(() => {});
      return null;
    }
    if (done || got < want) return got === 0 ? new Uint8Array(0) : value;
    chunks.push(value);
    total = got;
    reader.releaseLock();
  }
  reader = stream.getReader();
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
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * One exchange: sends once and reads the whole reply within `timeoutMs`.
 * @returns {Promise<{ kind: 'reply', status, contentType, text } | { kind: 'fault', code, detail }>}
 */
export async function exchange(send, url, init, timeoutMs) {
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
  const noReply = { kind: 'fault', code: 'UPSTREAM_TIMEOUT', detail: `no reply from upstream within ${timeoutMs} ms` };
  try {
    let res;
    try {
      res = await Promise.race([send(url, { ...init, signal: controller.signal }), expired]);
    } catch {
      if (timedOut) return noReply;
      return { kind: 'fault', code: 'UPSTREAM_CONNECTION_FAILED', detail: 'the connection to upstream failed' };
    }
    if (res === 'timeout') return noReply;
    const status = res.status;
    const contentType = res.headers.get('content-type') || '';
    // With a Content-Length the HTTP framing bounds the body: refuse a larger one unread, read
    // a smaller one in one piece; without one (chunked, a service binding) chunk by chunk up to the
    // limit. Not for a compressed body: fetch inflates it, so its Content-Length bounds nothing.
    const framed = res.headers.get('transfer-encoding') === null && res.headers.get('content-encoding') === null;
    const declared = framed ? res.headers.get('content-length') : null;
    const length = declared === null ? NaN : Number(declared);
    if (length > MAX_UPSTREAM_BYTES) {
      res.body?.cancel().catch(() => {});
      return { kind: 'fault', code: 'UPSTREAM_REPLY_TOO_LARGE', detail: `upstream reply is larger than ${MAX_UPSTREAM_BYTES} bytes (HTTP ${status})` };
    }
    const read = Number.isInteger(length) && length >= 0 ? res.arrayBuffer().then((b) => new Uint8Array(b)) : readLimited(res.body, MAX_UPSTREAM_BYTES);
    let bytes;
    try {
      bytes = await Promise.race([read, expired]);
    } catch {
      if (!timedOut) return { kind: 'fault', code: 'UPSTREAM_CONNECTION_FAILED', detail: `the connection failed while reading the upstream reply (HTTP ${status})` };
      bytes = 'timeout';
    }
    if (bytes === 'timeout') {
      res.body?.cancel().catch(() => {});
      return { kind: 'fault', code: 'UPSTREAM_BODY_TIMEOUT', detail: `upstream answered HTTP ${status} but its reply did not complete within ${timeoutMs} ms` };
    }
    if (bytes === null) {
      return { kind: 'fault', code: 'UPSTREAM_REPLY_TOO_LARGE', detail: `upstream reply is larger than ${MAX_UPSTREAM_BYTES} bytes (HTTP ${status})` };
    }
    return { kind: 'reply', status, contentType, text: utf8.decode(bytes) };
  } finally {
    clearTimeout(timer);
  }
}

/** The line of `text` (its own bytes, nothing trimmed) that parses to `code`, else null. */
function replyLine(api, text, code) {
  let from = 0;
  while (from <= text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    const line = text.slice(from, nl);
    if (line.trim() !== '' && line.length <= 4096 && api.parseReply(line).code === code) return line;
    from = nl + 1;
  }
  return null;
}

/**
 * api.php's answer to a forwarded ra_call_control -> a reply object plus
 * what it means for the call:
 *   outcome 'acted'   the stage succeeded (successCode): the call moved or ended
 *           'unknown' the upstream may have acted (faults, 5xx, fatal errors, unreadable replies)
 *           'none'    a definite refusal by the server: nothing happened
 *   code   the reply's code (parseReply) or the proxy code, for the audit.
 */
export function conclude(api, config, result, successCode) {
  if (result.kind === 'fault') {
    return { ...refusal(result.code, `${result.detail}; ${DO_NOT_RETRY}`), outcome: 'unknown' };
  }
  const { status, contentType, text } = result;
  const secret = config.pass;
  if (status < 200 || status > 299) {
    // Never a success, whatever the body says: a real server in strict SQL
    // mode prints the SUCCESS line, then fails with HTTP 500, queueing nothing.
    const kind = contentType ? ` (${clean(contentType.split(';')[0], 30)})` : '';
    const claimed = /SUCCESS:/.test(text) ? '; its SUCCESS line does not count' : '';
    return {
      ...refusal('UPSTREAM_HTTP_ERROR', `upstream answered HTTP ${status}${kind}${claimed}; ${DO_NOT_RETRY}`, { 'X-Upstream-Status': String(status) }),
      outcome: 'unknown',
    };
  }
  const parsed = api.parseReply(text, { secret });
  // SUCCESS_NOT_COMPLETED: a SUCCESS line, then a PHP fatal error (strict SQL mode: statuses written, nothing queued).
  if (parsed.code === 'SERVER_ERROR' || parsed.code === 'SUCCESS_NOT_COMPLETED') {
    return {
      ...refusal('UPSTREAM_SERVER_ERROR', `upstream reported a PHP fatal error (a SUCCESS line before it does not count); ${DO_NOT_RETRY}`, { 'X-Upstream-Status': String(status) }),
      outcome: 'unknown',
    };
  }
  if (parsed.code === 'UNRECOGNIZED' || parsed.code === 'EMPTY_REPLY') {
    return { ...relayed(status, api.redactReply(text, { secret, maxBytes: MAX_RELAY_BYTES })), code: parsed.code, outcome: 'unknown' };
  }
  // A recognised reply: relay its line alone (byte for byte), without PHP warnings around it.
  const line = replyLine(api, text, parsed.code) ?? text;
  const out = api.redactReply(line, { secret, maxBytes: MAX_RELAY_BYTES });
  return {
    ...relayed(status, out.endsWith('\n') ? out : `${out}\n`),
    code: parsed.code,
    outcome: parsed.code === successCode ? 'acted' : 'none',
  };
}

/**
 * Asks api.php its version (`function=version`, no credentials).
 * @returns {Promise<string|null>} e.g. "2.14-82", or null when it did not say
 */
export async function askVersion(send, config) {
  const r = await exchange(send, `${config.upstreamUrl}?function=version`, { method: 'GET', redirect: 'manual' }, config.upstreamTimeoutMs);
  if (r.kind !== 'reply' || r.status !== 200) return null;
  const m = /^VERSION: (\d{1,3}\.\d{1,3}-\d{1,4})\|/m.exec(r.text);
  return m ? m[1] : null;
}
