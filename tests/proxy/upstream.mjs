// The upstream the proxy tests talk to: a Node HTTP server on 127.0.0.1
// with the sandbox VICIdial (sandbox/router.mjs: /agc/api.php,
// /vicidial/non_agent_api.php with agent_status over its live state, and the
// /sandbox/* control routes), plus what the proxy tests need on top:
//   - counting requests per path and per call ID (api.php), GET queries,
//   - making api.php hold, fail or reset for one call ID (fault(callId, kind)).

import http from 'node:http';
import { createSandbox } from '../../sandbox/vicidial.mjs';
import { route } from '../../sandbox/router.mjs';

export const NONAGENT_USER = 'naapi';
export const NONAGENT_PASS = 'napass99';

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** `sandboxOptions`: createSandbox options; the seed defaults to `nonagent` (the non-agent users naapi/napass99...). */
export async function startUpstream({ sandboxOptions = {} } = {}) {
  const sandbox = createSandbox({ seed: 'nonagent', ...sandboxOptions });
  const counts = new Map();
  const perCall = new Map();
  const faults = new Map();
  const held = new Set();
  const queries = [];
  const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);

  const server = http.createServer(async (req, res) => {
    try {
      const u = req.url || '/';
      const qi = u.indexOf('?');
      const pathname = qi < 0 ? u : u.slice(0, qi);
      const search = qi < 0 ? '' : u.slice(qi + 1);
      bump(counts, pathname);
      if (pathname === '/agc/api.php' && req.method === 'GET') queries.push(search);
      let body = null;
      if (pathname === '/agc/api.php' && req.method === 'POST') {
        body = await readBody(req);
        const value = new URLSearchParams(Buffer.from(body).toString('latin1')).get('value');
        if (value) {
          bump(perCall, value);
          const f = faults.get(value);
          if (f === 'hang') {
            held.add(res);
            return undefined;
          }
          if (f === 'reset') return req.socket.destroy();
          if (f === '500') {
            res.writeHead(500, { 'Content-Type': 'text/html' });
            return res.end('<html>Internal Server Error</html>');
          }
          if (typeof f === 'number') await new Promise((r) => setTimeout(r, f));
        }
      }
      const r = await route(sandbox, {
        method: req.method,
        pathname,
        search,
        contentType: req.headers['content-type'] || '',
        readBody: async () => body ?? readBody(req),
      });
      const flat = [];
      for (const [k, v] of r.headers) flat.push(k, v);
      res.writeHead(r.status, flat);
      res.end(r.body ?? undefined);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`test upstream error: ${e?.message ?? e}\n`);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    apiUrl: `${base}/agc/api.php`,
    sandbox,
    count: (p) => counts.get(p) ?? 0,
    callCount: (callId) => perCall.get(callId) ?? 0,
    /** The query strings of GET requests to api.php (the proxy's version question). */
    apiGets: () => queries.slice(),
    /** kind: 'hang' | 'reset' | '500' | a delay in ms | null (normal) */
    fault(callId, kind) {
      if (kind === null) faults.delete(callId);
      else faults.set(callId, kind);
    },
    startCall: (opts) => sandbox.startCall(opts),
    stats: () => sandbox.stats(),
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
