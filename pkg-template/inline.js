// For bundlers that do not copy a `new URL("….wasm", import.meta.url)`
// asset (esbuild, `bun build`): the wasm bytes are inlined (base64) in
// vicidial_xfer_inline.js, so nothing has to be served beside the bundle.
// Same API as index.js: call `await init()` once.
import initGlue, * as glue from "./vicidial_xfer.js";
import wasmBase64 from "./vicidial_xfer_inline.js";
import { makeApi } from "./api.js";

let ready;
let loaded = false;

function bytes() {
  const text = atob(wasmBase64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Loads the inlined wasm once (or `input`, as index.js takes it); later calls return the same promise. */
export default function init(input) {
  ready ??= initGlue(input ?? { module_or_path: bytes() }).then(
    () => {
      loaded = true;
    },
    (error) => {
      ready = undefined;
      throw error;
    },
  );
  return ready;
}

/** Synchronous init (small enough for a page's main thread); `input` defaults to the inlined bytes. */
export function initSync(input) {
  if (loaded) return;
  glue.initSync(input ?? { module: bytes() });
  loaded = true;
  ready ??= Promise.resolve();
}

export const {
  TransferClient, TransferValidationError, validateCallControl, buildCallControl, decodeCallControl,
  validateTransfer, buildTransfer, decodeTransfer, parseReply, redactReply,
} = makeApi(glue, () => loaded);
