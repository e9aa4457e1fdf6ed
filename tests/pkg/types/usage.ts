// Compiles under `tsc --strict`: how the package is meant to be used.
import init, {
  TransferClient,
  buildTransfer,
  decodeTransfer,
  parseReply,
  redactReply,
  validateTransfer,
  type FieldIssue,
  type OutcomeCode,
  type ReplyCode,
  type TransferOutcome,
  type TransferRequest,
} from "vicidial-xfer";

export async function main(): Promise<void> {
  await init();
  const req: TransferRequest = { agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE", status: "SALE" };
  const issues: FieldIssue[] = validateTransfer(req);
  for (const i of issues) {
    const where: "source" | "user" | "pass" | "agentUser" | "callId" | "ingroup" | "status" = i.field;
    console.log(where, i.code, i.message, i.position ?? -1);
  }
  const { query, body, preview } = buildTransfer(req);
  const decoded = decodeTransfer(body);
  if (decoded.ok) console.log(decoded.request.callId);
  else console.log(decoded.issues.map((i) => i.code));

  const reply = parseReply("ERROR: no active call found - Y1\n", { secret: "x" });
  const code: ReplyCode = reply.code;
  if (reply.code === "NO_ACTIVE_CALL") console.log(reply.callId.toUpperCase());
  if (reply.code === "INVALID_CREDENTIALS") console.log(reply.reason === "LOCKED");
  console.log(code, reply.ok, reply.raw, redactReply(reply.raw, { secret: "x", maxBytes: 200 }), query, preview);

  const client = new TransferClient({
    endpoint: "https://proxy.example.com/agc/api.php",
    method: "POST",
    timeoutMs: 5000,
    headers: { Authorization: "Bearer demo" },
  });
  const outcome: TransferOutcome = await client.transfer(req, { signal: AbortSignal.timeout(10000) });
  const oc: OutcomeCode = outcome.code;
  if (outcome.outcomeUnknown) console.log("do not retry");
  if (outcome.likelyAlreadyTransferred) console.log("already moved");
  if (outcome.reply?.code === "TRANSFERRED") console.log(outcome.reply.agentUser);
  console.log(oc, outcome.httpStatus ?? 0, outcome.issues?.length ?? 0);
  client.free();
}
