// workerd / Cloudflare Workers forbid compiling wasm at run time: the .wasm
// is imported as a module (compiled at deploy time) and instantiated here.
import wasmModule from "./vicidial_xfer_bg.wasm";
import * as glue from "./vicidial_xfer.js";
import { makeApi } from "./api.js";

glue.initSync({ module: wasmModule });

/** A no-op in workerd: the module is ready on import. */
export default async function init() {}
/** A no-op in workerd: the module is ready on import. */
export function initSync() {}

export const {
  TransferClient, TransferValidationError, validateCallControl, buildCallControl, decodeCallControl,
  validateTransfer, buildTransfer, decodeTransfer, parseReply, redactReply,
} = makeApi(glue, () => true);
