// The sandbox VICIdial over Node's http, on 127.0.0.1. Same routes as the
// worker (router.mjs).
//
//   node sandbox/node-server.mjs [port]     # port 0 (default) = ephemeral
//   SANDBOX_SEED=more SANDBOX_PORT=8089 node sandbox/node-server.mjs
//
//   import { startSandboxServer } from './sandbox/node-server.mjs';
//   const { url, close, sandbox } = await startSandboxServer({ port: 0, seed: 'default' });

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { createSandbox } from './vicidial.mjs';
import { route, optionsFromEnv } from './router.mjs';

const NON_ASCII = /[^\x00-\x7f]/;
const ABSOLUTE_FORM = /^https?:\/\//i;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      resolve(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    });
    req.on('error', reject);
  });
}

/**
 * Start the HTTP server.
 * @param {object} [opts] port (0 = ephemeral), host (default 127.0.0.1),
 *   sandbox (an existing createSandbox() instance) or any createSandbox options.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, sandbox: object, server: http.Server}>}
 */
export async function startSandboxServer({ port = 0, host = '127.0.0.1', sandbox, ...options } = {}) {
  const sb = sandbox ?? createSandbox(options);
  const server = http.createServer(async (req, res) => {
    try {
      const u = req.url || '/';
      const qi = u.indexOf('?');
      let pathname = qi < 0 ? u : u.slice(0, qi);
      if (ABSOLUTE_FORM.test(pathname)) pathname = new URL(pathname).pathname; // absolute-form target
      let search = qi < 0 ? '' : u.slice(qi + 1);
      // Node gives the request target as latin1: keep raw bytes as bytes.
      if (NON_ASCII.test(search)) search = Uint8Array.from(search, (ch) => ch.charCodeAt(0) & 0xff);
      const r = await route(sb, {
        method: req.method,
        pathname,
        search,
        contentType: req.headers['content-type'] || '',
        readBody: () => readBody(req),
      });
      const flat = [];
      for (const [k, v] of r.headers) flat.push(k, v); // keeps the recorded header case (Content-type)
      if (r.body) flat.push('Content-Length', String(r.body.byteLength));
      res.writeHead(r.status, flat);
      res.end(r.body ? r.body : undefined);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`sandbox error: ${e && e.message ? e.message : e}\n`);
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = server.address().port;
  const url = `http://${host}:${actual}`;
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  return { url, port: actual, close, sandbox: sb, server };
}

// CLI
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.argv[2] ?? process.env.SANDBOX_PORT ?? process.env.PORT ?? 0);
  const { url, close } = await startSandboxServer({ port, ...optionsFromEnv(process.env) });
  console.log(`listening on ${url}`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
