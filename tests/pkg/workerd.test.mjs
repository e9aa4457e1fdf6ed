// The package in workerd (the runtime behind Cloudflare Workers), which
// forbids compiling wasm at run time: a worker importing "vicidial-xfer" by
// name is bundled by wrangler from the installed tarball (the `workerd`
// entry imports the .wasm as a module), then served by workerd, and runs
// the same checks as every other runtime against the replay server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { copyFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { capnpConfig, loopbackNetwork, startWorkerd, workerService } from "../support/workerd.mjs";
import { startReplayServer } from "../support/replay-server.mjs";
import { installPackage, recordedScenarios, root } from "./installed.mjs";
import { checkReport } from "./expect.mjs";

test("a wrangler-bundled module worker validates, builds, parses and sends with the package", async () => {
  const { dir } = installPackage({ under: join(root, "target", "pkg-consumers") });
  try {
    copyFileSync(join(root, "tests", "pkg", "workerd", "worker.js"), join(dir, "worker.js"));
    copyFileSync(join(root, "tests", "pkg", "consumer", "checks.mjs"), join(dir, "checks.mjs"));
    writeFileSync(join(dir, "wrangler.json"), JSON.stringify({ name: "consumer", main: "worker.js", compatibility_date: "2025-06-01" }));
    await promisify(execFile)(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
      cwd: dir,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    }).catch((e) => assert.fail(`wrangler failed: ${e.message}\n${e.stdout}\n${e.stderr}`));
    const bundled = readdirSync(join(dir, "dist"));
    assert.ok(bundled.some((f) => f.endsWith(".wasm")), `wrangler kept the .wasm as a module: ${bundled}`);

    const replay = await startReplayServer();
    const config = capnpConfig({
      services: [
        workerService({ name: "main", entry: relative(root, join(dir, "dist", "worker.js")), globalOutbound: "loopback" }),
        loopbackNetwork("loopback"),
      ],
      sockets: [{ name: "http", service: "main" }],
    });
    const workerd = await startWorkerd(config, { sockets: ["http"] });
    try {
      const scenarios = recordedScenarios();
      const res = await fetch(`http://127.0.0.1:${workerd.ports.http}/`, {
        method: "POST",
        body: JSON.stringify({ scenarios: scenarios.map(({ name, reply }) => ({ name, reply })), replayUrl: replay.url, refusedUrl: replay.refusedUrl }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, text + workerd.stderr());
      // workerd says "Network connection lost." for a refused connection too.
      checkReport(JSON.parse(text), scenarios, { refusedIndistinct: true });
    } finally {
      await workerd.stop();
      await replay.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
