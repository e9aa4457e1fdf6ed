// A module service worker: no top-level await (it would be killed), so init
// starts at top level and handlers await it, as the package README says.
import init, * as api from "/node_modules/vicidial-xfer/index.js";
import { runChecks } from "/checks.mjs";

const ready = init();
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("message", (event) => {
  event.waitUntil(
    (async () => {
      let report;
      try {
        await ready;
        const config = await (await fetch("/config.json")).json();
        report = await runChecks(api, config);
      } catch (e) {
        report = { failed: String(e?.stack ?? e) };
      }
      event.source.postMessage(report);
    })(),
  );
});
