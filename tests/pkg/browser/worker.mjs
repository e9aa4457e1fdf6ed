// A dedicated module worker importing the installed package by path (no bundler).
import init, * as api from "/node_modules/vicidial-xfer/index.js";
import { runChecks } from "/checks.mjs";

self.onmessage = async () => {
  try {
    await init();
    const config = await (await fetch("/config.json")).json();
    self.postMessage(await runChecks(api, config));
  } catch (e) {
    self.postMessage({ failed: String(e?.stack ?? e) });
  }
};
