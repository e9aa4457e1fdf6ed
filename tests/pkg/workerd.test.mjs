// The package in workerd (the runtime behind Cloudflare Workers), which
// forbids compiling wasm at run time: the worker imports the workerd entry,
// whose .wasm is embedded as a module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { capnpConfig, loopbackNetwork, startWorkerd, workerService } from "../support/workerd.mjs";
import { startReplayServer } from "../support/replay-server.mjs";

test("a module worker validates, builds, parses and transfers with the package", async () => {
  const replay = await startReplayServer();
  const config = capnpConfig({
    services: [
      workerService({ name: "main", entry: "tests/pkg/workerd/worker.js", bindings: { REPLAY: replay.url }, globalOutbound: "loopback" }),
      loopbackNetwork("loopback"),
    ],
    sockets: [{ name: "http", service: "main" }],
  });
  const workerd = await startWorkerd(config, { sockets: ["http"] });
  try {
    const res = await fetch(`http://127.0.0.1:${workerd.ports.http}/`);
    const text = await res.text();
    assert.equal(res.status, 200, text + workerd.stderr());
    const r = JSON.parse(text);
    assert.deepEqual(r.valid, []);
    assert.deepEqual(r.invalid.map((i) => [i.field, i.code, i.position]), [["ingroup", "INVALID_CHARACTER", 5]]);
    assert.match(r.built, /ingroup_choices=SALESLINE$/);
    assert.equal(r.parsed.code, "INVALID_CREDENTIALS");
    assert.ok(!text.includes("Pw9Zx7Qk3") && !text.includes("SELECT"));
    assert.equal(r.first, "TRANSFERRED");
    assert.deepEqual(r.again, ["NO_ACTIVE_CALL", true]);
  } finally {
    await workerd.stop();
    await replay.close();
  }
});
