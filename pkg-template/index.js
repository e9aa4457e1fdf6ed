// Browsers, MV3 service workers, Deno and bundlers: call `await init()` once.
import initGlue, * as glue from "./vicidial_xfer.js";
import { makeApi } from "./api.js";

let ready;

/** Loads the wasm once; later calls return the same promise. */
export default function init(input) {
  ready ??= initGlue(input).then(() => undefined);
  return ready;
}

/** Synchronous init from bytes or a compiled WebAssembly.Module. */
export function initSync(input) {
  glue.initSync(input);
  ready ??= Promise.resolve();
}

export const { TransferClient, validateTransfer, buildTransfer, decodeTransfer, parseReply, redactReply } =
  makeApi(glue);
