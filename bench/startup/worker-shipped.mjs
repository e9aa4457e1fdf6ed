// Start-up bench worker (workerd): the package as shipped (pkg/workerd.js
// instantiates at module evaluation, i.e. while workerd starts).
import { parseReply } from '../../pkg/workerd.js';

export default {
  async fetch() {
    return new Response(parseReply('SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n', { secret: '1234' }).code);
  },
};
