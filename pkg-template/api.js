// The curated API over wasm-bindgen's glue. Each entry file (index.js for
// browsers, node.js, workerd.js) passes the glue it loaded.
//
// Requests cross into wasm as their seven fields (strings or undefined)
// plus a bitmask of fields that held anything else (reported as
// NOT_A_STRING, never converted); results come back as one JSON string.

const DEFAULT_TIMEOUT_MS = 15000;
const FIELDS = ["source", "user", "pass", "agentUser", "callId", "ingroup", "status"];

/** `[source, user, pass, agentUser, callId, ingroup, status, notStrings]`. */
function fieldsOf(request) {
  if (request === null || typeof request !== "object") {
    throw new TypeError("the transfer request must be an object");
  }
  const args = new Array(8);
  let notStrings = 0;
  for (let i = 0; i < 7; i++) {
    const value = request[FIELDS[i]];
    if (typeof value === "string") args[i] = value;
    else if (value !== undefined && value !== null) notStrings |= 1 << i;
  }
  args[7] = notStrings;
  return args;
}

function validationError(issues) {
  const error = new Error(`invalid transfer request: ${issues.map((i) => i.message).join("; ")}`);
  error.name = "TransferValidationError";
  error.issues = issues;
  return error;
}

/** @param {typeof import("./vicidial_xfer.js")} glue */
export function makeApi(glue) {
  class TransferClient {
    #inner;
    #timeoutMs;

    constructor(options) {
      const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > 2147483647) {
        throw new TypeError("timeoutMs must be a positive number of milliseconds");
      }
      this.#timeoutMs = timeoutMs;
      this.#inner = new glue.TransferClient(options);
    }

    // fetch rejects with the abort reason, and gloo-net only understands
    // Error objects: so the caller's signal is relayed through our own
    // controller, always with a DOMException.
    async transfer(request, options) {
      const args = fieldsOf(request);
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new DOMException("The transfer timed out", "TimeoutError")),
        this.#timeoutMs,
      );
      const signal = options?.signal;
      const onAbort = () => controller.abort(new DOMException("The transfer was aborted", "AbortError"));
      if (signal) {
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
      try {
        return JSON.parse(await this.#inner.transfer(...args, controller.signal));
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }
    }

    free() {
      this.#inner.free();
    }
  }

  return {
    TransferClient,
    validateTransfer: (request) => JSON.parse(glue.build(...fieldsOf(request), true)),
    buildTransfer(request) {
      const built = JSON.parse(glue.build(...fieldsOf(request), false));
      if (built.issues) throw validationError(built.issues);
      return built;
    },
    decodeTransfer: (encoded) => JSON.parse(glue.decode(String(encoded))),
    parseReply: (body, options) => JSON.parse(glue.parse(String(body ?? ""), secretOf(options))),
    redactReply(body, options) {
      const max = options?.maxBytes;
      if (max !== undefined && typeof max !== "number") throw new RangeError("maxBytes must be a whole number from 0 to 1048576");
      return glue.redactReply(String(body ?? ""), secretOf(options), max);
    },
  };
}

function secretOf(options) {
  const secret = options?.secret;
  if (secret !== undefined && typeof secret !== "string") throw new TypeError("secret must be a string");
  return secret;
}
