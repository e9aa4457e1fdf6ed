// A module worker that uses the package's workerd entry: validates, builds,
// parses, and transfers through TransferClient (fetch from inside workerd).
import { buildTransfer, parseReply, validateTransfer, TransferClient } from "../../../pkg/workerd.js";

export default {
  async fetch(request, env) {
    const req = { agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE" };
    const client = new TransferClient({ endpoint: `${env.REPLAY}/once`, timeoutMs: 3000 });
    const call = { ...req, callId: `W${Date.now()}`.slice(0, 20) };
    const first = await client.transfer(call);
    const again = await client.transfer(call);
    const body = {
      valid: validateTransfer(req),
      invalid: validateTransfer({ ...req, ingroup: "SALES.LINE" }),
      built: buildTransfer(req).body,
      parsed: parseReply("ERROR: Invalid Username/Password: |6666|Pw9Zx7Qk3|0|1|BAD|0|api|SELECT pass='Pw9Zx7Qk3';|\n"),
      first: first.code,
      again: [again.code, again.likelyAlreadyTransferred],
    };
    return Response.json(body);
  },
};
