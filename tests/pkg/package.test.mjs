// The built package, packed by npm and installed from the tarball into a
// fresh project, used by name from every server-side runtime of the matrix:
// Node 20 and 22 (import and require), Deno 2 and Bun 1. Each validates,
// builds, parses, and sends through TransferClient to the replay server
// (consumer/checks.mjs); expect.mjs asserts on the report.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { installPackage, recordedScenarios, root } from "./installed.mjs";
import { startReplayServer } from "../support/replay-server.mjs";
import { checkReport, checkSeen } from "./expect.mjs";
import { need, runtimes } from "./runtimes.mjs";

const run = promisify(execFile);
let installed, replay, scenarios, scenariosFile;

before(async () => {
  installed = installPackage();
  replay = await startReplayServer();
  scenarios = recordedScenarios();
  scenariosFile = join(installed.dir, "scenarios.json");
  writeFileSync(scenariosFile, JSON.stringify(scenarios.map(({ name, reply }) => ({ name, reply }))));
  cpSync(join(root, "tests", "pkg", "consumer"), installed.dir, { recursive: true });
});
after(() => replay?.close());

const MATRIX = [
  ["Node 20, import", "node20", ["run-esm.mjs"]],
  ["Node 20, require", "node20", ["run-cjs.cjs"]],
  ["Node 20, import, without process.getBuiltinModule (as before 20.16)", "node20", ["--import", "./without-get-builtin-module.mjs", "run-esm.mjs"]],
  ["Node 22, import", "node22", ["run-esm.mjs"]],
  ["Node 22, require", "node22", ["run-cjs.cjs"]],
  ["Deno 2", "deno", ["run", "--allow-read", "--allow-net", "--allow-env", "run-esm.mjs"]],
  ["Bun 1, import", "bun", ["run-esm.mjs"]],
  ["Bun 1, require", "bun", ["run-cjs.cjs"]],
];

for (const [name, runtime, args] of MATRIX) {
  test(`${name}: validates, builds, parses and sends through TransferClient`, need(runtime), async () => {
    // Asynchronously: the replay server lives in this process's event loop.
    const { stdout, stderr } = await run(runtimes[runtime], [...args, scenariosFile, replay.url, replay.refusedUrl], {
      cwd: installed.dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    }).catch((e) => assert.fail(`${name} failed: ${e.message}\n${e.stdout}\n${e.stderr}`));
    const last = stdout.trim().split("\n").at(-1);
    let report;
    try {
      report = JSON.parse(last);
    } catch {
      assert.fail(`${name} printed no report:\n${stdout}\n${stderr}`);
    }
    checkReport(report, scenarios);
  });
}

test("the replay server saw credentials only in POST bodies", () => checkSeen(replay.seen));

test("the tarball holds exactly the whitelisted files", () => {
  assert.deepEqual(installed.files, [
    "LICENSE-APACHE", "LICENSE-MIT", "README.md", "api.cjs", "api.js", "index.d.ts", "index.js", "inline.js", "node.cjs", "node.js",
    "package.json", "vicidial_xfer.js", "vicidial_xfer_bg.wasm", "vicidial_xfer_inline.js", "vicidial_xfer_node.cjs", "workerd.js",
  ]);
});

test("export conditions pick the right entry for each runtime", async () => {
  const resolveWith = async (conditions, how = "import") => {
    const code = how === "import" ? "console.log(import.meta.resolve('vicidial-xfer'))" : "console.log(require.resolve('vicidial-xfer'))";
    const args = [...conditions.map((c) => `--conditions=${c}`), ...(how === "import" ? ["--input-type=module"] : []), "-e", code];
    const { stdout } = await run(process.execPath, args, { cwd: installed.dir, encoding: "utf8" });
    return stdout.trim().split("/").at(-1);
  };
  assert.equal(await resolveWith([]), "node.js");
  assert.equal(await resolveWith([], "require"), "node.cjs");
  assert.equal(await resolveWith(["workerd"]), "workerd.js");
  assert.equal(await resolveWith(["deno"]), "index.js");
  const wasm = await run(process.execPath, ["--input-type=module", "-e", "console.log(import.meta.resolve('vicidial-xfer/vicidial_xfer_bg.wasm'))"], { cwd: installed.dir, encoding: "utf8" });
  assert.match(wasm.stdout, /vicidial_xfer_bg\.wasm$/m);
});

