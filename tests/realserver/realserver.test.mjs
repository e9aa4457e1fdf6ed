// The package's requests against the real VICIdial agc/api.php (2.14-82 and
// every older revision ../shared/realserver/versions.sh serves), over
// MariaDB: for every stage, the reply is parsed with the package and the
// database is compared, table by table, with what api.php must have done
// with exactly the values that were asked for (effects.mjs). Between
// scenarios the database goes back to the seeded state (reseed.sh).
//
// Without ../shared/realserver the suite says so and is skipped; under
// CI=true that is a failure.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { afterError, afterSuccess, afterSuccessNotCompleted, defaultIngroup, successLine } from "./effects.mjs";
import { freePorts, harnessDir, harnessMissing, inCI, RealServer, root } from "./harness.mjs";
import { build, loadPackage, MissingApi, validate } from "./package.mjs";
import { compareVersions, keptBy } from "./probes.mjs";

const OUT = "Y0315201639000402027"; // OUT call of OUTCAMP (default SALESLINE), agent 1028 on it
const IN = "Y0315201640000402028"; // IN call of SALESLINE (default BILLING), no agent
const NODEF = "Y0315201641000402029"; // IN call of NODEFAULT (no default in-group)
const STRICT = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION";
const BASE = { source: "crm", user: "6666", pass: "1234", agentUser: "1028" };
const ig = (callId, ingroup, more = {}) => ({ ...BASE, stage: "INGROUPTRANSFER", callId, ingroup, ...more });
const ext = (callId, phoneNumber, more = {}) => ({ ...BASE, stage: "EXTENSIONTRANSFER", callId, phoneNumber, ...more });
const hang = (callId, more = {}) => ({ ...BASE, stage: "HANGUP", callId, ...more });

// A call, a lead row and a log row made for one scenario (OUT call of OUTCAMP, lead 1001).
function extraCallSql(callId, n) {
  return `INSERT INTO vicidial_auto_calls (server_ip,campaign_id,status,lead_id,uniqueid,callerid,channel,phone_code,phone_number,call_time,call_type,stage,last_update_time,alt_dial,queue_priority,agent_only,agent_grab,queue_position)
    VALUES ('10.0.0.5','OUTCAMP','LIVE',1001,'1700000000.${n}','${callId}','SIP/carrier-000${n}','1','7275551212',NOW(),'OUT','LIVE',NOW(),'MAIN',0,'','',1);
  INSERT INTO vicidial_log (uniqueid,lead_id,list_id,campaign_id,call_date,start_epoch,status,phone_code,phone_number,user,processed,length_in_sec)
    VALUES ('1700000000.${n}',1001,101,'OUTCAMP',NOW(),UNIX_TIMESTAMP(NOW()),'INCALL','1','7275551212','1028','N',0);`;
}
const agentSql = (user) => `INSERT INTO vicidial_live_agents (user,server_ip,conf_exten,extension,status,lead_id,campaign_id,uniqueid,callerid,channel,random_id,last_call_time,last_update_time,last_call_finish,user_level,last_state_change)
  VALUES ('${user}','10.0.0.5','','R/${user}','READY',0,'OUTCAMP','','','',33333333,NOW(),NOW(),NOW(),1,NOW());`;
const apiUserSql = (user, pass) => `CREATE TEMPORARY TABLE u SELECT * FROM vicidial_users WHERE user='6666';
  UPDATE u SET user_id=0, user='${user}', pass='${pass}'; INSERT INTO vicidial_users SELECT * FROM u; DROP TEMPORARY TABLE u;`;

/**
 * Values each field keeps on some versions, with what the seed needs so
 * that the request succeeds. A value is sent to a version only when the
 * probes of that version say the server keeps all of its characters.
 */
