// Must NOT compile: every line marked MISTAKE is a type error that the
// package's .d.ts has to catch (tests/pkg/typescript.test.mjs checks each).
import { TransferClient, buildTransfer, parseReply, validateTransfer, type TransferRequest } from "vicidial-xfer";

export async function wrong(): Promise<void> {
  const noIngroup: TransferRequest = { agentUser: "1028", callId: "Y1" }; // MISTAKE missing ingroup
  const numeric: TransferRequest = { agentUser: 1028, callId: "Y1", ingroup: "SALESLINE" }; // MISTAKE number, not string
  const typo: TransferRequest = { agentUser: "1028", callID: "Y1", ingroup: "SALESLINE" }; // MISTAKE callID
  validateTransfer("agentUser=1028"); // MISTAKE a string, not a request
  const r = parseReply("x");
  if (r.code === "TRANSFERED") console.log(r); // MISTAKE misspelt code
  if (r.code === "NO_ACTIVE_CALL") console.log(r.agentUser); // MISTAKE field of another code
  const client = new TransferClient({ endpoint: "https://x/agc/api.php", method: "PUT" }); // MISTAKE method
  new TransferClient({}); // MISTAKE endpoint is required
  const o = await client.transfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" });
  const n: number = o.code; // MISTAKE code is a string union
  buildTransfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" }).url; // MISTAKE no url property
  console.log(noIngroup, numeric, typo, n);
}
