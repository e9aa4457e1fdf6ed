// A page's module (unbundled, or the entry a bundler builds): imports the
// package by name, checks the before-init error, inits, runs the checks.
import init, * as api from "vicidial-xfer";
import { runChecks } from "./checks.mjs";

export async function main() {
  let beforeInit = null;
  try {
    api.validateTransfer({ agentUser: "1028", callId: "Y1", ingroup: "SALESLINE" });
  } catch (e) {
    beforeInit = e.message;
  }
  await init();
  const config = await (await fetch("/config.json")).json();
  const report = await runChecks(api, config);
  report.beforeInit = beforeInit;
  return report;
}

main().then(
  (r) => (globalThis.__report = r),
  (e) => (globalThis.__report = { failed: String(e?.stack ?? e) }),
);
