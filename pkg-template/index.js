// Browsers, MV3 service workers, Deno and bundlers that copy the .wasm
// asset (Vite, webpack): call `await init()` once.
import initGlue, * as glue from "./vicidial_xfer.js";
import { makeApi } from "./api.js";

let ready;
let loaded = false;

/** Loads the wasm once; later calls return the same promise (a failed load may be retried). */
export default function init(input) {
  ready ??= initGlue(input).then(
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

/** Synchronous init from bytes or a compiled WebAssembly.Module. */
export function initSync(input) {
  if (loaded) return;
  glue.initSync(input);
  loaded = true;
  ready ??= Promise.resolve();
}

export const {
  TransferClient, TransferValidationError, validateCallControl, buildCallControl, decodeCallControl,
  validateTransfer, buildTransfer, decodeTransfer, parseReply, redactReply,
} = makeApi(glue, () => loaded);
