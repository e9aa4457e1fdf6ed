// Node >= 20 through `require("vicidial-xfer")`: the CommonJS glue compiles
// the wasm synchronously on require; no init needed. (An ESM `import` gets
// node.js instead: the two load separate instances, so a
// TransferValidationError from one is not `instanceof` the other's class.)
"use strict";
const glue = require("./vicidial_xfer_node.cjs");
const { makeApi } = require("./api.cjs");

const api = makeApi(glue, () => true);
/** A no-op in Node: the module is ready on require. */
async function init() {}
module.exports = { ...api, default: init, init, initSync() {} };
