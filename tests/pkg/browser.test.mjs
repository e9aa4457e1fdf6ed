// The installed package (npm tarball, unchanged) in Chromium: an unbundled
// page (import map), a dedicated worker, a service worker, and pages built
// by Vite, webpack, esbuild and `bun build` with no plugin or copy step
// (esbuild and bun build get the `inline` entry through the exports map).
// Each runs consumer/checks.mjs against the replay server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createServer } from "node:http";
import { copyFileSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { installPackage, recordedScenarios, root } from "./installed.mjs";
import { startReplayServer } from "../support/replay-server.mjs";
import { checkReport } from "./expect.mjs";
import { importMap, page, swPage, workerPage } from "./browser/pages.mjs";

const run = promisify(execFile);
const bin = (name) => join(root, "node_modules", ".bin", name);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
let dir, replay, server, origin, browser, scenarios;

function serve(base) {
  const s = createServer((req, res) => {
    const url = req.url.split("?")[0];
    const path = normalize(join(base, url.endsWith("/") ? url + "index.html" : url));
    if (!path.startsWith(base)) return res.writeHead(403).end();
    let bytes;
    try {
      bytes = readFileSync(path);
    } catch {
      return res.writeHead(404).end();
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream", "Cache-Control": "no-store" }).end(bytes);
  });
  return new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s)));
}

/** Files of a bundler's output and their total size. */
function listing(out) {
  const files = readdirSync(out, { recursive: true }).filter((f) => statSync(join(out, f)).isFile());
  const js = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(out, f)));
  const raw = js.reduce((n, b) => n + b.length, 0);
  const gzip = js.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  return { files, raw, gzip };
}

before(async () => {
  ({ dir } = installPackage());
  scenarios = recordedScenarios();
  replay = await startReplayServer();
  copyFileSync(join(root, "tests", "pkg", "consumer", "checks.mjs"), join(dir, "checks.mjs"));
  cpSync(join(root, "tests", "pkg", "browser"), dir, { recursive: true });
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({ scenarios: scenarios.map(({ name, reply }) => ({ name, reply })), replayUrl: replay.url, refusedUrl: replay.refusedUrl }),
  );
  writeFileSync(join(dir, "index.html"), page(`${importMap}<script type="module" src="/page-main.mjs"></script>`));
  writeFileSync(join(dir, "worker.html"), workerPage);
  writeFileSync(join(dir, "sw.html"), swPage);

  // The bundlers, each with its defaults.
  const { build } = await import("vite");
  writeFileSync(join(dir, "vite.html"), page('<script type="module" src="./page-main.mjs"></script>'));
  await build({ root: dir, base: "/dist-vite/", logLevel: "silent", build: { outDir: join(dir, "dist-vite"), rollupOptions: { input: join(dir, "vite.html") } } });
  await run(bin("webpack"), ["--mode", "production", "--entry", "./page-main.mjs", "--output-path", "dist-webpack", "--output-filename", "main.js"], { cwd: dir });
  await run(bin("esbuild"), ["page-main.mjs", "--bundle", "--format=esm", "--outfile=dist-esbuild/main.js"], { cwd: dir });
  await run(bin("bun"), ["build", "page-main.mjs", "--outdir", "dist-bun", "--target", "browser"], { cwd: dir });
  for (const b of ["webpack", "esbuild", "bun"]) {
    const entry = readdirSync(join(dir, `dist-${b}`)).find((f) => f.endsWith(".js") && f.startsWith("page-main") || f === "main.js");
    writeFileSync(join(dir, `dist-${b}`, "index.html"), page(`<script type="module" src="./${entry}"></script>`));
  }

  server = await serve(dir);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  await replay?.close();
});

async function reportOf(path) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(origin + path);
    await p.waitForFunction(() => globalThis.__report !== undefined, null, { timeout: 30000 }).catch(() => {
      assert.fail(`${path}: no report within 30 s; page errors: ${errors.join("\n")}`);
    });
    const report = await p.evaluate(() => globalThis.__report);
    assert.equal(report.failed, undefined, `${path}: ${report.failed}`);
    assert.deepEqual(errors, [], path);
    return report;
  } finally {
    await context.close();
  }
}

const NOT_READY = /^vicidial-xfer is not initialized: call `await init\(\)` \(or `initSync\(\{ module \}\)`\) once, before validateTransfer\(\)$/;

for (const [name, path, pageScript] of [
  ["an unbundled page (import map)", "/index.html", true],
  ["a dedicated module worker", "/worker.html", false],
  ["a module service worker", "/sw.html", false],
  ["a page bundled by Vite", "/dist-vite/vite.html", true],
  ["a page bundled by webpack", "/dist-webpack/index.html", true],
  ["a page bundled by esbuild", "/dist-esbuild/index.html", true],
  ["a page bundled by bun build", "/dist-bun/index.html", true],
]) {
  test(`Chromium, ${name}: validates, builds, parses and sends through TransferClient`, async () => {
    const report = await reportOf(path);
    // Chromium says "Failed to fetch" for a refused connection as for any other.
    checkReport(report, scenarios, { refusedIndistinct: true });
    if (pageScript) assert.match(report.beforeInit, NOT_READY);
  });
}

test("esbuild and bun build inline the wasm; Vite and webpack emit it as an asset themselves", () => {
  for (const b of ["esbuild", "bun"]) {
    const l = listing(join(dir, `dist-${b}`));
    assert.ok(!l.files.some((f) => f.endsWith(".wasm")), `${b}: ${l.files}`);
    console.log(`# ${b}: bundle ${(l.raw / 1024).toFixed(1)} KB raw, ${(l.gzip / 1024).toFixed(1)} KB gzip (wasm inlined)`);
  }
  for (const b of ["vite", "webpack"]) {
    const l = listing(join(dir, `dist-${b}`));
    assert.ok(l.files.some((f) => f.endsWith(".wasm")), `${b}: ${l.files}`);
    console.log(`# ${b}: JS ${(l.raw / 1024).toFixed(1)} KB raw, ${(l.gzip / 1024).toFixed(1)} KB gzip + the .wasm asset`);
  }
});
