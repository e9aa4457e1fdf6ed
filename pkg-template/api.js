// The curated API over wasm-bindgen's glue. Each entry file (index.js for
// browsers, node.js, workerd.js, inline.js) passes the glue it loaded and a
// function telling whether the wasm is ready.
//
// The wasm validates, builds, parses and concludes; the fetch lives here,
// with the timeout, abort handling, redirect refusal and reply cap. No wasm
// object is held between calls: a failure of one call cannot break the
// next.
//
// Requests cross into wasm as their seven fields (strings or undefined)
// plus a bitmask of fields that held anything else (reported as
// NOT_A_STRING, never converted); results come back as one JSON string.

const DEFAULT_TIMEOUT_MS = 15000;
/** Replies are read up to this many bytes, as the proxy does; a longer one is REPLY_TOO_LARGE. */
export const MAX_REPLY_BYTES = 256 * 1024;
/** How many call IDs a client remembers as possibly moved (as the core's log). */
const LOG_CAPACITY = 64;
const FIELDS = ["source", "user", "pass", "agentUser", "callId", "ingroup", "status"];
/** Proxy codes for which the upstream may have acted (contracts.md). */
const UPSTREAM_FAULTS = new Set([
  "UPSTREAM_TIMEOUT", "UPSTREAM_BODY_TIMEOUT", "UPSTREAM_CONNECTION_FAILED",
  "UPSTREAM_HTTP_ERROR", "UPSTREAM_SERVER_ERROR", "UPSTREAM_REPLY_TOO_LARGE",
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Headers a runtime sets itself or browsers silently drop (Fetch's forbidden
// request headers), and Content-Type, which the client sets.
const RESERVED_HEADERS = new Set([
  "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
  "connection", "content-length", "content-type", "cookie", "cookie2", "date", "dnt", "expect", "host",
  "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
]);

/** Thrown by `buildTransfer` for an invalid request; `issues` says what is wrong. */
export class TransferValidationError extends Error {
  constructor(issues) {
    super(`invalid transfer request: ${issues.map((i) => i.message).join("; ")}`);
    this.name = "TransferValidationError";
    this.issues = issues;
  }
}

const own = (object, key) => Object.prototype.propertyIsEnumerable.call(object, key);

/** The request's own enumerable fields, each falling back to `defaults`. */
function merged(request, defaults) {
  if (request === null || typeof request !== "object") {
    throw new TypeError("the transfer request must be an object");
  }
  const out = {};
  for (const key of FIELDS) {
    const value = own(request, key) ? request[key] : undefined;
    out[key] = value === undefined || value === null ? defaults[key] : value;
  }
  return out;
}

/** `[source, user, pass, agentUser, callId, ingroup, status, notStrings]`. */
function fieldsOf(fields) {
  const args = new Array(8);
  let notStrings = 0;
  for (let i = 0; i < 7; i++) {
    const value = fields[FIELDS[i]];
    if (typeof value === "string") args[i] = value;
    else if (value !== undefined && value !== null) notStrings |= 1 << i;
  }
  args[7] = notStrings;
  return args;
}

/** Checks every header now, so that no call can fail on one later. Never shows a value. */
function checkedHeaders(headers) {
  if (headers === undefined || headers === null) return [];
  const proto = typeof headers === "object" ? Object.getPrototypeOf(headers) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError("headers must be a plain object of header name -> string value (not a Headers, Map or array)");
  }
  const seen = new Set();
  const out = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!TOKEN.test(name)) throw new TypeError(`header name ${JSON.stringify(name.slice(0, 64))} is not a valid HTTP header name`);
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-")) {
      throw new TypeError(`header ${name} cannot be set: the runtime sets it itself or browsers silently drop it`);
    }
    if (seen.has(lower)) throw new TypeError(`header ${name} is given twice (header names are case-insensitive)`);
    seen.add(lower);
    if (typeof value !== "string") throw new TypeError(`header ${name} must be a string`);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c !== 9 && (c < 0x20 || c > 0x7e)) {
        throw new TypeError(`header ${name}: its value has a character that is not printable ASCII at position ${i}`);
      }
    }
    if (/^[ \t]|[ \t]$/.test(value)) {
      throw new TypeError(`header ${name}: its value has leading or trailing whitespace, which fetch would silently remove`);
    }
    out.push([name, value]);
  }
  return out;
}

