// The curated API over wasm-bindgen's glue. Each entry file (index.js for
// browsers, node.js, workerd.js, inline.js) passes the glue it loaded and a
// function telling whether the wasm is ready.
//
// The wasm validates, builds, parses and concludes; the fetch lives here,
// with the timeout, abort handling, redirect refusal and reply cap. No wasm
// object is held between calls: a failure of one call cannot break the
// next.
//
// A request crosses into wasm as ONE text of counted entries built from its
// own enumerable properties (`readRequest`, `requestBytes`: fields by
// letter, values that are not strings marked, reported as NOT_A_STRING,
// never converted), with the serverVersion after it; results come back as one string: JSON,
// nothing for a valid request validated only, a built request's three
// lines (`answer`), a parsed reply's record (`parseReply`). Each of these
// forms was measured against JSON on the hot path (bench/NOTES.md).

const DEFAULT_TIMEOUT_MS = 15000;
/** What stands for the password in a built request's preview: the core's `MASK` (tests/pkg_codes.rs). */
const MASK = "********";
/** Replies are read up to this many bytes, as the proxy does; a longer one is REPLY_TOO_LARGE. */
export const MAX_REPLY_BYTES = 256 * 1024;
/** How many call IDs a client remembers as possibly moved (as the core's log). */
const LOG_CAPACITY = 64;
/** The request fields in the core's order (`Field::ALL`): the wasm reads a field by its letter, `a` + its place here (tests/pkg_codes.rs). */
const FIELD_KEYS = ["source", "user", "pass", "agentUser", "stage", "callId", "ingroup", "phoneNumber", "status"];
/** A field's letter in the request text, as its byte (no prototype: `constructor` is no field). */
const FIELD_LETTER = Object.assign(Object.create(null), Object.fromEntries(FIELD_KEYS.map((k, i) => [k, 97 + i])));
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Headers a runtime sets itself or browsers silently drop (Fetch's forbidden
// request headers), and Content-Type, which the client sets.
const RESERVED_HEADERS = new Set([
  "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
  "connection", "content-length", "content-type", "cookie", "cookie2", "date", "dnt", "expect", "host",
  "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
]);

/** Thrown by `buildCallControl` / `buildTransfer` for an invalid request; `issues` says what is wrong. */
export class TransferValidationError extends Error {
  constructor(issues) {
    super(`invalid request: ${issues.map((i) => i.message).join("; ")}`);
    this.name = "TransferValidationError";
    this.issues = issues;
  }
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

// How a fetch ended: `conclude`'s transport argument (src/wasm/bindings.rs).
const RESPONSE = 0, TIMEOUT = 1, NETWORK = 2, ABORTED = 3, NOT_SENT_ABORTED = 4, NOT_SENT_REFUSED = 5, NOT_SENT_INVALID_URL = 6, OPAQUE_REDIRECT = 7;

/** A failed fetch or body read. `responded`: reply headers had arrived. */
function failureKind(error, why, responded) {
  if (why === "timeout") return TIMEOUT;
  if (why === "abort") return ABORTED;
  const cause = responded ? undefined : notConnectedCause(error);
  if (cause === "CONNECTION_REFUSED") return NOT_SENT_REFUSED;
  if (cause) return NOT_SENT_INVALID_URL;
  return NETWORK;
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
  const v = headers.get("Retry-After")?.trim();
  return v && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

const PROXY_LINE = /^ERROR: proxy ([A-Z][A-Z0-9_]*) - [^\n]*\n?$/;

/**
 * The proxy's code: its `X-Proxy-Error` header or, where CORS hides the
 * header, a non-2xx reply that is exactly one proxy line.
 */
function proxyErrorOf(response, text) {
  const header = response.headers.get("X-Proxy-Error")?.trim();
  if (header) return header;
  const line = response.status >= 400 ? PROXY_LINE.exec(text) : null;
  return line ? line[1] : undefined;
}

/** One fetch with the deadline and the caller's signal, the body read up to the cap. */
async function exchange(url, init, timeoutMs, signal) {
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
  try {
    let request;
    try {
      request = new Request(url, { ...init, redirect: "manual", signal: controller.signal });
    } catch {
      return { kind: NOT_SENT_INVALID_URL };
    }
    let response;
    try {
      response = await fetch(request);
    } catch (error) {
      return { kind: failureKind(error, why, false) };
    }
    if (response.type === "opaqueredirect") return { kind: OPAQUE_REDIRECT };
    if (response.status >= 300 && response.status < 400) {
      response.body?.cancel().catch(() => {});
      return { kind: RESPONSE, response, text: "" };
    }
    try {
      const { text, cut } = await readCapped(response, MAX_REPLY_BYTES);
      return { kind: RESPONSE, response, text, cut };
    } catch (error) {
      return { kind: failureKind(error, why, true), response };
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

const INGROUPTRANSFER = "INGROUPTRANSFER";
const HANGUP = "HANGUP";
/** A shorthand's stage as `callControl` takes it: its place in the core's `Stage::ALL` plus one; 0 for none. */
const shorthand = (stage) => (stage === INGROUPTRANSFER ? 1 : stage === HANGUP ? 3 : 0);

/**
 * @param {typeof import("./vicidial_xfer.js")} glue
 * @param {() => boolean} [isReady] whether the wasm is loaded (default: always, as for glue loaded synchronously)
 */
export function makeApi(glue, isReady = () => true) {
  const need = (what) => {
    if (!isReady()) {
      throw new Error(
        `vicidial-xfer is not initialized: call \`await init()\` (or \`initSync({ module })\`) once, before ${what}()`,
      );
    }
  };

  /**
   * The wasm's answer: nothing (a valid request, validated only), a built
   * request (`B` stage, where the password lies in the body as
   * `start:end`, and the body, on three lines: src/wasm/bindings.rs
   * `built`) or JSON. Throws for an unusable serverVersion.
   */
  const answer = (text) => {
    if (text === undefined) return [];
    if (text.charCodeAt(0) === 66 /* B */) {
      const a = text.indexOf("\n");
      const b = text.indexOf("\n", a + 1);
      const body = text.slice(b + 1);
      let preview = body;
      if (b > a + 1) {
        const colon = text.indexOf(":", a + 1);
        preview = body.slice(0, Number(text.slice(a + 1, colon))) + MASK + body.slice(Number(text.slice(colon + 1, b)));
      }
      return { stage: text.slice(1, a), query: body, body, preview };
    }
    const v = JSON.parse(text);
    if (v && v.versionError) {
      const error = new RangeError(v.versionError.message);
      error.code = v.versionError.code;
      throw error;
    }
    return v;
  };

  const callControl = (what, request, options, fixedStage, validateOnly, defaults) => {
    need(what);
    const fields = readRequest(request, defaults);
    return answer(glue.callControl(requestBytes(fields, versionOf(options)), shorthand(fixedStage), validateOnly));
  };

  const decode = (what, encoded, options, stage) => {
    need(what);
    if (typeof encoded !== "string") throw new TypeError(`${what} takes the encoded query or body as a string`);
    const version = versionOf(options);
    return answer(glue.decode(encoded, version ?? "", version !== undefined, stage ?? ""));
  };

  class TransferClient {
    #endpoint;
    #get;
    #headers;
    #timeoutMs;
    #defaults;
    #serverVersion;
    /** Upper-cased call ID -> the stage of an attempt that acted or may have, oldest first. */
    #acted = new Map();

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
      this.#serverVersion = versionOf(options);
      // Checked now when the wasm is loaded (else at the first call).
      if (this.#serverVersion !== undefined && isReady()) answer(glue.callControl(requestBytes([[], []], this.#serverVersion), shorthand(HANGUP), true));
      const defaults = options.defaults ?? {};
      if (defaults === null || typeof defaults !== "object") throw new TypeError("defaults must be an object");
      this.#defaults = {};
      for (const key of Object.keys(defaults)) {
        if (!FIELD_KEYS.includes(key) || key === "stage") throw new TypeError(`defaults has an unknown key ${JSON.stringify(key.slice(0, 64))} (allowed: ${FIELD_KEYS.filter((k) => k !== "stage").join(", ")})`);
        this.#defaults[key] = defaults[key];
      }
    }

    #remember(callId, stage) {
      const key = callId.toUpperCase();
      if (this.#acted.has(key)) return;
      if (this.#acted.size === LOG_CAPACITY) this.#acted.delete(this.#acted.keys().next().value);
      this.#acted.set(key, stage);
    }

    /** One stage on one call (`request.stage`, or the shorthand's). Never retries; resolves to an outcome for every failure. */
    async callControl(request, options) {
      return this.#send("callControl", request, options, undefined);
    }

    /** INGROUPTRANSFER (`request` without `stage`). */
    async transfer(request, options) {
      return this.#send("transfer", request, options, INGROUPTRANSFER);
    }

    /** HANGUP (`request` without `stage`). */
    async hangup(request, options) {
      return this.#send("hangup", request, options, HANGUP);
    }

    async #send(what, request, options, fixedStage) {
      need(what);
      const signal = checkedSignal(options);
      // Read once: what is sent, the secret to redact and the call ID to remember are the same values.
      const fields = readRequest(request, this.#defaults);
      const built = answer(glue.callControl(requestBytes(fields, this.#serverVersion), shorthand(fixedStage), false));
      if (built.issues) {
        const out = { ok: false, code: "INVALID_REQUEST", message: "Invalid request: nothing was sent (see issues)", outcomeUnknown: false, likelyAlreadyTransferred: false, likelyAlreadyEnded: false, replayed: false, issues: built.issues };
        const stage = fixedStage ?? fieldOf(fields, "stage");
        if (["INGROUPTRANSFER", "EXTENSIONTRANSFER", "HANGUP"].includes(stage)) out.stage = stage;
        return out;
      }
      const stage = built.stage;
      const secret = fieldOf(fields, "pass");
      const callId = fieldOf(fields, "callId");
      const earlier = this.#acted.get(callId.toUpperCase());
      const conclude = (kind, status = 0, text = "", proxyError, retryAfter, replayed = false) =>
        JSON.parse(glue.conclude(stage, callId, kind, status, text, secret ?? "", secret !== undefined, earlier ?? "", proxyError ?? "", retryAfter, replayed));
      let outcome;
      if (signal?.aborted) outcome = conclude(NOT_SENT_ABORTED);
      else {
        const headers = new Headers(this.#headers);
        let url = this.#endpoint.href;
        const init = { method: this.#get ? "GET" : "POST", headers };
        if (this.#get) url += (this.#endpoint.search ? "&" : "?") + built.query;
        else {
          headers.set("Content-Type", "application/x-www-form-urlencoded");
          init.body = built.body;
        }
        const got = await exchange(url, init, this.#timeoutMs, signal);
        const r = got.response;
        if (got.kind !== RESPONSE) {
          outcome = conclude(got.kind);
          if (r) outcome.httpStatus = r.status; // the headers came, the body failed
        } else if (got.cut) {
          outcome = {
            ok: false, stage, code: "REPLY_TOO_LARGE",
            message: `The reply is longer than ${MAX_REPLY_BYTES} bytes and was cut: it is not a VICIdial reply; the server may have acted: do not retry, check the call`,
            outcomeUnknown: true, likelyAlreadyTransferred: false, likelyAlreadyEnded: false, httpStatus: r.status,
            raw: glue.redactReply(got.text, secret ?? "", secret !== undefined, undefined), replayed: false,
          };
        } else {
          const replayed = r.headers.get("X-Proxy-Replayed")?.trim() === "true";
          outcome = conclude(RESPONSE, r.status, got.text, proxyErrorOf(r, got.text), retryAfterOf(r.headers), replayed);
        }
      }
      if (outcome.ok || outcome.outcomeUnknown) this.#remember(callId, stage);
      return outcome;
    }

    /**
     * The proxy's view of the agent's current call (`GET /proxy/current-call`
     * on the endpoint's origin): `{ ok: true, code: "CURRENT_CALL", agentUser,
     * callId, status, subStatus, movable }` or a typed failure. A read: it
     * changes nothing, so nothing is ever "outcome unknown". Needs no wasm.
     */
    async currentCall(options) {
      const signal = checkedSignal(options);
      const fail = (code, message, extra) => ({ ok: false, code, message, ...extra });
      if (signal?.aborted) return fail("ABORTED", "Aborted before sending");
      const url = new URL("/proxy/current-call", this.#endpoint).href;
      const headers = new Headers(this.#headers);
      headers.set("Accept", "application/json");
      const got = await exchange(url, { method: "GET", headers }, this.#timeoutMs, signal);
      const r = got.response;
      const status = r ? { httpStatus: r.status } : {};
      switch (got.kind) {
        case TIMEOUT: return fail("TIMEOUT", "Timed out asking the proxy for the current call", status);
        case ABORTED: return fail("ABORTED", "Aborted", status);
        case OPAQUE_REDIRECT: return fail("REDIRECTED", "The current-call endpoint redirected; redirects are never followed");
        case RESPONSE: break;
        default: return fail("NETWORK_ERROR", "Network error asking the proxy for the current call", status);
      }
      const raw = got.text.slice(0, 512);
      if (r.status >= 300 && r.status < 400) return fail("REDIRECTED", `HTTP ${r.status}: the current-call endpoint redirected; redirects are never followed`, status);
      const proxyCode = proxyErrorOf(r, got.text);
      if (proxyCode) {
        const reason = /^ERROR: proxy [A-Z0-9_]+ - ([^\n]*)/.exec(got.text)?.[1] ?? "";
        const out = fail("PROXY_REFUSED", `The proxy refused (${proxyCode})${reason ? `: ${reason}` : ""}`, { ...status, proxyCode, reason, raw });
        const retryAfter = retryAfterOf(r.headers);
        if (retryAfter !== undefined) out.retryAfter = retryAfter;
        return out;
      }
      if (got.cut) return fail("REPLY_TOO_LARGE", `The reply is longer than ${MAX_REPLY_BYTES} bytes`, status);
      if (r.status !== 200) return fail("HTTP_ERROR", `HTTP error ${r.status} from the current-call endpoint`, { ...status, raw });
      let v;
      try {
        v = JSON.parse(got.text);
      } catch {
        v = undefined;
      }
      const isText = (k) => typeof v?.[k] === "string";
      if (!v || typeof v !== "object" || !["agentUser", "callId", "status", "subStatus"].every(isText) || typeof v.movable !== "boolean") {
        return fail("BAD_RESPONSE", "The current-call endpoint answered something that is not its JSON", { ...status, raw });
      }
      return { ok: true, code: "CURRENT_CALL", agentUser: v.agentUser, callId: v.callId, status: v.status, subStatus: v.subStatus, movable: v.movable };
    }

    /** Nothing to free (kept for compatibility: the client holds no wasm memory). */
    free() {}
  }

  return {
    TransferClient,
    TransferValidationError,
    validateCallControl: (request, options) => callControl("validateCallControl", request, options, undefined, true),
    buildCallControl(request, options) {
      const built = callControl("buildCallControl", request, options, undefined, false);
      if (built.issues) throw new TransferValidationError(built.issues);
      return built;
    },
    validateTransfer: (request, options) => callControl("validateTransfer", request, options, INGROUPTRANSFER, true),
    buildTransfer(request, options) {
      const built = callControl("buildTransfer", request, options, INGROUPTRANSFER, false);
      if (built.issues) throw new TransferValidationError(built.issues);
      return built;
    },
    decodeCallControl: (encoded, options) => decode("decodeCallControl", encoded, options, undefined),
    decodeTransfer: (encoded, options) => decode("decodeTransfer", encoded, options, INGROUPTRANSFER),
    // The checks of need, textOf and secretOf written out, and the record
    // read here: V8 compiles each function the first time it runs, and a
    // first parseReply is timed (bench/startup.mjs A; five calls fewer:
    // about -0.04 ms, bench/NOTES.md).
    parseReply(body, options) {
      if (!isReady()) need("parseReply");
      if (typeof body !== "string") throw new TypeError(NOT_A_BODY);
      const secret = options?.secret;
      if (secret !== undefined && typeof secret !== "string") throw new TypeError(NOT_A_SECRET);
      // The wasm (src/wasm/bindings.rs `parse`) takes a secret ahead of the
      // body as `length:secret` (one string to copy in, not two) and
      // answers a record: `R`, `1` or `0` for `ok`, then for each value a
      // NUL, its key's letter and the value; JSON when a value holds a NUL.
      const text = secret === undefined ? glue.parse(body, false) : glue.parse(`${secret.length}:${secret}${body}`, true);
      if (text.charCodeAt(0) !== 82 /* R */) return JSON.parse(text);
      const reply = { ok: text.charCodeAt(1) === 49 /* 1 */ };
      for (let at = 2; at < text.length; ) {
        const key = RECORD_KEYS[text.charCodeAt(at + 1) - 97 /* a */];
        let end = text.indexOf("\0", at + 2);
        if (end < 0) end = text.length;
        reply[key] = text.slice(at + 2, end);
        at = end;
      }
      return reply;
    },
    redactReply(body, options) {
      need("redactReply");
      const max = options?.maxBytes;
      if (max !== undefined && !(Number.isInteger(max) && max >= 0 && max <= 1048576)) {
        throw new RangeError("maxBytes must be a whole number from 0 to 1048576");
      }
      const secret = secretOf(options);
      return glue.redactReply(textOf(body), secret ?? "", secret !== undefined, max);
    },
  };
}

/** The keys of a reply's object by their letter in the wasm's record (`a` is `message`): the core's `RECORD_KEYS` (tests/pkg_codes.rs). */
const RECORD_KEYS = [
  "message", "raw", "code", "agentUser", "callId", "ingroup", "phoneNumber", "user", "stage", "reason", "source", "function", "userGroup", "line",
  "cause", "excerpt",
];

/**
 * The request's own enumerable properties over `defaults` (the client's;
 * null and undefined mean "not given"), read once each: `[keys, values]`.
 * Every getter or proxy trap runs here, before anything is written to the
 * shared buffer (`requestBytes`), so a getter that calls this package
 * cannot overwrite a request being written.
 */
function readRequest(request, defaults) {
  if (request === null || typeof request !== "object") throw new TypeError("the request must be an object");
  let given = request;
  if (defaults !== undefined) {
    given = { ...defaults };
    for (const key of Object.keys(request)) {
      const value = request[key];
      if (value !== undefined && value !== null) given[key] = value;
    }
  }
  const keys = Object.keys(given);
  const values = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = given[keys[i]];
  return [keys, values];
}

/** The value `readRequest` read for `key` (undefined when not given). */
function fieldOf([keys, values], key) {
  const i = keys.indexOf(key);
  return i < 0 ? undefined : (values[i] ?? undefined);
}

/**
 * The request as ONE text for the wasm (src/wasm/reader.rs), as UTF-8
 * bytes: for each property, its letter (a field) or `length:key`
 * (anything else), then `=length:value` for a string or `!` for anything
 * else (reported as NOT_A_STRING, never converted; a string with a lone
 * surrogate too, as it has no UTF-8 form); then `!` and `length:version`
 * when a serverVersion is given. Lengths in UTF-16 units. Nothing escaped.
 * Written straight into one reused buffer (`putCounted`): building the
 * text as a string, which V8 then flattened inside `encodeInto`, was
 * 0.2 µs more per call (bench/NOTES.md). Runs no code of the caller's; the
 * bytes are valid until the next call.
 */
function requestBytes([keys, values], version) {
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = values[i];
    if (value === undefined || value === null) continue;
    const letter = FIELD_LETTER[key];
    if (letter !== undefined) room(at, 1)[at++] = letter;
    else at = putCounted(key, at, false);
    const end = typeof value === "string" ? putCounted(value, at + 1, true) : -1;
    if (end < 0) room(at, 1)[at++] = 33; // !
    else {
      bytes[at] = 61; // =
      at = end;
    }
  }
  if (version !== undefined) {
    room(at, 1)[at++] = 33; // !
    at = putCounted(version, at, false);
  }
  return bytes.subarray(0, at);
}

/** The buffer `requestBytes` writes into, grown when a request needs more. */
let bytes = new Uint8Array(1024);

/** `bytes`, with room for `extra` more bytes from `at` (what is written kept). */
function room(at, extra) {
  if (at + extra > bytes.length) {
    const grown = new Uint8Array(2 * (at + extra));
    grown.set(bytes.subarray(0, at));
    bytes = grown;
  }
  return bytes;
}

/**
 * Writes `length:s` from `at` as UTF-8 and returns where it ends; -1 when
 * `wellFormedOnly` and `s` has a lone surrogate (else encodeInto writes
 * U+FFFD for it, one UTF-16 unit as the surrogate was, as for any key).
 */
function putCounted(s, at, wellFormedOnly) {
  const length = s.length;
  const buf = room(at, 3 * length + 12);
  if (length < 10) buf[at++] = 48 + length;
  else {
    const digits = String(length);
    for (let i = 0; i < digits.length; i++) buf[at++] = digits.charCodeAt(i);
  }
  buf[at++] = 58; // :
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) {
      if (wellFormedOnly && !wellFormed(s)) return -1;
      return at + encoder.encodeInto(s.slice(i), buf.subarray(at)).written;
    }
    buf[at++] = c;
  }
  return at;
}

const encoder = new TextEncoder();

/** Whether `s` has no lone surrogate (`isWellFormed` where the runtime has it). */
const wellFormed = typeof "".isWellFormed === "function" ? (s) => s.isWellFormed() : (s) => !/\p{Cs}/u.test(s);

function versionOf(options) {
  if (options !== undefined && options !== null && typeof options !== "object") throw new TypeError("options must be an object");
  const v = options?.serverVersion;
  if (v !== undefined && typeof v !== "string") throw new TypeError('serverVersion must be a string such as "2.14-82" (or the line function=version answers)');
  return v;
}

const NOT_A_BODY = "the reply body must be a string";
const NOT_A_SECRET = "secret must be a string";

function textOf(body) {
  if (typeof body !== "string") throw new TypeError(NOT_A_BODY);
  return body;
}

function secretOf(options) {
  const secret = options?.secret;
  if (secret !== undefined && typeof secret !== "string") throw new TypeError(NOT_A_SECRET);
  return secret;
}