const KEPT_VALUES = [
  { field: "callId", param: "value", value: "Y03-15_2016430004020", setupSql: extraCallSql("Y03-15_2016430004020", 7), request: (v) => hang(v) },
  { field: "callId", param: "value", value: "Y03|15201644000402|1", setupSql: extraCallSql("Y03|15201644000402|1", 8), request: (v) => hang(v, { status: "SALE" }) },
  { field: "agentUser", param: "agent_user", value: "AgentX9", setupSql: agentSql("AgentX9"), request: (v) => ig(OUT, "SALESLINE", { agentUser: v }) },
  { field: "agentUser", param: "agent_user", value: "agent_7-b", extras: true, request: (v) => ig(OUT, "SALESLINE", { agentUser: v }) },
  { field: "ingroup", param: "ingroup_choices", value: "AB", extras: true, request: (v) => ig(OUT, v) },
  { field: "ingroup", param: "ingroup_choices", value: "ABCDEFGHIJKLMNOPQRST", extras: true, request: (v) => ig(IN, v) },
  { field: "ingroup", param: "ingroup_choices", value: "SALES_LINE_2", extras: true, request: (v) => ig(OUT, v) },
  { field: "status", param: "status", value: "A-b_9", request: (v) => hang(OUT, { status: v }) },
  { field: "status", param: "status", value: "XFER12", request: (v) => ig(IN, "BILLING", { status: v }) },
  { field: "status", param: "status", value: "S", request: (v) => ext(OUT, "8500", { status: v }) },
  { field: "phoneNumber", param: "phone_number", value: "12", request: (v) => ext(OUT, v) },
  { field: "phoneNumber", param: "phone_number", value: "*72#0", request: (v) => ext(IN, v) },
  { field: "phoneNumber", param: "phone_number", value: "AGENT1028", request: (v) => ext(OUT, v) },
  { field: "pass", param: "pass", value: "pa+ss/w=rd", request: (v) => hang(OUT, { user: "apiplus", pass: v }) },
  { field: "pass", param: "pass", value: "Pw-_9z", setupSql: apiUserSql("apiuser2", "Pw-_9z"), request: (v) => hang(IN, { user: "apiuser2", pass: v }) },
  { field: "user", param: "user", value: "api_u-1", setupSql: apiUserSql("api_u-1", "1234"), request: (v) => ig(OUT, "BILLING", { user: v }) },
  { field: "source", param: "source", value: "CRM2x9", request: (v) => ext(OUT, "7275559999", { source: v }) },
];

function stageScenarios(version) {
  return [
    { name: "INGROUPTRANSFER to SALESLINE, OUT call, status SALE, POST", method: "POST", request: ig(OUT, "SALESLINE", { status: "SALE" }), code: "TRANSFERRED" },
    { name: "INGROUPTRANSFER to BILLING, IN call, GET", method: "GET", request: ig(IN, "BILLING"), code: "TRANSFERRED" },
    { name: "INGROUPTRANSFER DEFAULTINGROUP, OUT call (campaign default)", method: "POST", request: ig(OUT, "DEFAULTINGROUP"), code: "TRANSFERRED" },
    { name: "INGROUPTRANSFER DEFAULTINGROUP, IN call (in-group default)", method: "GET", request: ig(IN, "DEFAULTINGROUP", { status: "XFER" }), code: "TRANSFERRED" },
    { name: "EXTENSIONTRANSFER to 7275559999, OUT call, status XFER, POST", method: "POST", request: ext(OUT, "7275559999", { status: "XFER" }), code: "TRANSFERRED" },
    { name: "EXTENSIONTRANSFER to *8500#, IN call, GET", method: "GET", request: ext(IN, "*8500#"), code: "TRANSFERRED" },
    { name: "HANGUP, OUT call, status SALE, POST", method: "POST", request: hang(OUT, { status: "SALE" }), code: "HUNGUP" },
    { name: "HANGUP, IN call, GET", method: "GET", request: hang(IN), code: "HUNGUP" },
    { name: "INGROUPTRANSFER DEFAULTINGROUP on a call without a default: refused, nothing done", method: "POST", request: ig(NODEF, "DEFAULTINGROUP"),
      code: "INGROUP_NOT_VALID", reason: "ingroup is not valid", reply: (b) => `ERROR: ingroup is not valid - ${defaultIngroup(b, b.calls.find((c) => c.callerid === NODEF))}\n` },
    { name: "INGROUPTRANSFER to an inactive in-group: refused, nothing done", method: "POST", request: ig(OUT, "OLDQUEUE"),
      code: "INGROUP_NOT_VALID", reason: "ingroup is not valid", reply: () => "ERROR: ingroup is not valid - OLDQUEUE\n" },
    { name: "HANGUP of a call that does not exist: refused, nothing done", method: "POST", request: hang("Y9999999999999999999"),
      code: "NO_ACTIVE_CALL", reason: "no active call found", reply: () => "ERROR: no active call found - Y9999999999999999999\n" },
    { name: "EXTENSIONTRANSFER by an agent not logged in: refused, nothing done", method: "GET", request: ext(OUT, "8500", { agentUser: "2000" }),
      code: "AGENT_NOT_LOGGED_IN", reason: "agent_user is not logged in", reply: () => "ERROR: agent_user is not logged in - 2000\n" },
  ].map((s) => ({ ...s, version }));
}

