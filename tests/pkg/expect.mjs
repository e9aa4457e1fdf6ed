// The assertions on a report of consumer/checks.mjs, whatever runtime made it.
import assert from "node:assert/strict";
import { expectedCodes } from "./expected-codes.mjs";
import { passwordOf } from "./installed.mjs";
import { PASSWORD } from "./consumer/checks.mjs";

/**
 * Asserts everything about `report`; `scenarios` are the recorded ones it parsed.
 * `refusedIndistinct`: the runtime reports a refused connection like any
 * other network failure (browsers: "Failed to fetch"; workerd: "Network
 * connection lost."), so the outcome must stay unknown there.
 */
export function checkReport(report, scenarios, { refusedIndistinct = false } = {}) {
  // Every recorded reply parses to its scenario's code.
  assert.equal(Object.keys(report.parsed).length, scenarios.length);
  for (const s of scenarios) {
    const parsed = report.parsed[s.name];
    assert.equal(parsed.code, expectedCodes[s.name], `${s.file}: ${s.name}`);
    assert.equal(parsed.ok, parsed.code === "TRANSFERRED" || parsed.code === "HUNGUP");
    assert.equal(typeof parsed.message, "string");
    const pass = passwordOf(s);
    if (pass) {
      const shown = JSON.stringify(parsed);
      assert.ok(!shown.includes("SELECT"), `${s.name} shows SQL`);
      if (s.reply.includes("Invalid Username/Password")) assert.ok(!shown.includes(`|${pass}|`), `${s.name} shows the password`);
    }
  }
  if (report.parsed.success_named_out) {
    assert.equal(report.parsed.success_named_out.agentUser, "1028");
    assert.equal(report.parsed.bad_password.raw, "ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n");
  }

  // Validation names every bad field; inherited properties are not read.
  assert.deepEqual(report.valid, []);
  assert.deepEqual(
    report.invalid.map((i) => [i.field, i.code]),
    [["source", "MISSING"], ["pass", "INVALID_CHARACTER"], ["agentUser", "INVALID_CHARACTER"], ["callId", "INVALID_CHARACTER"], ["ingroup", "INVALID_CHARACTER"], ["status", "TOO_LONG"]],
  );
  const LABELS = { source: "Source", pass: "API password", agentUser: "Agent user", callId: "Call ID", ingroup: "In-group", status: "Status" };
  for (const i of report.invalid) assert.ok(i.message.startsWith(LABELS[i.field]), i.message);
  assert.deepEqual(report.inherited.map((i) => [i.field, i.code]), [["ingroup", "MISSING"]]);

  // Building: one encoding for GET and POST; a TransferValidationError with issues.
  assert.equal(report.built.query, report.built.body);
  assert.equal(report.built.body, `source=crm&user=6666&pass=${PASSWORD}%2B&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE`);
  assert.ok(!report.built.preview.includes(PASSWORD));
  assert.equal(report.errors.length, 1);
  const [e] = report.errors;
  assert.deepEqual([e.name, e.isError, e.isValidationError], ["TransferValidationError", true, true]);
  assert.deepEqual(e.issues.map((i) => [i.field, i.code]), [["ingroup", "DEFAULTINGROUP_MISUSED"]]);
  assert.match(e.message, /^invalid request: In-group may be exactly DEFAULTINGROUP/);
  assert.ok(report.decoded.ok && report.decoded.request.pass === `${PASSWORD}+`);
  // Without serverVersion, a + in the password is refused by name (2.14-72 and newer keep it).
  assert.deepEqual(report.decodedAny.issues.map((i) => `${i.field}:${i.code}`), ["pass:NEEDS_NEWER_VERSION"]);

  // Every stage, every version, by name.
  const cc = report.callControl;
  const codes = (issues) => issues.map((i) => `${i.field}:${i.code}`);
  assert.deepEqual(cc.hangupValid, []);
  assert.deepEqual(codes(cc.hangupWithIngroup), ["ingroup:NOT_USED_BY_STAGE"]);
  assert.deepEqual(codes(cc.extPlus), ["phoneNumber:PLUS_NOT_KEPT"]);
  assert.match(cc.extPlus.find((i) => i.field === "phoneNumber").message, /\+/);
  assert.deepEqual([cc.extBuilt.stage, cc.extBuilt.body], ["EXTENSIONTRANSFER", "agent_user=1028&function=ra_call_control&stage=EXTENSIONTRANSFER&value=Y1&phone_number=7275559999"]);
  assert.deepEqual(codes(cc.unknownKey), ["callID:UNKNOWN_FIELD"]);
  assert.deepEqual(codes(cc.stageInShorthand), ["stage:STAGE_NOT_VALID"]);
  assert.deepEqual(cc.sameStageInShorthand, []);
  assert.deepEqual(codes(cc.dashAny), ["agentUser:NEEDS_NEWER_VERSION"]);
  assert.match(cc.dashAny[0].message, /2\.14-75 and newer: pass serverVersion/);
  assert.equal(cc.dashAny[0].since, "2.14-75");
  assert.deepEqual(cc.dash82, []);
  assert.deepEqual(codes(cc.dash72), ["agentUser:NEEDS_NEWER_VERSION"]);
  assert.deepEqual(codes(cc.numbers), ["agentUser:NOT_A_STRING", "callId:NOT_A_STRING", "status:NOT_A_STRING"]);
  assert.deepEqual(cc.tooOld, { name: "RangeError", code: "VERSION_TOO_OLD", isRangeError: true });
  assert.deepEqual(cc.unreadable, { name: "RangeError", code: "VERSION_UNREADABLE", isRangeError: true });
  assert.deepEqual([cc.decodedHangup.ok, cc.decodedHangup.request.stage, cc.decodedHangup.request.callId], [true, "HANGUP", "Y0315201639000402027"]);
  assert.deepEqual([cc.decodeTransferOfHangup.ok, codes(cc.decodeTransferOfHangup.issues)[0]], [false, "stage:UNSUPPORTED_STAGE"]);

  assert.deepEqual([report.maxBytes, report.cut], [[true, true, true, true], "abc"]);

  const o = report.outcomes;
  const brief = (x) => [x.code, x.ok, x.outcomeUnknown];
  // The never-retry memory.
  assert.deepEqual(brief(o.first), ["TRANSFERRED", true, false]);
  assert.deepEqual([o.again.code, o.again.likelyAlreadyTransferred], ["NO_ACTIVE_CALL", true]);
  // Replies and faults: typed outcomes, unknown only where the server may have acted.
  assert.deepEqual(brief(o.badPassword), ["INVALID_CREDENTIALS", false, false]);
  assert.deepEqual(brief(o.timeout), ["TIMEOUT", false, true]);
  assert.deepEqual(brief(o.reset), ["NETWORK_ERROR", false, true]);
  assert.deepEqual([...brief(o.midbody), o.midbody.httpStatus], ["NETWORK_ERROR", false, true, 200]);
  assert.deepEqual([...brief(o.html502), o.html502.httpStatus], ["HTTP_ERROR", false, true, 502]);
  assert.deepEqual([...brief(o.strict500), o.strict500.httpStatus], ["SUCCESS_NOT_COMPLETED", false, true, 500]);
  for (const [name, status] of [["redirect301", 301], ["redirect307", 307], ["redirect308", 308]]) {
    assert.deepEqual(brief(o[name]), ["REDIRECTED", false, false], name);
    // Browsers see an opaque redirect: no status.
    if (o[name].httpStatus !== undefined) assert.equal(o[name].httpStatus, status);
  }
  assert.deepEqual([...brief(o.huge), o.huge.httpStatus, o.huge.raw.length], ["REPLY_TOO_LARGE", false, true, 200, 512]);
  assert.deepEqual(
    [...brief(o.proxyRateLimited), o.proxyRateLimited.proxyCode, o.proxyRateLimited.retryAfter, o.proxyRateLimited.reason],
    ["PROXY_REFUSED", false, false, "RATE_LIMITED", 7, "refused by the test proxy"],
  );
  assert.deepEqual([...brief(o.proxyUpstreamTimeout), o.proxyUpstreamTimeout.proxyCode], ["PROXY_REFUSED", false, true, "UPSTREAM_TIMEOUT"]);
  assert.deepEqual([...brief(o.proxyAlreadyActed), o.proxyAlreadyActed.proxyCode, o.proxyAlreadyActed.httpStatus], ["PROXY_REFUSED", false, false, "ALREADY_ACTED", 409]);
  assert.deepEqual(brief(o.getMethod), ["TRANSFERRED", true, false]);
  assert.deepEqual([o.invalid.code, o.invalid.outcomeUnknown, o.invalid.issues[0].code], ["INVALID_REQUEST", false, "SURROUNDING_SPACE"]);
  assert.deepEqual([o.notAString.code, o.notAString.issues.map((i) => i.field + ":" + i.code)], ["INVALID_REQUEST", ["agentUser:NOT_A_STRING"]]);
  assert.deepEqual(brief(o.preAborted), ["ABORTED", false, false]);
  assert.deepEqual(brief(o.aborted), ["ABORTED", false, true]);
  assert.deepEqual(brief(o.afterFailures), ["TRANSFERRED", true, false]);
  // A refused connection: nothing sent where the runtime lets us tell (not browsers, not workerd).
  assert.deepEqual(brief(o.refused), ["NETWORK_ERROR", false, refusedIndistinct], JSON.stringify(o.refused));
  if (!refusedIndistinct) assert.match(o.refused.message, /^Connection refused: nothing was sent/);
  assert.deepEqual(brief(o.noSuchHost), ["NETWORK_ERROR", false, refusedIndistinct], JSON.stringify(o.noSuchHost));
  // Every stage through the client; the never-retry memory per stage.
  assert.deepEqual([...brief(o.hangup), o.hangup.stage], ["HUNGUP", true, false, "HANGUP"]);
  assert.deepEqual([o.hangupAgain.code, o.hangupAgain.likelyAlreadyEnded, o.hangupAgain.likelyAlreadyTransferred], ["NO_ACTIVE_CALL", true, false]);
  assert.deepEqual([...brief(o.extension), o.extension.stage, o.extension.reply.phoneNumber], ["TRANSFERRED", true, false, "EXTENSIONTRANSFER", "7275559999"]);
  assert.deepEqual([...brief(o.hangupRecorded), o.hangupRecorded.stage], ["HUNGUP", true, false, "HANGUP"]);
  // The proxy's current call.
  assert.deepEqual(o.currentCall, { ok: true, code: "CURRENT_CALL", agentUser: "1028", callId: "Y0315201639000402027", status: "INCALL", subStatus: "", movable: true });
  assert.deepEqual([o.currentCallBadToken.code, o.currentCallBadToken.proxyCode, o.currentCallBadToken.httpStatus], ["PROXY_REFUSED", "TOKEN_INVALID", 401]);

  // Headers are checked at construction: a TypeError naming the header, never showing its value.
  const h = report.headerErrors;
  for (const [k, name] of [["nonAscii", "Authorization"], ["newline", "X-Trace"], ["number", "X-Trace"], ["reserved", "Content-Length"], ["duplicate", "x-trace"], ["spaces", "X-Trace"]]) {
    assert.ok(h[k]?.isTypeError, k);
    assert.ok(h[k].message.includes(name), `${k}: ${h[k].message}`);
  }
  assert.ok(h.badName?.isTypeError && h.headersObject?.isTypeError);
  assert.equal(h.ok, null);

  // The password never shows in an outcome, error or console line.
  const everything = JSON.stringify({ outcomes: o, errors: report.errors, console: report.console, redacted: report.redacted, invalid: report.invalid, h });
  const at = everything.indexOf(PASSWORD);
  assert.equal(at, -1, everything.slice(Math.max(0, at - 80), at + 20));
}

/** What the replay server saw: credentials only in POST bodies, never in a URL. */
export function checkSeen(seen) {
  assert.ok(seen.length >= 15, `only ${seen.length} requests reached the replay server`);
  for (const r of seen) {
    if (r.method === "GET" && r.url.startsWith("/reply/success_named_out?")) continue; // the GET test
    assert.ok(!r.url.includes(PASSWORD), `password in URL ${r.url}`);
    if (r.method === "POST" && new URLSearchParams(r.body).has("user")) assert.equal(new URLSearchParams(r.body).get("pass"), PASSWORD);
  }
  // No redirect was followed (the Location points at 127.0.0.2:9, which would have failed differently).
}