test("the wasm's bump allocator starts over after each call: memory stays flat", async () => {
  // The web glue's initSync returns the instance's exports, memory included.
  const glue = await import(join(installed.dir, "node_modules", "vicidial-xfer", "vicidial_xfer.js"));
  const { readFileSync } = await import("node:fs");
  const exports = glue.initSync({ module: readFileSync(join(installed.dir, "node_modules", "vicidial-xfer", "vicidial_xfer_bg.wasm")) });
  const { makeApi } = await import(join(installed.dir, "node_modules", "vicidial-xfer", "api.js"));
  const api = makeApi(glue, () => true);
  const big = `SUCCESS: ra_call_control transfer - 1028|Y1|\n${"x".repeat(200 * 1024)}`;
  const round = (n) => {
    for (let i = 0; i < n; i++) {
      api.parseReply(big.slice(0, 1000 + ((i * 7919) % (200 * 1024))), { secret: "Pw9Zx7Qk3" });
      api.buildCallControl({ stage: "HANGUP", agentUser: "1028", callId: `Y${i}` });
      assert.equal(api.validateCallControl({ stage: "HANGUP", agentUser: 1028, callId: `Y${i}`, x: 1 }).length, 2);
      api.decodeCallControl(`function=ra_call_control&stage=HANGUP&agent_user=1028&value=Y${i}`);
    }
  };
  round(200);
  const after200 = exports.memory.buffer.byteLength;
  round(2000);
  assert.equal(exports.memory.buffer.byteLength, after200, "memory grew between rounds: the allocator does not start over");
  assert.ok(after200 < 16 * 1024 * 1024, `memory ${after200}`);
});

test("parseReply through build.mjs's PARSE_GLUE answers as a plain TextEncoder / TextDecoder copy over the same export: any text, with a secret or none, memory growing meanwhile", async () => {
  const dir = join(installed.dir, "node_modules", "vicidial-xfer");
  const module = new WebAssembly.Module(readFileSync(join(dir, "vicidial_xfer_bg.wasm")));
  const { makeApi } = await import(pathToFileURL(join(dir, "api.js")).href);
  const shipped = pathToFileURL(join(dir, "vicidial_xfer.js")).href;
  assert.match(readFileSync(join(dir, "vicidial_xfer.js"), "utf8"), /PARSE_GLUE/, "the shipped glue's parse is not PARSE_GLUE: this test compares nothing");
  // The export's contract (src/wasm/bindings.rs parse_record) in the plainest JavaScript.
  const plainParse = (exports) => (text, hasSecret) => {
    const bytes = new TextEncoder().encode(text);
    const ptr = exports.__wbindgen_malloc(bytes.length, 1) >>> 0;
    new Uint8Array(exports.memory.buffer).set(bytes, ptr);
    const at = exports.parse_record(ptr, bytes.length, hasSecret ? 1 : 0) >>> 0;
    const [address, length, capacity] = new Uint32Array(exports.memory.buffer, at, 3);
    const answer = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, address, length));
    exports.__wbindgen_free(address, capacity, 1);
    return answer;
  };
  let copies = 0;
  const fresh = async (plain) => {
    const glue = await import(`${shipped}?copy=${copies++}`);
    const exports = glue.initSync({ module });
    return { api: makeApi(plain ? { ...glue, parse: plainParse(exports) } : glue), memory: exports.memory };
  };
  const [glued, plain] = [await fresh(false), await fresh(true)];
  const entries = [
    ["node.js", await import(pathToFileURL(join(dir, "node.js")).href)],
    ["node.cjs", createRequire(join(dir, "package.json"))("./node.cjs")],
  ];
  const bodies = [
    "SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n",
    "",
    "ERROR: no active call found - Y1\n",
    "ÉXITO: ra_call_control transfer - 1028|Y1|\n", // not ASCII: copied again by passStringToWasm0
    "ERROR: ingroup is not valid - Ünïcödé ☎ 𝄞\n",
    "SUCCESS: ra_call_control transfer - 1028|Y1|\nlone \uD800 surrogate \uDFFF\n",
    "SUCCESS: ra_call_control transfer - 1028|Y1|\nCould not connect: 10.0.0.9|cron|p4ss\0word\n", // a NUL: the JSON form
    "ERROR: Invalid Username/Password: |6666|p4ssw0rd|BAD|\n",
  ];
  const secrets = [undefined, "p4ssw0rd", "pässwörd☎", ""];
  for (const body of bodies) {
    for (const secret of secrets) {
      const options = secret === undefined ? undefined : { secret };
      const want = plain.api.parseReply(body, options);
      assert.deepEqual(glued.api.parseReply(body, options), want, JSON.stringify([body, secret]));
      for (const [name, api] of entries) assert.deepEqual(api.parseReply(body, options), want, `${name} ${JSON.stringify([body, secret])}`);
    }
  }
  // Each size on new instances, so that some calls grow the memory (the
  // result is then read through a new view of it).
  let grew = 0;
  for (let kib = 0; kib <= 512; kib += 16) {
    const [a, b] = [await fresh(false), await fresh(true)];
    for (const filler of ["x", "é"]) {
      const body = `SUCCESS: ra_call_control transfer - 1028|Y1|\n${filler.repeat(kib * 1024)}p4ssw0rd\n`;
      const before = a.memory.buffer.byteLength;
      assert.deepEqual(a.api.parseReply(body, { secret: "p4ssw0rd" }), b.api.parseReply(body, { secret: "p4ssw0rd" }), `${kib} KiB of ${filler}`);
      if (a.memory.buffer.byteLength > before) grew++;
    }
  }
  assert.ok(grew >= 10, `the memory grew in only ${grew} calls`);
});

