// What every runtime checks with the installed package (Node ESM and
// require, Deno, Bun, workerd, Chromium page / workers, bundled pages).
// Uses only web APIs; `api` is the package's module namespace. Returns a
// JSON-able report that tests/pkg/expect.mjs asserts on.
export const PASSWORD = "Pw9Zx7Qk3";
export const TOKEN = "t0k3n";

export async function runChecks(api, { scenarios, replayUrl, refusedUrl }) {
  const { parseReply, validateTransfer, buildTransfer, decodeTransfer, redactReply, TransferClient, TransferValidationError } = api;
  const { validateCallControl, buildCallControl, decodeCallControl } = api;
  const consoleSeen = [];
  const restore = [];
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const orig = console[level];
    restore.push(() => (console[level] = orig));
    console[level] = (...args) => {
      consoleSeen.push(args.map(String).join(" "));
      orig.apply(console, args);
    };
  }
  const report = { parsed: {}, outcomes: {}, errors: [], headerErrors: {}, console: consoleSeen };
  try {
    for (const s of scenarios) report.parsed[s.name] = parseReply(s.reply);

    report.valid = validateTransfer({ agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE" });
    report.invalid = validateTransfer({ agentUser: "10 28", callId: "Y0315201639000402027.", ingroup: "SALES.LINE", status: "TOOLONGX", user: "6666", pass: "Pw9 Zx7Qk3" });
    // Only own enumerable properties count: an inherited ingroup is not there.
    report.inherited = validateTransfer(Object.assign(Object.create({ ingroup: "SALESLINE" }), { agentUser: "1028", callId: "Y1" }));
    report.built = buildTransfer({ source: "crm", user: "6666", pass: `${PASSWORD}+`, agentUser: "1028", callId: "Y0315201639000402027", ingroup: "SALESLINE" }, { serverVersion: "2.14-82" });
    const cc = (report.callControl = {});
    const hangup = { stage: "HANGUP", agentUser: "1028", callId: "Y0315201639000402027" };
    cc.hangupValid = validateCallControl(hangup);
    cc.hangupWithIngroup = validateCallControl({ ...hangup, ingroup: "SALESLINE" });
    cc.extPlus = validateCallControl({ stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y1", phoneNumber: "+15551234" });
    cc.extBuilt = buildCallControl({ stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y1", phoneNumber: "7275559999" });
    cc.unknownKey = validateCallControl({ ...hangup, callID: "Y1" });
    cc.stageInShorthand = validateTransfer({ stage: "HANGUP", agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" });
    cc.sameStageInShorthand = validateTransfer({ stage: "INGROUPTRANSFER", agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" });
    cc.dashAny = validateCallControl({ ...hangup, agentUser: "ra-1028" });
    cc.dash82 = validateCallControl({ ...hangup, agentUser: "ra-1028" }, { serverVersion: "VERSION: 2.14-82|BUILD: 250122-1010|" });
    cc.dash72 = validateCallControl({ ...hangup, agentUser: "ra-1028" }, { serverVersion: "2.14-72" });
    cc.numbers = validateCallControl({ ...hangup, agentUser: 1028, callId: ["Y1"], status: { toJSON: () => "SALE" } });
    for (const [k, v] of [["tooOld", "2.4-20"], ["unreadable", "two"]]) {
      try {
        validateCallControl(hangup, { serverVersion: v });
        cc[k] = null;
      } catch (e) {
        cc[k] = { name: e.name, code: e.code, isRangeError: e instanceof RangeError };
      }
    }
    cc.decodedHangup = decodeCallControl(buildCallControl(hangup).body);
    cc.decodeTransferOfHangup = decodeTransfer(buildCallControl(hangup).body);
    try {
      buildTransfer({ source: "crm", user: "6666", pass: PASSWORD, agentUser: "1028", callId: "Y1", ingroup: "XDEFAULTINGROUPX" });
    } catch (e) {
      report.errors.push({ name: e.name, message: e.message, issues: e.issues, isError: e instanceof Error, isValidationError: e instanceof TransferValidationError });
    }
    report.decoded = decodeTransfer(report.built.body, { serverVersion: "2.14-82" });
    report.decodedAny = decodeTransfer(report.built.body);
    report.maxBytes = [-1, 1.5, "3", 1048577].map((max) => {
      try {
        redactReply("abcdef", { maxBytes: max });
        return null;
      } catch (e) {
        return e instanceof RangeError;
      }
    });
    report.cut = redactReply("abcdef", { maxBytes: 3 });
    report.redacted = redactReply(`ERROR: Invalid Username/Password: |6666|${PASSWORD}|0|1|BAD|0|api|SELECT pass='${PASSWORD}';|\n`);

    const creds = { source: "crm", user: "6666", pass: PASSWORD };
    const client = new TransferClient({ endpoint: `${replayUrl}/once`, timeoutMs: 3000, defaults: creds });
    const req = { agentUser: "1028", callId: `N${Date.now()}${Math.floor(Math.random() * 1e6)}`.slice(0, 20), ingroup: "SALESLINE" };
    const o = report.outcomes;
    o.first = await client.transfer(req);
    o.again = await client.transfer(req);
    const at = (path, opts = {}) => new TransferClient({ endpoint: replayUrl + path, defaults: creds, timeoutMs: 3000, ...opts });
    // Faults, then on ONE client that saw several failures, a success: no failure breaks an instance.
    const shared = at("/reply/success_named_out");
    for (const [name, path, opts] of [
      ["badPassword", "/reply/bad_password"],
      ["timeout", "/fault/slow", { timeoutMs: 200 }],
      ["reset", "/fault/reset"],
      ["midbody", "/fault/midbody"],
      ["html502", "/fault/html502"],
      ["strict500", "/reply/13a_strict_success_IN"],
      ["redirect301", "/fault/redirect/301"],
      ["redirect307", "/fault/redirect/307"],
      ["redirect308", "/fault/redirect/308"],
      ["huge", "/fault/huge"],
      ["proxyRateLimited", "/proxy/refuse/RATE_LIMITED"],
      ["proxyUpstreamTimeout", "/proxy/refuse/UPSTREAM_TIMEOUT"],
      ["proxyAlreadyActed", "/proxy/refuse/ALREADY_ACTED"],
      ["getMethod", "/reply/success_named_out", { method: "GET" }],
    ]) {
      o[name] = await at(path, opts).transfer({ ...req, callId: `F${name}`.slice(0, 20) });
    }
    o.refused = await new TransferClient({ endpoint: `${refusedUrl}/agc/api.php`, defaults: creds }).transfer(req);
    // `.invalid` never resolves (RFC 6761): the lookup fails, nothing is sent.
    o.noSuchHost = await new TransferClient({ endpoint: "http://no-such-host.invalid/agc/api.php", defaults: creds, timeoutMs: 5000 }).transfer(req);
    o.invalid = await shared.transfer({ ...req, ingroup: "SALESLINE " });
    o.notAString = await shared.transfer({ ...req, agentUser: 1028 });
    const preAborted = new AbortController();
    preAborted.abort();
    o.preAborted = await at("/reply/success_named_out").transfer(req, { signal: preAborted.signal });
    const aborter = new AbortController();
    const pending = at("/fault/slow").transfer(req, { signal: aborter.signal });
    setTimeout(() => aborter.abort("a string reason"), 100);
    o.aborted = await pending;
    o.afterFailures = await shared.transfer(req);
    const hangupCall = { agentUser: "1028", callId: `H${Date.now()}${Math.floor(Math.random() * 1e6)}`.slice(0, 20) };
    const stages = new TransferClient({ endpoint: `${replayUrl}/once`, defaults: creds });
    o.hangup = await stages.hangup(hangupCall);
    o.hangupAgain = await stages.hangup(hangupCall);
    o.extension = await at("/reply/ext_success_phone").callControl({ stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y0315201639000402027", phoneNumber: "7275559999" });
    o.hangupRecorded = await at("/reply/hangup_success_out").callControl({ stage: "HANGUP", agentUser: "1028", callId: "Y0315201639000402027" });

    const proxy = new TransferClient({ endpoint: `${replayUrl}/agc/api.php`, headers: { Authorization: `Bearer ${TOKEN}` } });
    o.currentCall = await proxy.currentCall();
    o.currentCallBadToken = await new TransferClient({ endpoint: `${replayUrl}/agc/api.php`, headers: { Authorization: "Bearer nope" } }).currentCall();

    const headerError = (headers) => {
      try {
        new TransferClient({ endpoint: `${replayUrl}/once`, headers });
        return null;
      } catch (e) {
        return { isTypeError: e instanceof TypeError, message: e.message };
      }
    };
    const h = report.headerErrors;
    h.nonAscii = headerError({ Authorization: `Bearer ${PASSWORD}\u00e9` });
    h.newline = headerError({ "X-Trace": `a\r\nX-Evil: ${PASSWORD}` });
    h.number = headerError({ "X-Trace": 5 });
    h.badName = headerError({ "X Trace": "x" });
    h.reserved = headerError({ "Content-Length": "5" });
    h.duplicate = headerError({ "X-Trace": "a", "x-trace": "b" });
    h.spaces = headerError({ "X-Trace": " a" });
    h.headersObject = headerError(new Map([["X-Trace", "a"]]));
    h.ok = headerError({ "X-Trace": "a b\tc" });
  } finally {
    for (const r of restore) r();
  }
  return report;
}
