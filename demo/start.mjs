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

/** The demo's workerd config for `port` (a real port: the proxy's allowed origins name it). */
export function demoConfig({ port, root = ROOT }) {
  const proxyBindings = {
    UPSTREAM_URL: 'sandbox',
    SANDBOX: { service: 'sandbox' },
    VICIDIAL_SOURCE: 'xferdemo',
    VICIDIAL_USER: '6666',
    VICIDIAL_PASS: '1234',
    ALLOWED_ORIGINS: `http://127.0.0.1:${port},http://localhost:${port},${DEMO_EXTENSION_ORIGIN}`,
    PROXY_TOKEN: DEMO_TOKEN,
    TOKEN_AGENTS: `${DEMO_TOKEN}:${DEMO_AGENT}`,
    RATE_LIMIT: '5',
    RATE_BURST: '20',
    UPSTREAM_TIMEOUT_MS: '10000',
    MAX_BODY_BYTES: '2048',
  };
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
      // The proxy names no sandbox: its upstream is the service binding UPSTREAM (proxy/README.md).
      proxyWorkerService({ name: 'proxy', bindings: { ...proxyBindings, UPSTREAM_URL: 'http://upstream.internal/agc/api.php', SANDBOX: undefined, UPSTREAM: { service: 'sandbox' }, OWNERSHIP_CHECK: 'off' } }),
      workerService({ name: 'sandbox', entry: 'sandbox/worker.mjs' }),
      diskService('www', path.join(root, 'www')),
      diskService('pkg', path.join(root, 'pkg')),
    ],
    sockets: [{ name: 'http', service: 'front', port }],
  });
}

/**
 * Starts the demo. `port` 0 (the default) picks a free port.
 * @returns {Promise<{ url: string, port: number, pid: number, stop: () => Promise<void>, exited: Promise<object> }>}
 */
export async function startDemo({ port = 0, stdio = 'pipe', timeoutMs = 20000 } = {}) {
  const fixed = port !== 0;
  let lastError;
  for (let attempt = 0; attempt < (fixed ? 1 : 3); attempt++) {
    const p = fixed ? port : await freePort();
    let w;
    try {
      w = await startWorkerd(demoConfig({ port: p }), { sockets: ['http'], stdio, timeoutMs });
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
    return { url, port: w.ports.http, pid: w.pid, stop: w.stop, exited: w.exited, stderr: w.stderr };
  }
  throw lastError;
}
