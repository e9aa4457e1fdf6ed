// The curated API over wasm-bindgen's glue. Each entry file (index.js for
// browsers, node.js, workerd.js) passes the glue it loaded.

const DEFAULT_TIMEOUT_MS = 15000;

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
        return await this.#inner.transfer(request, controller.signal);
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
    validateTransfer: (request) => glue.validateTransfer(request),
    buildTransfer: (request) => glue.buildTransfer(request),
    decodeTransfer: (encoded) => glue.decodeTransfer(String(encoded)),
    parseReply: (body, options) => glue.parseReply(String(body ?? ""), options),
    redactReply: (body, options) => glue.redactReply(String(body ?? ""), options),
  };
}
