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
    [["pass", "INVALID_CHARACTER"], ["agentUser", "INVALID_CHARACTER"], ["callId", "INVALID_CHARACTER"], ["ingroup", "INVALID_CHARACTER"], ["status", "TOO_LONG"]],
  );
  for (const i of report.invalid) assert.ok(i.message.startsWith(i.field), i.message);
  assert.deepEqual(report.inherited.map((i) => [i.field, i.code]), [["ingroup", "MISSING"]]);

  // Building: one encoding for GET and POST; a TransferValidationError with issues.
  assert.equal(report.built.query, report.built.body);
  assert.equal(report.built.body, `source=crm&user=6666&pass=${PASSWORD}%2B&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE`);
  assert.ok(!report.built.preview.includes(PASSWORD));
  assert.equal(report.errors.length, 1);
  const [e] = report.errors;
  assert.deepEqual([e.name, e.isError, e.isValidationError], ["TransferValidationError", true, true]);
  assert.deepEqual(e.issues.map((i) => [i.field, i.code]), [["ingroup", "DEFAULTINGROUP_MISUSED"]]);
  assert.ok(report.decoded.ok && report.decoded.request.pass === `${PASSWORD}+`);

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
  assert.deepEqual([...brief(o.strict500), o.strict500.httpStatus], ["HTTP_ERROR", false, true, 500]);
  for (const [name, status] of [["redirect301", 301], ["redirect307", 307], ["redirect308", 308]]) {
    assert.deepEqual(brief(o[name]), ["REDIRECT", false, true], name);
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
  // A refused connection: nothing sent where the runtime lets us tell (not browsers).
  assert.ok(
    (o.refused.code === "NOT_CONNECTED" && o.refused.outcomeUnknown === false && o.refused.cause === "CONNECTION_REFUSED") ||
      (refusedIndistinct && o.refused.code === "NETWORK_ERROR" && o.refused.outcomeUnknown === true),
    JSON.stringify(o.refused),
  );
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
