// The package through a bundler, unchanged: Vite builds a page that
// imports "vicidial-xfer" (the .wasm is emitted as an asset through the
// glue's `new URL(..., import.meta.url)`), and Chromium runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { build } from "vite";
import { chromium } from "playwright-core";
import { installPackage } from "./installed.mjs";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

test("a Vite-built page imports the package unchanged and runs it in Chromium", async () => {
  const { dir } = installPackage();
  await writeFile(join(dir, "index.html"), '<!doctype html><title>t</title><output id="out"></output><script type="module" src="./main.js"></script>\n');
  await writeFile(
    join(dir, "main.js"),
    `import init, { parseReply, validateTransfer } from "vicidial-xfer";
     await init();
     const issues = validateTransfer({ agentUser: "1028", callId: "Y1", ingroup: "SALES.LINE" });
     document.getElementById("out").textContent = JSON.stringify({
       code: parseReply("SUCCESS: ra_call_control transfer - 1028|Y1|\\n").code,
       issues: issues.map((i) => i.field + ":" + i.code),
     });`,
  );
  await build({ root: dir, logLevel: "silent", build: { outDir: join(dir, "dist") } });

  const dist = join(dir, "dist");
  const server = createServer(async (req, res) => {
    const path = normalize(join(dist, req.url === "/" ? "index.html" : req.url.split("?")[0]));
    if (!path.startsWith(dist)) return res.writeHead(403).end();
    const bytes = await readFile(path).catch(() => null);
    if (!bytes) return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(bytes);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.getElementById("out").textContent !== "", null, { timeout: 10000 });
    const out = JSON.parse(await page.textContent("#out"));
    assert.deepEqual(out, { code: "TRANSFERRED", issues: ["ingroup:INVALID_CHARACTER"] });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
