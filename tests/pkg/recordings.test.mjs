// Every recording in tests/recordings/ replays through the installed
// package (the same wasm every runtime loads): across every recorded
// api.php request, the package's outcome is `ok` exactly when the database
// shows the server queued the action (a Redirect or Hangup row appeared);
// no reply is UNRECOGNIZED; no recorded password shows in any result.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { installPackage, root } from "./installed.mjs";

const SERVER_FILES = ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl", "stages-2.14-82.jsonl", "edge-2.14-82.jsonl", "strict-2.14-82.jsonl", "nonagent-2.14-82.jsonl", "realserver-extra-2.14-82.jsonl"];
const MARK = "Pw9Zx7Qk3Marker";
let api, glue;

const lines = (file) =>
  readFileSync(join(root, "tests", "recordings", file), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

/** The parameters a recording sent (query, then a form body unless multipart), last one winning as PHP does. */
function params(sc) {
  const text = `${sc.query ?? ""}&${(sc.content_type_sent ?? "").startsWith("multipart/") ? "" : sc.body ?? ""}`;
  const out = new Map();
  for (const [k, v] of new URLSearchParams(text)) out.set(k, v);
  return out;
}

/** The sequence a recording belongs to (`twice_*`, `lockout_*`, `seqN_*`): only its first member ran from a fresh seed. */
function sequence(name) {
  if (name.startsWith("twice_") || name.startsWith("lockout_")) return name.split("_")[0];
  const head = name.split("_")[0];
  return /^seq\d+$/.test(head) && name.includes("_") ? head : null;
}

before(async () => {
  const { dir } = installPackage();
  const pkg = join(dir, "node_modules", "vicidial-xfer");
  api = await import(join(pkg, "node.js"));
  // The glue's own `conclude` (the web glue, over the same .wasm).
  glue = await import(join(pkg, "vicidial_xfer.js"));
  glue.initSync({ module: readFileSync(join(pkg, "vicidial_xfer_bg.wasm")) });
});

test("ok exactly when the server queued the action, in every recorded api.php request", () => {
  let checked = 0;
  let withEffects = 0;
  for (const file of SERVER_FILES) {
    let group = null;
    let managerBefore = "";
    for (const sc of lines(file)) {
      const seq = sequence(sc.name);
      if (seq === null || seq !== group) managerBefore = "";
      group = seq;
      const managerAfter = sc.db_effects?.manager;
      const p = params(sc);
      if ((sc.path ?? "/agc/api.php") === "/agc/api.php" && p.get("function") === "ra_call_control") {
        const stage = ["INGROUPTRANSFER", "EXTENSIONTRANSFER", "HANGUP"].includes(p.get("stage")) ? p.get("stage") : "INGROUPTRANSFER";
        // The same conclusion TransferClient draws from this response.
        const outcome = JSON.parse(glue.conclude(stage, p.get("value") ?? "", 0, sc.http_status, sc.reply, "", false, "", "", undefined, false));
        assert.notEqual(outcome.code, "UNRECOGNIZED", `${file}: ${sc.name}`);
        if (typeof managerAfter === "string") {
          const queued = managerAfter.length > managerBefore.length;
          assert.equal(outcome.ok, queued, `${file}: ${sc.name}: ok=${outcome.ok} but the server queued ${queued}`);
          withEffects++;
        }
        if (outcome.ok) {
          assert.equal(outcome.reply.agentUser, p.get("agent_user"), `${file}: ${sc.name}`);
          assert.equal(outcome.reply.callId, p.get("value"), `${file}: ${sc.name}`);
        }
        checked++;
      }
      if (typeof managerAfter === "string") managerBefore = managerAfter;
    }
  }
  // The counts of tests/recordings/ (as tests/recorded_replies.rs counts them).
  assert.deepEqual([checked, withEffects], [92, 64]);
});

test("no recorded password shows in parseReply, redactReply or an outcome, with or without the secret", () => {
  let checked = 0;
  for (const file of [...SERVER_FILES, "documented-agent-api.jsonl"]) {
    for (const sc of lines(file)) {
      const pass = params(sc).get("pass");
      if (!pass || pass.length < 4 || !sc.reply.includes(pass)) continue;
      const body = sc.reply.replaceAll(pass, MARK);
      // Reply lines echo request values (a password 1234 may be digits of an
      // echoed phone number); only the replies that echo no request field count.
      const code = api.parseReply(sc.reply).code;
      if (!["INVALID_CREDENTIALS", "UNRECOGNIZED", "SERVER_ERROR", "SUCCESS_NOT_COMPLETED"].includes(code)) continue;
      for (const secret of [MARK, undefined]) {
        const shown = [
          JSON.stringify(api.parseReply(body, { secret })),
          api.redactReply(body, { secret, maxBytes: 4096 }),
          glue.conclude("INGROUPTRANSFER", "Y1", 0, sc.http_status, body, secret ?? "", secret !== undefined, "", "", undefined, false),
        ].join("\n");
        // Without the secret, only what redaction recognises (the auth echo, SQL, pass=) must go.
        if (secret || /Invalid Username\/Password|Login incorrect|pass=|SELECT|UPDATE|INSERT/.test(sc.reply)) {
          assert.ok(!shown.includes(MARK), `${file}: ${sc.name} (secret ${secret ? "given" : "not given"}) shows the password:\n${shown}`);
        }
      }
      checked++;
    }
  }
  assert.ok(checked >= 5, `only ${checked} recordings echo their password`);
  console.log(`# ${checked} recordings that echo their password checked`);
});
