// Runs INSIDE the temporary consumer project (cwd), importing the package
// by its name as a user would, with no init call. Prints a JSON report.
import { parseReply, validateTransfer, buildTransfer, decodeTransfer, redactReply, TransferClient } from "vicidial-xfer";

const [scenarios, replayUrl] = [JSON.parse(process.argv[2]), process.argv[3]];
const consoleSeen = [];
for (const level of ["log", "info", "warn", "error", "debug"]) {
  const orig = console[level];
  console[level] = (...args) => {
    consoleSeen.push(args.map(String).join(" "));
    if (level !== "log") orig.apply(console, args);
  };
}
const report = { parsed: {}, outcomes: {}, errors: [], console: consoleSeen };
for (const s of scenarios) report.parsed[s.name] = parseReply(s.reply);

report.valid = validateTransfer({ agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE" });
report.invalid = validateTransfer({ agentUser: "10 28", callId: "Y0315201639000402027.", ingroup: "SALES.LINE", status: "TOOLONGX", user: "6666", pass: "Pw9 Zx7Qk3" });
report.built = buildTransfer({ source: "crm", user: "6666", pass: "Pw9Zx7Qk3+", agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE" });
try {
  buildTransfer({ user: "6666", pass: "Pw9Zx7Qk3", agentUser: "1028", callId: "Y1", ingroup: "XDEFAULTINGROUPX" });
} catch (e) {
  report.errors.push({ name: e.name, message: e.message, issues: e.issues, isError: e instanceof Error });
}
report.decoded = decodeTransfer(report.built.body);
report.redacted = redactReply("ERROR: Invalid Username/Password: |6666|Pw9Zx7Qk3|0|1|BAD|0|api|SELECT pass='Pw9Zx7Qk3';|\n");

const client = new TransferClient({
  endpoint: `${replayUrl}/once`,
  timeoutMs: 2000,
  defaults: { source: "crm", user: "6666", pass: "Pw9Zx7Qk3" },
});
const req = { agentUser: "1028", callId: `N${Date.now()}`.slice(0, 20), ingroup: "SALESLINE" };
report.outcomes.first = await client.transfer(req);
report.outcomes.again = await client.transfer(req);
for (const [name, path, opts] of [
  ["badPassword", "/reply/bad_password", {}],
  ["timeout", "/fault/slow", { timeoutMs: 200 }],
  ["reset", "/fault/reset", {}],
  ["html502", "/fault/html502", {}],
  ["strict500", "/reply/13a_strict_success_IN", {}],
]) {
  const c = new TransferClient({ endpoint: replayUrl + path, defaults: { source: "crm", user: "6666", pass: "Pw9Zx7Qk3" }, ...opts });
  report.outcomes[name] = await c.transfer(req);
}
const aborter = new AbortController();
const slow = new TransferClient({ endpoint: `${replayUrl}/fault/slow` });
const pending = slow.transfer(req, { signal: aborter.signal });
setTimeout(() => aborter.abort("a string reason, which would trap gloo-net if passed through"), 100);
report.outcomes.aborted = await pending;
report.outcomes.invalid = await client.transfer({ ...req, ingroup: "SALESLINE " });
process.stdout.write(JSON.stringify(report) + "\n");
