// Start-up bench worker (workerd): the .wasm is imported as a module
// (compiled when workerd loads the config) and instantiated on the FIRST
// request, so the first request's extra time = instantiate + first call.
import wasmModule from '../../pkg/vicidial_xfer_bg.wasm';
import * as glue from '../../pkg/vicidial_xfer.js';
import { makeApi } from '../../pkg/api.js';

let api = null;
export default {
  async fetch() {
    if (api === null) {
      glue.initSync({ module: wasmModule });
      api = makeApi(glue, () => true);
    }
    const r = api.parseReply('SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n', { secret: '1234' });
    return new Response(r.code);
  },
};
