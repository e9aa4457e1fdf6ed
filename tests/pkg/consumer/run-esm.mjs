// Imports the package by name (as a user would) from inside the consumer
// project; prints the report as the last line. Args: scenarios-file replayUrl refusedUrl.
import init, * as api from "vicidial-xfer";
import { readFileSync } from "node:fs";
import { runChecks } from "./checks.mjs";

const [file, replayUrl, refusedUrl] = process.argv.slice(2);
await init();
const report = await runChecks(api, { scenarios: JSON.parse(readFileSync(file, "utf8")), replayUrl, refusedUrl });
process.stdout.write(JSON.stringify(report) + "\n");
