// Must NOT compile: every line marked MISTAKE is a type error that the
// package's .d.ts has to catch (tests/pkg/typescript.test.mjs checks each).
import { TransferClient, buildTransfer, parseReply, validateCallControl, validateTransfer, type CallControlRequest, type TransferRequest } from "vicidial-xfer";

export async function wrong(): Promise<void> {
  const noIngroup: TransferRequest = { agentUser: "1028", callId: "Y1" }; // MISTAKE missing ingroup
  const numeric: TransferRequest = { agentUser: 1028, callId: "Y1", ingroup: "SALESLINE" }; // MISTAKE number, not string
  const typo: TransferRequest = { agentUser: "1028", callID: "Y1", ingroup: "SALESLINE" }; // MISTAKE callID
  validateTransfer("agentUser=1028"); // MISTAKE a string, not a request
  const hangupWithIngroup: CallControlRequest = { stage: "HANGUP", agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" }; // MISTAKE HANGUP takes no ingroup
  const extWithoutNumber: CallControlRequest = { stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y1" }; // MISTAKE phoneNumber missing
  validateCallControl({ stage: "PARK", agentUser: "1028", callId: "Y1" }); // MISTAKE not a stage
  validateTransfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" }, { serverVersion: 2.14 }); // MISTAKE version is a string
  const r = parseReply("x");
  if (r.code === "TRANSFERED") console.log(r); // MISTAKE misspelt code
  if (r.code === "NO_ACTIVE_CALL") console.log(r.agentUser); // MISTAKE field of another code
  const client = new TransferClient({ endpoint: "https://x/agc/api.php", method: "PUT" }); // MISTAKE method
  new TransferClient({}); // MISTAKE endpoint is required
  const o = await client.transfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" });
  const n: number = o.code; // MISTAKE code is a string union
  if (o.code === "TIMEOUT") console.log(o.reply.callId); // MISTAKE a timeout has no reply
  if (o.code === "NETWORK_ERROR") console.log(o.proxyCode); // MISTAKE only PROXY_REFUSED has proxyCode
  if (o.code === "TRANSFERED") console.log(o); // MISTAKE misspelt outcome code
  buildTransfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" }).url; // MISTAKE no url property
  console.log(noIngroup, numeric, typo, n, hangupWithIngroup, extWithoutNumber);
}
