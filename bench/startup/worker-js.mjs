// Start-up bench worker (workerd): the same call with the hand-written
// JavaScript baseline: no wasm at all (the reference for the others).
import { parseReply } from '../js-baseline.mjs';

export default {
  async fetch() {
    return new Response(parseReply('SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n', { secret: '1234' }).code);
  },
};