function checkedEndpoint(endpoint) {
  if (typeof endpoint !== "string") throw new TypeError("endpoint must be an absolute http(s) URL string");
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError("endpoint must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("endpoint must be an absolute http(s) URL");
  if (url.username || url.password) throw new TypeError("endpoint must not contain a user name or password (pass credentials as fields or headers)");
  if (url.hash) throw new TypeError("endpoint must not contain a #fragment");
  return url;
}

function checkedSignal(options) {
  if (options !== undefined && options !== null && typeof options !== "object") throw new TypeError("options must be an object");
  const signal = options?.signal;
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal !== "object" || typeof signal.aborted !== "boolean" || typeof signal.addEventListener !== "function") {
    throw new TypeError("signal must be an AbortSignal");
  }
  return signal;
}

/** The error codes along an error's `cause` chain, and its messages (never shown: they may hold a URL). */
function describe(error) {
  const parts = [];
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e !== "object" && typeof e !== "function") {
      parts.push(String(e));
      break;
    }
    for (const k of ["code", "errno", "name", "message"]) if (e[k] !== undefined) parts.push(String(e[k]));
  }
  return parts.join(" ");
}

// A connection that was never made: the request cannot have reached the
// server. Node (undici): cause.code ECONNREFUSED / ENOTFOUND / EAI_AGAIN;
// Deno: "Connection refused (os error 111)" / "dns error"; Bun: code
// "ConnectionRefused". Browsers say only "Failed to fetch" and workerd
// "Network connection lost." for every failure (refused, reset, CORS):
// there a refused connection stays NETWORK_ERROR, outcome unknown.
const NEVER_CONNECTED =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|ConnectionRefused|Connection refused|os error 111|dns error|failed to lookup address|Name or service not known|No address associated/;
const NEVER_CONNECTED_CAUSE = /ECONNREFUSED|ConnectionRefused|Connection refused|os error 111/;

function notConnectedCause(error) {
  const text = describe(error);
  if (!NEVER_CONNECTED.test(text)) return undefined;
  return NEVER_CONNECTED_CAUSE.test(text) ? "CONNECTION_REFUSED" : "HOST_NOT_FOUND";
}

function transportOutcome(code, message, outcomeUnknown, extra) {
  return { ok: false, code, message, outcomeUnknown, likelyAlreadyTransferred: false, ...extra };
}

/** What a failed fetch or body read means. `responded`: reply headers had arrived. */
function failureOutcome(error, why, responded, extra) {
  if (why === "timeout") {
    return transportOutcome("TIMEOUT", "Timed out: the request may or may not have been acted on; do not retry, check the call", true, extra);
  }
  if (why === "abort") {
    return transportOutcome("ABORTED", "Aborted: the request may already have reached the server; do not retry, check the call", true, extra);
  }
  const cause = responded ? undefined : notConnectedCause(error);
  if (cause) {
    return transportOutcome(
      "NOT_CONNECTED",
      cause === "CONNECTION_REFUSED"
        ? "Connection refused: nothing was sent; check the endpoint"
        : "Host not found: nothing was sent; check the endpoint",
      false,
      { cause, ...extra },
    );
  }
  return transportOutcome(
    "NETWORK_ERROR",
    "Network error: the request may or may not have reached the server; do not retry, check the call",
    true,
    extra,
  );
}

/** Reads at most `cap` bytes of the body as UTF-8 (as `text()` would); cancels the rest. */
async function readCapped(response, cap) {
  if (!response.body) return { text: await response.text(), cut: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > cap) {
      text += decoder.decode(value.subarray(0, cap - total), { stream: true });
      reader.cancel().catch(() => {});
      return { text, cut: true };
    }
    total += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), cut: false };
}

