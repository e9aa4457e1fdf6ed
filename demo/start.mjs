// Starts the demo stack in ONE workerd process on 127.0.0.1:
// the page (www/), the package (pkg/ under /pkg/), the proxy at
// /agc/api.php (upstream: the sandbox, token `demo` bound to agent 1028)
// and the sandbox's /sandbox/* routes.
//
//   import { startDemo } from './demo/start.mjs';
//   const { url, stop } = await startDemo({ port: 0 }); // 0: a free port
//   ... await stop();

import net from 'node:net';
import path from 'node:path';
import { parseConfig } from '../proxy/config.mjs';
import {
  ROOT,
  capnpConfig,
  diskService,
  proxyWorkerService,
  startWorkerd,
  waitForHttp,
  workerService,
} from '../tests/support/workerd.mjs';

export const DEMO_TOKEN = 'demo';
export const DEMO_AGENT = '1028';
/** The example MV3 extension's origin (its ID is pinned by the `key` in examples/crm-extension/manifest.json). */
export const DEMO_EXTENSION_ORIGIN = 'chrome-extension://emchgpkiipcohdhdabdbmbbnphakndhm';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Splits `ALLOWED_ORIGINS` (comma- or space-separated) and checks each entry
 * with the proxy's own rule. Returns `{ origins }` or `{ errors }`, one
 * error per bad entry, naming it (origins are not secret).
 */
export function parseExtraOrigins(text = '') {
  const origins = [];
  const errors = [];
  for (const entry of String(text).split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseConfig({ ...demoProxyBindings(0), ALLOWED_ORIGINS: entry });
    const problem = parsed.ok ? undefined : parsed.errors.find((e) => e.startsWith('ALLOWED_ORIGINS:'));
    if (problem) errors.push(`ALLOWED_ORIGINS entry ${JSON.stringify(entry)}: ${problem.slice('ALLOWED_ORIGINS: '.length)}`);
    else if (!origins.includes(entry)) origins.push(entry);
  }
  return errors.length > 0 ? { errors } : { origins };
}

/** The origins the demo proxy always allows: the page itself and the example extension. */
export function builtInOrigins(port) {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, DEMO_EXTENSION_ORIGIN];
}

/** The api.php versions the sandbox can imitate (its SANDBOX_API_VERSION); default 2.14-82. */
export const DEFAULT_SANDBOX_VERSION = '2.14-82';

function demoProxyBindings(port, extraOrigins = []) {
  return {
    // The sandbox through a service binding; the URL names host and path
    // (non_agent_api.php is found beside it for the ownership check).
    UPSTREAM_URL: 'http://sandbox.internal/agc/api.php',
    UPSTREAM: { service: 'sandbox' },
    VICIDIAL_SOURCE: 'xferdemo',
    VICIDIAL_USER: '6666',
    VICIDIAL_PASS: '1234',
    NONAGENT_USER: 'naapi',
    NONAGENT_PASS: 'napass99',
    ALLOWED_ORIGINS: [...new Set([...builtInOrigins(port), ...extraOrigins])].join(','),
    PROXY_TOKEN: DEMO_TOKEN,
    // The demo token: agent 1028 only, every stage, any in-group and number (proxy/README.md, TOKEN_AGENTS).
    TOKEN_AGENTS: JSON.stringify({
      [DEMO_TOKEN]: { label: 'demo-page', agents: [DEMO_AGENT], stages: '*', numbers: '*' },
    }),
    RATE_LIMIT: '5',
    RATE_BURST: '20',
    UPSTREAM_TIMEOUT_MS: '10000',
    MAX_BODY_BYTES: '2048',
  };
}

/**
 * The demo's workerd config for `port` (a real port: the proxy's allowed
 * origins name it). `extraOrigins`: more origins the proxy accepts (checked
 * with parseExtraOrigins first).
 */
export function demoConfig({ port, root = ROOT, extraOrigins = [], sandboxVersion = DEFAULT_SANDBOX_VERSION }) {
  const proxyBindings = demoProxyBindings(port, extraOrigins);
  return capnpConfig({
    services: [
      workerService({
        name: 'front',
        entry: 'demo/front.mjs',
        bindings: {
          PROXY: { service: 'proxy' },
          SANDBOX: { service: 'sandbox' },
          WWW: { service: 'www' },
          PKG: { service: 'pkg' },
        },
      }),
      // The proxy's per-call memory (Durable Object CallLedger) lives in memory: a restart forgets it.
      proxyWorkerService({ name: 'proxy', bindings: proxyBindings }),
      workerService({
        name: 'sandbox',
        entry: 'sandbox/worker.mjs',
        // seed.sql + seed-extras.sql + seed-nonagent.sql: the API users, agent 1028, and the
        // non-agent API user naapi the proxy asks whose call a call is.
        bindings: { SANDBOX_SEED: 'extras+nonagent', SANDBOX_API_VERSION: sandboxVersion },
      }),
      diskService('www', path.join(root, 'www')),
      diskService('pkg', path.join(root, 'pkg')),
    ],
    sockets: [{ name: 'http', service: 'front', port }],
  });
}

/**
 * Starts the demo. `port` 0 (the default) picks a free port; `extraOrigins`
 * adds origins the proxy accepts (throws naming a bad one).
 * @returns {Promise<{ url: string, port: number, pid: number, origins: string[], stop: () => Promise<void>, exited: Promise<object> }>}
 */
export async function startDemo({ port = 0, stdio = 'pipe', timeoutMs = 20000, extraOrigins = [], sandboxVersion } = {}) {
  const checked = parseExtraOrigins(extraOrigins.join(','));
  if (checked.errors) throw new Error(checked.errors.join('; '));
  const fixed = port !== 0;
  let lastError;
  for (let attempt = 0; attempt < (fixed ? 1 : 3); attempt++) {
    const p = fixed ? port : await freePort();
    let w;
    try {
      w = await startWorkerd(demoConfig({ port: p, extraOrigins: checked.origins, sandboxVersion }), { sockets: ['http'], stdio, timeoutMs });
    } catch (e) {
      lastError = e;
      continue;
    }
    const url = `http://127.0.0.1:${w.ports.http}`;
    try {
      await waitForHttp(`${url}/sandbox/stats`, timeoutMs);
    } catch (e) {
      await w.stop();
      throw e;
    }
    const origins = [...new Set([...builtInOrigins(w.ports.http), ...checked.origins])];
    return { url, port: w.ports.http, pid: w.pid, origins, stop: w.stop, exited: w.exited, stderr: w.stderr };
  }
  throw lastError;
}
