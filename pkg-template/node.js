// Node >= 20: the wasm is compiled synchronously on import; no init needed.
// pkg/node.js is this file bundled with the glue and api.js (build.mjs).
import * as glue from "./vicidial_xfer_node.js";
import { makeApi } from "./api.js";

/** A no-op in Node: the module is ready on import. */
export default async function init() {}
/** A no-op in Node: the module is ready on import. */
export function initSync() {}

export const {
  TransferClient, TransferValidationError, validateCallControl, buildCallControl, decodeCallControl,
  validateTransfer, buildTransfer, decodeTransfer, parseReply, redactReply,
} = makeApi(glue, () => true);
