// The same checks through `require("vicidial-xfer")`.
"use strict";
const api = require("vicidial-xfer");
const { readFileSync } = require("node:fs");

const [file, replayUrl, refusedUrl] = process.argv.slice(2);
import("./checks.mjs").then(async ({ runChecks }) => {
  const report = await runChecks(api, { scenarios: JSON.parse(readFileSync(file, "utf8")), replayUrl, refusedUrl });
  process.stdout.write(JSON.stringify(report) + "\n");
});
