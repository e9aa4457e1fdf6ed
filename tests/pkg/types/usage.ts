// Compiles under `tsc --strict` (with the DOM lib, and with es2022 +
// @types/node only): how the package is meant to be used.
import init, {
  TransferClient,
  TransferValidationError,
  buildCallControl,
  buildTransfer,
  decodeCallControl,
  decodeTransfer,
  parseReply,
  redactReply,
  validateCallControl,
  validateTransfer,
  type CallControlRequest,
  type CurrentCall,
  type FieldIssue,
  type OutcomeCode,
  type ReplyCode,
  type Stage,
  type TransferOutcome,
  type TransferRequest,
} from "vicidial-xfer";

export async function main(): Promise<void> {
  await init();
  const req: TransferRequest = { agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE", status: "SALE" };
  const issues: FieldIssue[] = validateTransfer(req, { serverVersion: "2.14-82" });
  for (const i of issues) console.log(i.field, i.code, i.message, i.position ?? -1, i.since ?? "");
  const hangup: CallControlRequest = { stage: "HANGUP", agentUser: "1028", callId: "Y1" };
  const ext: CallControlRequest = { stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y1", phoneNumber: "7275559999" };
  console.log(validateCallControl(hangup), validateCallControl(ext, { serverVersion: "VERSION: 2.14-82|BUILD: 250122-1010|" }));
  const built = buildCallControl(ext);
  const stage: Stage = built.stage;
  const { query, body, preview } = buildTransfer(req);
  const decoded = decodeCallControl(body);
  if (decoded.ok) console.log(decoded.request.stage, decoded.request.callId);
  else console.log(decoded.issues.map((i) => i.code));
  console.log(decodeTransfer(body, { serverVersion: "2.14-82" }).ok, stage);
  try {
    buildTransfer({ ...req, ingroup: "SALES.LINE" });
  } catch (e) {
    if (e instanceof TransferValidationError) console.log(e.issues[0]?.code, e.message);
  }

  const reply = parseReply("ERROR: no active call found - Y1\n", { secret: "x" });
  const code: ReplyCode = reply.code;
  if (reply.code === "NO_ACTIVE_CALL") console.log(reply.callId.toUpperCase());
  if (reply.code === "INVALID_CREDENTIALS") console.log(reply.reason === "IP_BLOCKED");
  if (reply.code === "SUCCESS_NOT_COMPLETED") console.log(reply.cause === "QUEUE_METRICS_CONNECT");
  console.log(code, reply.ok, reply.raw, redactReply(reply.raw, { secret: "x", maxBytes: 200 }), query, preview);

  const client = new TransferClient({
    endpoint: "https://proxy.example.com/agc/api.php",
    method: "POST",
    timeoutMs: 5000,
    headers: { Authorization: "Bearer demo" },
    serverVersion: "2.14-82",
    defaults: { source: "crm" },
  });
  const outcome: TransferOutcome = await client.transfer(req, { signal: AbortSignal.timeout(10000) });
  const oc: OutcomeCode = outcome.code;
  // Checking `code` narrows the outcome.
  if (outcome.code === "TRANSFERRED") console.log(outcome.reply.agentUser, outcome.httpStatus.toFixed());
  if (outcome.code === "PROXY_REFUSED") console.log(outcome.proxyCode, outcome.reason, outcome.retryAfter ?? 0);
  if (outcome.code === "INVALID_REQUEST") console.log(outcome.issues.length);
  if (outcome.code === "NO_ACTIVE_CALL") console.log(outcome.reply.callId, outcome.likelyAlreadyTransferred);
  if (outcome.code === "INVALID_CREDENTIALS") console.log(outcome.reply.reason);
  if (outcome.ok) console.log(outcome.reply.callId);
  if (outcome.outcomeUnknown) console.log("do not retry");
  console.log(oc, outcome.httpStatus ?? 0, outcome.stage, outcome.replayed);
  const ended = await client.hangup({ agentUser: "1028", callId: "Y1" });
  if (ended.likelyAlreadyEnded) console.log("already ended");
  await client.callControl(ext);
  const call: CurrentCall = await client.currentCall();
  if (call.ok) console.log(call.callId, call.movable);
  else if (call.code === "PROXY_REFUSED") console.log(call.proxyCode);
  client.free();
}