test("requests cross as bytes exactly: any characters, long values, unknown keys, and a getter that calls the package meanwhile", async () => {
  const api = await import(join(installed.dir, "node_modules", "vicidial-xfer", "node.js"));
  const hangup = { stage: "HANGUP", agentUser: "1028", callId: "Y1" };
  const issue = (request) => api.validateCallControl(request).map((i) => `${i.field}:${i.code}${i.position === undefined ? "" : `@${i.position}`}`);
  // Non-ASCII after ASCII, astral characters (two UTF-16 units), lone surrogates (no UTF-8 form: not a string).
  assert.deepEqual(issue({ ...hangup, agentUser: "ab\u00e9" }), ["agentUser:INVALID_CHARACTER@2"]);
  assert.deepEqual(issue({ ...hangup, agentUser: "\u{1F600}", status: "A\u{1F600}" }), ["agentUser:INVALID_CHARACTER@0", "status:INVALID_CHARACTER@1"]);
  assert.deepEqual(issue({ ...hangup, agentUser: "x\uD800", status: "\uDC00" }), ["agentUser:NOT_A_STRING", "status:NOT_A_STRING"]);
  // Counts of one, two, three and four digits, and a buffer grown past its first size.
  for (const n of [9, 10, 99, 100, 193, 194, 999, 1000, 5000]) {
    const built = api.buildCallControl.bind(null, { stage: "EXTENSIONTRANSFER", agentUser: "1028", callId: "Y1", phoneNumber: "7".repeat(n) });
    if (n <= 193) assert.equal(built().body.split("phone_number=")[1], "7".repeat(n), `${n}`);
    else assert.throws(built, (e) => e.issues[0].code === "TOO_LONG", `${n}`);
  }
  assert.deepEqual(issue({ ...hangup, ["\u00e9".repeat(70)]: 1, "x\uD800": "y" }).map((s) => s.split(":")[1]), ["UNKNOWN_FIELD", "UNKNOWN_FIELD"]);
  assert.equal(api.validateCallControl({ ...hangup, ["k".repeat(3000)]: "v" })[0].field, "k".repeat(64));
  // Then small requests again, in the same buffer.
  assert.deepEqual(api.validateCallControl(hangup), []);
  // Every property is read before anything is written: a getter that uses the package does not disturb the outer request.
  const sneaky = { stage: "HANGUP", agentUser: "1028", get callId() { api.validateCallControl({ stage: "INGROUPTRANSFER", agentUser: "9".repeat(500), callId: "Z".repeat(40), ingroup: "X" }); return "Y2"; } };
  assert.deepEqual(api.buildCallControl(sneaky).body, "agent_user=1028&function=ra_call_control&stage=HANGUP&value=Y2");
  const version = { get serverVersion() { api.validateCallControl({ stage: "HANGUP", agentUser: "7".repeat(300), callId: "Y9" }, {}); return "2.14-82"; } };
  assert.deepEqual(api.validateCallControl({ ...hangup, agentUser: "ra_1028" }, version), []);
});

test("TransferClient reads each request property once: what it sends, redacts and remembers is one value", async () => {
  const api = await import(join(installed.dir, "node_modules", "vicidial-xfer", "node.js"));
  const client = new api.TransferClient({ endpoint: "http://127.0.0.1:9/agc/api.php", defaults: { source: "crm" } });
  const reads = { callId: 0, pass: 0 };
  const request = {
    agentUser: "1028",
    ingroup: "SALESLINE",
    user: "6666",
    get callId() { reads.callId++; return `Y${reads.callId}`; },
    get pass() { reads.pass++; return "Pw9Zx7Qk3"; },
  };
  const outcome = await client.transfer(request, { signal: AbortSignal.abort() });
  assert.equal(outcome.code, "ABORTED");
  assert.deepEqual(reads, { callId: 1, pass: 1 });
});
