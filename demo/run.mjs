// `make demo`: serve the demo page, the proxy and the sandbox VICIdial from
// one workerd process on http://127.0.0.1:8787 (PORT overrides the port;
// ALLOWED_ORIGINS, comma- or space-separated, adds origins the proxy accepts,
// e.g. your own extension's chrome-extension://<id>; SANDBOX_API_VERSION,
// e.g. 2.14-72, makes the sandbox VICIdial act as that api.php version, and
// the proxy, which asks the server's version, checks requests for it).
// Stops workerd on Ctrl-C / SIGTERM.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../tests/support/workerd.mjs';
import { parseExtraOrigins, startDemo, DEFAULT_SANDBOX_VERSION, DEMO_TOKEN, DEMO_AGENT } from './start.mjs';
import { resolveVersion } from '../sandbox/versions.mjs';

const port = process.env.PORT === undefined || process.env.PORT === '' ? 8787 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const extra = parseExtraOrigins(process.env.ALLOWED_ORIGINS ?? '');
if (extra.errors) {
  for (const error of extra.errors) console.error(error);
  process.exit(2);
}
const sandboxVersion = process.env.SANDBOX_API_VERSION || DEFAULT_SANDBOX_VERSION;
try {
  resolveVersion(sandboxVersion);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
for (const need of ['pkg/workerd.js', 'pkg/index.js', 'www/index.html', 'sandbox/worker.mjs']) {
  if (!existsSync(path.join(ROOT, need))) {
    console.error(`missing ${need}${need.startsWith('pkg/') ? ': run make pkg (or make demo)' : ''}`);
    process.exit(1);
  }
}

let demo;
try {
  demo = await startDemo({ port, stdio: 'inherit', extraOrigins: extra.origins, sandboxVersion });
} catch (e) {
  console.error(`could not start the demo: ${e.message}`);
  process.exit(1);
}

console.log(`
vicidial-xfer demo (workerd pid ${demo.pid})

  Open        ${demo.url}/   (or http://localhost:${demo.port}/)
  Sandbox     VICIdial api.php ${sandboxVersion}   (SANDBOX_API_VERSION=2.14-72 make demo: an older one)
  Token       ${DEMO_TOKEN}        (the proxy's bearer token)
  Agent       ${DEMO_AGENT}        (the only agent this token may move calls for)
  Origins     ${demo.origins.join('\n              ')}
              (the browser origins the proxy accepts; ALLOWED_ORIGINS=... make demo adds more)
  A call      click "Start a sandbox call" on the page, then "Use my current call"; or:
              curl -s -X POST --data '{"agentUser":"${DEMO_AGENT}"}' ${demo.url}/sandbox/calls
  Its call    curl -s -H 'Authorization: Bearer ${DEMO_TOKEN}' ${demo.url}/proxy/current-call
  Transfer    curl -s -H 'Authorization: Bearer ${DEMO_TOKEN}' \\
                --data 'function=ra_call_control&stage=INGROUPTRANSFER&agent_user=${DEMO_AGENT}&value=<callId>&ingroup_choices=SALESLINE' \\
                ${demo.url}/agc/api.php
  Sandbox     GET ${demo.url}/sandbox/calls, GET /sandbox/manager, GET /sandbox/stats, POST /sandbox/reset

Ctrl-C stops it.
`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping workerd (pid ${demo.pid})`);
  await demo.stop();
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGHUP', () => shutdown('SIGHUP'));

const { code, signal } = await demo.exited;
// Ctrl-C in a terminal reaches workerd too (same process group): that is a normal stop.
if (!stopping && !(code === 0 || signal === 'SIGINT' || signal === 'SIGTERM')) {
  console.error(`workerd exited unexpectedly (code ${code}, signal ${signal})`);
  await demo.stop();
  process.exit(1);
}
if (!stopping) {
  await demo.stop();
  process.exit(0);
}