function retryAfterOf(headers) {
  const v = headers.get("Retry-After");
  return v !== null && /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

const PROXY_LINE = /^ERROR: proxy ([A-Z][A-Z0-9_]*) - ([^\n]*)\n?$/;

/**
 * A proxy refusal (`X-Proxy-Error`, or without that header, where CORS hides
 * it, a non-2xx reply that is exactly one proxy line). Else undefined.
 */
function proxyRefusal(response, text, redact) {
  const header = response.headers.get("X-Proxy-Error");
  const line = PROXY_LINE.exec(text);
  const code = header?.trim() || (response.status >= 400 && line ? line[1] : undefined);
  if (!code || !/^[A-Z][A-Z0-9_]*$/.test(code)) return undefined;
  const reason = line && line[1] === code ? redact(line[2]) : redact(text.split("\n", 1)[0]);
  const retryAfter = retryAfterOf(response.headers);
  const outcomeUnknown = UPSTREAM_FAULTS.has(code);
  const out = {
    ok: false,
    code: "PROXY_REFUSED",
    message: outcomeUnknown
      ? `The proxy refused (${code}): the server may have acted; do not retry, check the call`
      : `The proxy refused the request (${code}): ${reason}`,
    outcomeUnknown,
    likelyAlreadyTransferred: false,
    proxyCode: code,
    reason,
    httpStatus: response.status,
  };
  if (retryAfter !== undefined) out.retryAfter = retryAfter;
  out.raw = redact(text);
  return out;
}

function redirectOutcome(response) {
  const status = response.type === "opaqueredirect" ? undefined : response.status;
  const out = transportOutcome(
    "REDIRECT",
    "The endpoint answered with a redirect, which is never followed (it would re-send the request, password included, elsewhere); the server that answered may have acted: do not retry, check the call and the endpoint",
    true,
  );
  if (status) out.httpStatus = status;
  return out;
}

/**
 * @param {typeof import("./vicidial_xfer.js")} glue
 * @param {() => boolean} isReady
 */
export function makeApi(glue, isReady) {
  const need = (what) => {
    if (!isReady()) {
      throw new Error(
        `vicidial-xfer is not initialized: call \`await init()\` (or \`initSync({ module })\`) once, before ${what}()`,
      );
    }
  };

  /** One fetch with the deadline and the caller's signal; resolves to `{ response, text, cut }` or `{ failure }`. */
  async function exchange(url, init, timeoutMs, signal, redact) {
    const controller = new AbortController();
    let why;
    const timer = setTimeout(() => {
      why ??= "timeout";
      controller.abort(new DOMException("The request timed out", "TimeoutError"));
    }, timeoutMs);
    const onAbort = () => {
      why ??= "abort";
      controller.abort(new DOMException("The request was aborted", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let response;
    try {
      let request;
      try {
        request = new Request(url, { ...init, redirect: "manual", signal: controller.signal });
      } catch {
        return { failure: transportOutcome("NOT_CONNECTED", "The runtime refused to build the request: nothing was sent", false, { cause: "REQUEST_NOT_BUILT" }) };
      }
      try {
        response = await fetch(request);
      } catch (error) {
        return { failure: failureOutcome(error, why, false) };
      }
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        response.body?.cancel().catch(() => {});
        return { failure: redirectOutcome(response) };
      }
      try {
        const { text, cut } = await readCapped(response, MAX_REPLY_BYTES);
        if (cut) {
          return {
            failure: transportOutcome(
              "REPLY_TOO_LARGE",
              `The reply is longer than ${MAX_REPLY_BYTES} bytes and was cut: it is not a VICIdial reply; the server may have acted: do not retry, check the call`,
              true,
              { httpStatus: response.status, raw: redact(text) },
            ),
          };
        }
        return { response, text };
      } catch (error) {
        return { failure: failureOutcome(error, why, true, { httpStatus: response.status }) };
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  class TransferClient {
    #endpoint;
    #get;
    #headers;
    #timeoutMs;
    #defaults;
    /** Upper-cased call IDs this client may already have moved, oldest first. */
    #moved = [];

    constructor(options) {
      if (options === null || typeof options !== "object") throw new TypeError("TransferClient options must be an object");
      this.#endpoint = checkedEndpoint(options.endpoint);
      const method = options.method ?? "POST";
      if (method !== "POST" && method !== "GET") throw new TypeError('method must be "POST" or "GET"');
      this.#get = method === "GET";
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2147483647) {
        throw new TypeError("timeoutMs must be a positive number of milliseconds");
      }
      this.#timeoutMs = timeoutMs;
      this.#headers = checkedHeaders(options.headers);
      const defaults = options.defaults ?? {};
      if (defaults === null || typeof defaults !== "object") throw new TypeError("defaults must be an object");
      this.#defaults = {};
      for (const key of FIELDS) if (own(defaults, key)) this.#defaults[key] = defaults[key];
      for (const key of Object.keys(defaults)) {
        if (!FIELDS.includes(key)) throw new TypeError(`defaults has an unknown key ${JSON.stringify(key.slice(0, 64))}`);
      }
    }

    #mayHaveMoved(callId) {
      return this.#moved.includes(callId.toUpperCase());
    }

    #remember(callId) {
      const key = callId.toUpperCase();
      if (this.#moved.includes(key)) return;
      if (this.#moved.length === LOG_CAPACITY) this.#moved.shift();
      this.#moved.push(key);
    }

    /** Sends one transfer. Never retries; resolves to an outcome for every failure. */
    async transfer(request, options) {
      need("transfer");
      const signal = checkedSignal(options);
      const fields = merged(request, this.#defaults);
      const built = JSON.parse(glue.build(...fieldsOf(fields), false));
      if (built.issues) {
        return transportOutcome("INVALID_REQUEST", "Invalid request: nothing was sent (see issues)", false, { issues: built.issues });
      }
      if (signal?.aborted) {
        return transportOutcome("ABORTED", "Aborted before sending: nothing was sent", false);
      }
      const secret = typeof fields.pass === "string" ? fields.pass : undefined;
      const callId = fields.callId;
      const redact = (text) => glue.redactReply(text, secret, undefined);
      const headers = new Headers(this.#headers);
      let url = this.#endpoint.href;
      const init = { method: this.#get ? "GET" : "POST", headers };
      if (this.#get) url += (this.#endpoint.search ? "&" : "?") + built.query;
      else {
        headers.set("Content-Type", "application/x-www-form-urlencoded");
        init.body = built.body;
      }
      const earlier = this.#mayHaveMoved(callId);
      const got = await exchange(url, init, this.#timeoutMs, signal, redact);
      let outcome = got.failure;
      if (!outcome) outcome = proxyRefusal(got.response, got.text, redact);
      if (!outcome) outcome = JSON.parse(glue.conclude(callId, got.response.status, got.text, secret, earlier));
      if (outcome.ok || outcome.outcomeUnknown) this.#remember(callId);
      return outcome;
    }

    /**
     * The proxy's view of the agent's current call (`GET /proxy/current-call`
     * on the endpoint's origin): `{ ok: true, agentUser, callId, status,
     * subStatus, movable }` or a typed failure. Needs no wasm.
     */
    async currentCall(options) {
      const signal = checkedSignal(options);
      if (signal?.aborted) return transportOutcome("ABORTED", "Aborted before sending: nothing was sent", false);
      const url = new URL("/proxy/current-call", this.#endpoint).href;
      const headers = new Headers(this.#headers);
      headers.set("Accept", "application/json");
      const got = await exchange(url, { method: "GET", headers }, this.#timeoutMs, signal, (t) => t.slice(0, 512));
      if (got.failure) return { ...got.failure, outcomeUnknown: false };
      const refusal = proxyRefusal(got.response, got.text, (t) => t.slice(0, 512));
      if (refusal) return { ...refusal, outcomeUnknown: false, message: `The proxy refused (${refusal.proxyCode}): ${refusal.reason}` };
      const raw = got.text.slice(0, 512);
      const status = got.response.status;
      if (status !== 200) {
        return { ok: false, code: "HTTP_ERROR", message: `HTTP error ${status} from the current-call endpoint`, outcomeUnknown: false, httpStatus: status, raw };
      }
      let v;
      try {
        v = JSON.parse(got.text);
      } catch {
        v = undefined;
      }
      const isText = (k) => typeof v?.[k] === "string";
      if (!v || typeof v !== "object" || !["agentUser", "callId", "status", "subStatus"].every(isText) || typeof v.movable !== "boolean") {
        return { ok: false, code: "BAD_RESPONSE", message: "The current-call endpoint answered something that is not its JSON", outcomeUnknown: false, httpStatus: status, raw };
      }
      return { ok: true, code: "CURRENT_CALL", agentUser: v.agentUser, callId: v.callId, status: v.status, subStatus: v.subStatus, movable: v.movable };
    }

    /** Nothing to free (kept for compatibility: the client holds no wasm memory). */
    free() {}
  }

  return {
    TransferClient,
    TransferValidationError,
    validateTransfer(request) {
      need("validateTransfer");
      return JSON.parse(glue.build(...fieldsOf(merged(request, {})), true));
    },
    buildTransfer(request) {
      need("buildTransfer");
      const built = JSON.parse(glue.build(...fieldsOf(merged(request, {})), false));
      if (built.issues) throw new TransferValidationError(built.issues);
      return built;
    },
    decodeTransfer(encoded) {
      need("decodeTransfer");
      if (typeof encoded !== "string") throw new TypeError("decodeTransfer takes the encoded query or body as a string");
      return JSON.parse(glue.decode(encoded));
    },
    parseReply(body, options) {
      need("parseReply");
      return JSON.parse(glue.parse(textOf(body), secretOf(options)));
    },
    redactReply(body, options) {
      need("redactReply");
      const max = options?.maxBytes;
      if (max !== undefined && typeof max !== "number") throw new RangeError("maxBytes must be a whole number from 0 to 1048576");
      return glue.redactReply(textOf(body), secretOf(options), max);
    },
  };
}

function textOf(body) {
  if (typeof body !== "string") throw new TypeError("the reply body must be a string");
  return body;
}

function secretOf(options) {
  const secret = options?.secret;
  if (secret !== undefined && typeof secret !== "string") throw new TypeError("secret must be a string");
  return secret;
}
