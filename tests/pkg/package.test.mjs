// The built package, installed from its npm tarball into a fresh project,
// used by name from Node with no init call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { installPackage, recordedScenarios, passwordOf, root } from "./installed.mjs";
import { expectedCodes } from "./expected-codes.mjs";
import { startReplayServer } from "../support/replay-server.mjs";

const PASSWORD = "Pw9Zx7Qk3";
let installed, report, replay;

before(async () => {
  installed = installPackage();
  replay = await startReplayServer();
  const scenarios = recordedScenarios().map(({ name, reply }) => ({ name, reply }));
  // Run from inside the consumer project so "vicidial-xfer" resolves to the install.
  copyFileSync(join(root, "tests", "pkg", "consumer-check.mjs"), join(installed.dir, "check.mjs"));
  // Asynchronously: the replay server lives in this process's event loop.
  const { stdout: out } = await promisify(execFile)(process.execPath, ["check.mjs", JSON.stringify(scenarios), replay.url], {
    cwd: installed.dir,
    encoding: "utf8",
  });
  report = JSON.parse(out.trim().split("\n").at(-1));
});
after(() => replay?.close());

test("the tarball holds exactly the whitelisted files", () => {
  assert.deepEqual(installed.files, [
    "README.md", "api.js", "index.d.ts", "index.js", "node.js", "package.json",
    "vicidial_xfer.js", "vicidial_xfer_bg.wasm", "vicidial_xfer_node.js", "workerd.js",
  ]);
});

test("every recorded reply parses to its scenario's code", () => {
  const scenarios = recordedScenarios();
  assert.equal(scenarios.length, 50);
  for (const s of scenarios) {
    const parsed = report.parsed[s.name];
    assert.equal(parsed.code, expectedCodes[s.name], `${s.file}: ${s.name}`);
    assert.equal(parsed.ok, parsed.code === "TRANSFERRED" || parsed.code === "HUNGUP");
    assert.equal(typeof parsed.message, "string");
    const pass = passwordOf(s);
    if (pass) {
      const shown = JSON.stringify(parsed);
      assert.ok(!shown.includes("SELECT"), `${s.name} shows SQL`);
      // `raw` is the redacted body; the echo's password slot is gone.
      if (s.reply.includes("Invalid Username/Password")) assert.ok(!shown.includes(`|${pass}|`), `${s.name} shows the password`);
    }
  }
  assert.equal(report.parsed.success_named_out.agentUser, "1028");
  assert.equal(report.parsed.success_named_out.callId, "Y0315201639000402027");
  assert.equal(report.parsed.bad_password.raw, "ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n");
});

test("validateTransfer returns [] for a valid request and names every bad field", () => {
  assert.deepEqual(report.valid, []);
  assert.deepEqual(
    report.invalid.map((i) => [i.field, i.code]),
    [["pass", "INVALID_CHARACTER"], ["agentUser", "INVALID_CHARACTER"], ["callId", "INVALID_CHARACTER"], ["ingroup", "INVALID_CHARACTER"], ["status", "TOO_LONG"]],
  );
  for (const i of report.invalid) assert.ok(i.message.startsWith(i.field), i.message);
});

test("buildTransfer encodes for GET and POST alike and throws Errors with issues", () => {
  assert.equal(report.built.query, report.built.body);
  assert.match(report.built.body, /^source=crm&user=6666&pass=Pw9Zx7Qk3%2B&agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE$/);
  assert.ok(!report.built.preview.includes(PASSWORD));
  assert.equal(report.errors.length, 1);
  const [e] = report.errors;
  assert.equal(e.isError, true);
  assert.deepEqual(e.issues.map((i) => [i.field, i.code]), [["ingroup", "DEFAULTINGROUP_MISUSED"]]);
  assert.ok(report.decoded.ok && report.decoded.request.pass === `${PASSWORD}+`);
});

test("TransferClient: success, then NO_ACTIVE_CALL flagged as likely already transferred", () => {
  assert.equal(report.outcomes.first.code, "TRANSFERRED");
  assert.equal(report.outcomes.first.ok, true);
  assert.equal(report.outcomes.again.code, "NO_ACTIVE_CALL");
  assert.equal(report.outcomes.again.likelyAlreadyTransferred, true);
});

test("TransferClient: faults are typed outcomes, never rejections, and unknown outcomes are marked", () => {
  const o = report.outcomes;
  assert.equal(o.badPassword.code, "INVALID_CREDENTIALS");
  assert.deepEqual([o.timeout.code, o.timeout.outcomeUnknown], ["TIMEOUT", true]);
  assert.deepEqual([o.reset.code, o.reset.outcomeUnknown], ["NETWORK_ERROR", true]);
  assert.deepEqual([o.html502.code, o.html502.httpStatus], ["HTTP_ERROR", 502]);
  assert.deepEqual([o.strict500.code, o.strict500.ok, o.strict500.httpStatus], ["HTTP_ERROR", false, 500]);
  assert.deepEqual([o.aborted.code, o.aborted.outcomeUnknown], ["ABORTED", true]);
  assert.deepEqual([o.invalid.code, o.invalid.issues[0].code], ["INVALID_REQUEST", "SURROUNDING_SPACE"]);
});

test("the password never appears in a URL, an error, an outcome or a console message", () => {
  const everything = JSON.stringify({ outcomes: report.outcomes, errors: report.errors, console: report.console, redacted: report.redacted, invalid: report.invalid });
  assert.ok(!everything.includes(PASSWORD), everything.slice(everything.indexOf(PASSWORD) - 80, everything.indexOf(PASSWORD) + 20));
  assert.ok(replay.seen.length >= 8);
  for (const r of replay.seen) {
    assert.ok(!r.url.includes(PASSWORD), `password in URL ${r.url}`);
    if (r.method === "POST" && new URLSearchParams(r.body).has("user")) assert.equal(new URLSearchParams(r.body).get("pass"), PASSWORD);
  }
});

test("export conditions pick the right entry for each runtime", async () => {
  const resolveWith = async (condition) => {
    const args = [...(condition ? [`--conditions=${condition}`] : []), "--input-type=module", "-e", "console.log(import.meta.resolve('vicidial-xfer'))"];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: installed.dir, encoding: "utf8" });
    return stdout.trim().split("/").at(-1);
  };
  assert.equal(await resolveWith(null), "node.js");
  assert.equal(await resolveWith("workerd"), "workerd.js");
  assert.equal(await resolveWith("worker"), "index.js");
  assert.equal(await resolveWith("browser"), "index.js");
  assert.equal(await resolveWith("deno"), "index.js");
  const wasm = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", "console.log(import.meta.resolve('vicidial-xfer/vicidial_xfer_bg.wasm'))"], { cwd: installed.dir, encoding: "utf8" });
  assert.match(wasm.stdout, /vicidial_xfer_bg\.wasm$/m);
});
