// The HTML of the test pages.
export const importMap = `<script type="importmap">{"imports":{"vicidial-xfer":"/node_modules/vicidial-xfer/index.js"}}</script>`;
export const page = (script) => `<!doctype html><meta charset="utf-8"><title>t</title>${script}\n`;
export const workerPage = page(`<script type="module">
  const w = new Worker("/worker.mjs", { type: "module" });
  w.onmessage = (e) => (globalThis.__report = e.data);
  w.onerror = (e) => (globalThis.__report = { failed: "worker error " + e.message });
  w.postMessage("go");
</script>`);
export const swPage = page(`<script type="module">
  navigator.serviceWorker.addEventListener("message", (e) => (globalThis.__report = e.data));
  const reg = await navigator.serviceWorker.register("/sw.mjs", { type: "module", scope: "/" });
  const sw = reg.installing ?? reg.waiting ?? reg.active;
  const active = () => new Promise((ok) => {
    if (sw.state === "activated") return ok();
    sw.addEventListener("statechange", () => sw.state === "activated" && ok());
  });
  await active();
  sw.postMessage("go");
</script>`);
