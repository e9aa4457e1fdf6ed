// A module worker as a Cloudflare user writes it: it imports the package by
// name; wrangler bundles it (picking the `workerd` export condition) and
// workerd runs the bundle. POST { scenarios, replayUrl, refusedUrl } -> the report.
import * as api from "vicidial-xfer";
import { runChecks } from "./checks.mjs";

export default {
  async fetch(request) {
    const { scenarios, replayUrl, refusedUrl } = await request.json();
    const report = await runChecks(api, { scenarios, replayUrl, refusedUrl });
    return Response.json(report);
  },
};