const WIRE = { source: "source", user: "user", pass: "pass", agentUser: "agent_user", callId: "value", ingroup: "ingroup_choices", phoneNumber: "phone_number", status: "status" };

/** The parameters the built request carries: exactly the request's fields, function and stage. */
function assertWire(encoded, request) {
  const params = [...new URLSearchParams(encoded)];
  const names = params.map(([k]) => k);
  assert.equal(new Set(names).size, names.length, `a parameter is repeated in ${encoded}`);
  const want = { function: "ra_call_control", stage: request.stage };
  for (const [k, w] of Object.entries(WIRE)) if (request[k] !== undefined && request[k] !== "") want[w] = request[k];
  assert.deepEqual(Object.fromEntries(params), want, "the request on the wire");
}

function defineSuite() {
  const old = readdirSync(join(harnessDir, "vendor", "old")).sort(compareVersions).reverse();
  const versions = ["2.14-82", ...old];
  const srv = new RealServer();
  let pkg;
  let started = false;
  const t0 = Date.now();

  before(async () => {
    pkg = await loadPackage();
    await srv.start();
    started = true;
    process.stdout.write(`realserver: ${srv.servers.map((s) => `${s.version} on ${s.port}`).join(", ")}; started in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });
  after(async () => {
    await srv.stop();
    process.stdout.write(`realserver: done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  });

  const serverOf = (version) => {
    assert.ok(started, "the harness did not start (see the before hook)");
    const s = srv.servers.find((x) => x.version === version);
    assert.ok(s, `versions.sh serves no ${version}`);
    return s;
  };

  /** reseed, build with the package, send, parse, compare the database. */
  async function run(version, sc, serverVersion) {
    const server = serverOf(version);
    const built = build(pkg, sc.request, serverVersion);
    await srv.reseed({ extras: sc.extras, setupSql: sc.setupSql });
    const before = await srv.snapshot();
    const encoded = sc.method === "GET" ? built.query : built.body;
    assertWire(encoded, sc.request);
    // what a proxy's strict decoder reads from it is the request the server acts on
    assert.deepEqual(pkg.decodeCallControl(encoded, serverVersion === undefined ? undefined : { serverVersion }),
      { ok: true, request: Object.fromEntries(Object.entries(sc.request).filter(([, v]) => v !== undefined && v !== "")) });
    const res = await srv.request(server, sc.method, encoded);
    const reply = pkg.parseReply(res.body, { secret: sc.request.pass });
    const after = await srv.snapshot();
    assert.equal(res.status, 200, `HTTP status; reply ${JSON.stringify(res.body)}`);
    if (sc.code === "TRANSFERRED" || sc.code === "HUNGUP") {
      assert.equal(res.body, successLine(sc.request), "the server echoes exactly the values sent");
      assert.equal(reply.code, sc.code, `parseReply: ${JSON.stringify(reply)}`);
      assert.equal(reply.ok, true);
      assert.equal(reply.agentUser, sc.request.agentUser);
      assert.equal(reply.callId, sc.request.callId);
      if (sc.code === "TRANSFERRED") assert.equal(reply.phoneNumber ?? "", sc.request.phoneNumber ?? "", "parseReply phoneNumber");
      assert.deepStrictEqual(after, afterSuccess(before, sc.request), "database effects");
    } else {
      assert.equal(res.body, sc.reply(before));
      assert.equal(reply.code, sc.code, `parseReply: ${JSON.stringify(reply)}`);
      assert.equal(reply.ok, false);
      assert.deepStrictEqual(after, afterError(before, sc.request, sc.reason), "database effects: nothing but the API log");
    }
    return { before, after, reply };
  }

  // The recordings in the repository still reproduce on the live 2.14-82 (the
  // harness's own replay: reply bytes, status, headers, database effects).
  // real-2.14-82-more.jsonl is not replayed: it mixes display_errors=1 and
  // strict sql_mode scenarios; strict-2.14-82.jsonl replays on the strict instance below.
  describe("recordings replay on the live 2.14-82 (rv.py replay)", () => {
    for (const file of ["real-2.14-82.jsonl", "stages-2.14-82.jsonl", "edge-2.14-82.jsonl", "nonagent-2.14-82.jsonl", "realserver-extra-2.14-82.jsonl"]) {
      test(file, async () => {
        serverOf("2.14-82");
        const path = join(root, "tests", "recordings", file);
        const count = readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).length;
        const out = await srv.replay(path);
        assert.match(out, new RegExp(`^${count}/${count} reproduced$`, "m"), out.split("\n").filter((l) => /DIFF|want:|got:/.test(l)).join("\n"));
      });
    }
  });

  // MariaDB's default (strict) sql_mode: api.php prints SUCCESS, writes the
  // statuses, then its manager insert fails (HTTP 500): nothing is queued.
  // A second instance on ports the system picks.
  describe("strict sql_mode, api.php 2.14-82: SUCCESS printed, nothing queued", () => {
    let strict;
    before(async () => {
      strict = new RealServer({ sqlMode: STRICT, ports: await freePorts(), old: false });
      await strict.start();
    });
    after(async () => { await strict?.stop(); });

    test("TransferClient: every stage is SUCCESS_NOT_COMPLETED, outcome unknown; the database shows only the statuses", async () => {
      const endpoint = `http://127.0.0.1:${strict.port}/agc/api.php`;
      for (const request of [ig(OUT, "SALESLINE", { status: "SALE" }), ext(IN, "7275559999"), hang(OUT)]) {
        await strict.reseed();
        const before = await strict.snapshot();
        const client = new pkg.TransferClient({ endpoint, timeoutMs: 20_000, serverVersion: "2.14-82" });
        const outcome = await client.callControl(request);
        client.free?.();
        assert.equal(outcome.code, "SUCCESS_NOT_COMPLETED", `${request.stage}: ${JSON.stringify(outcome)}`);
        assert.equal(outcome.ok, false);
        assert.equal(outcome.outcomeUnknown, true);
        assert.equal(outcome.httpStatus, 500);
        assert.deepStrictEqual(await strict.snapshot(), afterSuccessNotCompleted(before, request), `${request.stage}: database effects`);
      }
    });
    test("strict-2.14-82.jsonl replays (rv.py replay)", async () => {
      const path = join(root, "tests", "recordings", "strict-2.14-82.jsonl");
      const count = readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).length;
      const out = await strict.replay(path);
      assert.match(out, new RegExp(`^${count}/${count} reproduced$`, "m"), out);
    });
  });

  for (const version of versions) {
    describe(`api.php ${version}`, () => {
      test("function=version names the revision; the package reads that line", () => {
        const s = serverOf(version);
        assert.match(s.versionLine, new RegExp(`^VERSION: ${version.replace(".", "\\.")}\\|BUILD: `));
        // the whole line, as function=version answers it, selects the same rules as the bare version
        const request = ig(OUT, "SALESLINE");
        assert.deepEqual(validate(pkg, request, s.versionLine), []);
        assert.deepEqual(build(pkg, request, s.versionLine), build(pkg, request, version));
      });

      for (const sc of stageScenarios(version)) {
        test(`${sc.name} (serverVersion ${version})`, async () => {
          await run(version, sc, version);
        });
      }
      test("every stage without serverVersion (the rules of every version), and buildTransfer as INGROUPTRANSFER's shorthand", async () => {
        for (const sc of stageScenarios(version).filter((x) => x.code === "TRANSFERRED" || x.code === "HUNGUP")) {
          if (/[*#]/.test(sc.request.phoneNumber ?? "")) {
            // * and # are kept from 2.12-50 only: refused without serverVersion, nothing sent
            assert.deepEqual(validate(pkg, sc.request, undefined).map((i) => [i.field, i.code]), [["phoneNumber", "NEEDS_NEWER_VERSION"]]);
            continue;
          }
          await run(version, sc, undefined);
        }
        const request = ig(OUT, "SALESLINE", { status: "SALE" });
        const { stage: _s, ...rest } = request;
        assert.deepEqual(pkg.buildTransfer(rest), build(pkg, request, undefined));
        assert.deepEqual(pkg.buildTransfer(rest, { serverVersion: version }), build(pkg, request, version));
      });

      test("an in-group containing DEFAULTINGROUP is replaced whole by the server, so the package refuses it", async () => {
        const request = ig(IN, "SALES_DEFAULTINGROUP");
        assert.deepEqual(validate(pkg, request, version).map((i) => [i.field, i.code]), [["ingroup", "DEFAULTINGROUP_MISUSED"]]);
        // sent by hand (not by the package): the server transfers to the call's default in-group
        const wire = new URLSearchParams({ source: "crm", user: "6666", pass: "1234", agent_user: "1028", function: "ra_call_control", stage: "INGROUPTRANSFER", value: IN, ingroup_choices: request.ingroup }).toString();
        await srv.reseed();
        const before = await srv.snapshot();
        const res = await srv.request(serverOf(version), "POST", wire);
        assert.equal(res.body, successLine(request));
        assert.deepStrictEqual(await srv.snapshot(), afterSuccess(before, { ...request, ingroup: "DEFAULTINGROUP" }));
      });

      test("TransferClient (the package's own fetch) for each stage, with serverVersion", async () => {
        const s = serverOf(version);
        const client = new pkg.TransferClient({ endpoint: `http://127.0.0.1:${s.port}/agc/api.php`, timeoutMs: 20_000, serverVersion: version });
        try {
          for (const [request, code] of [[ig(OUT, "SALESLINE", { status: "SALE" }), "TRANSFERRED"], [ext(IN, "7275559999"), "TRANSFERRED"], [hang(OUT), "HUNGUP"]]) {
            await srv.reseed();
            const before = await srv.snapshot();
            let outcome;
            if (typeof client.callControl === "function") outcome = await client.callControl(request);
            else throw new MissingApi(`TransferClient.callControl (needed for ${request.stage} with serverVersion ${version})`);
            assert.equal(outcome.code, code, `${request.stage}: ${JSON.stringify(outcome)}`);
            assert.equal(outcome.ok, true);
            assert.equal(outcome.outcomeUnknown, false);
            assert.deepStrictEqual(await srv.snapshot(), afterSuccess(before, request), `${request.stage}: database effects`);
          }
        } finally {
          client.free?.();
        }
      });

      describe("kept values reach the database unchanged", () => {
        for (const kv of KEPT_VALUES) {
          if (!keptBy(version, kv.param, kv.value)) continue;
          test(`${kv.field} ${JSON.stringify(kv.value)}: accepted with serverVersion ${version}, stored as sent`, async () => {
            const request = kv.request(kv.value);
            assert.deepEqual(validate(pkg, request, version), [], `validateCallControl with serverVersion ${version}`);
            const code = request.stage === "HANGUP" ? "HUNGUP" : "TRANSFERRED";
            await run(version, { method: "POST", request, code, extras: kv.extras, setupSql: kv.setupSql }, version);
          });
        }
        // the values this version would rewrite are refused before anything is sent
        for (const kv of KEPT_VALUES) {
          if (keptBy(version, kv.param, kv.value)) continue;
          test(`${kv.field} ${JSON.stringify(kv.value)}: ${version} would rewrite it, so the package refuses it`, () => {
            const issues = validate(pkg, kv.request(kv.value), version);
            assert.ok(issues.some((i) => i.field === kv.field), `no issue on ${kv.field}: ${JSON.stringify(issues)}`);
            assert.throws(() => build(pkg, kv.request(kv.value), version), (e) => e.name === "TransferValidationError" && e.issues.some((i) => i.field === kv.field));
          });
        }
        test("the longest phoneNumber and status the package accepts are stored whole", async () => {
          const longest = (make, field, max) => {
            let best = 0;
            for (let n = 1; n <= max; n++) if (!validate(pkg, make(n), version).some((i) => i.field === field)) best = n;
            return best;
          };
          const phone = (n) => ext(OUT, "9".repeat(n));
          const nPhone = longest(phone, "phoneNumber", 260);
          assert.ok(nPhone >= 10, `phoneNumber: only ${nPhone} digits accepted`);
          await run(version, { method: "POST", request: phone(nPhone), code: "TRANSFERRED" }, version);
          const status = (n) => hang(OUT, { status: "S".repeat(n) });
          const nStatus = longest(status, "status", 12);
          assert.ok(nStatus >= 1, "status: nothing accepted");
          await run(version, { method: "POST", request: status(nStatus), code: "HUNGUP" }, version);
        });
      });
    });
  }
}

const missing = harnessMissing();
if (missing) {
  const why = `the real VICIdial harness is not here (${missing}); it lives in ../shared/realserver beside the repository`;
  if (inCI) {
    test("real VICIdial server: harness present (required under CI=true)", () => assert.fail(why));
  } else {
    process.stdout.write(`realserver: SKIPPED: ${why}\n`);
    test("real VICIdial server suite", { skip: why }, () => {});
  }
} else {
  defineSuite();
}
