// Routing shared by the workerd module worker (worker.mjs) and the Node
// server (node-server.mjs). No Node APIs.
//
//   GET|POST|any /agc/api.php  -> sandbox.handle() (the VICIdial API)
//   POST /sandbox/calls        -> start a live call, JSON body optional:
//                                 { agentUser, direction: "IN"|"OUT", ingroup, campaign, phoneNumber }
//   GET  /sandbox/calls        -> the live calls
//   GET  /sandbox/stats        -> counters (transfers/hangups per call ID)
//   GET  /sandbox/manager      -> queued manager commands (Redirect/Hangup)
//   POST /sandbox/reset        -> re-seed; JSON body optional:
//                                 { seed, apiActive, strictSql, displayErrors, useNonLatin, activeServers }

const JSON_HEADERS = [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store']];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Options that may be set from outside (env bindings, /sandbox/reset). */
const SWITCHES = ['seed', 'apiActive', 'strictSql', 'displayErrors', 'useNonLatin', 'activeServers'];

function toBool(v) {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  return !/^(0|false|no|off)$/i.test(String(v).trim());
}

/**
 * Sandbox options from environment-style bindings (workerd `env`, Node
 * `process.env`): SANDBOX_SEED, SANDBOX_API_ACTIVE, SANDBOX_STRICT_SQL,
 * SANDBOX_DISPLAY_ERRORS, SANDBOX_USE_NON_LATIN, SANDBOX_ACTIVE_SERVERS.
 */
export function optionsFromEnv(env = {}) {
  const o = {
    seed: env.SANDBOX_SEED || undefined,
    apiActive: toBool(env.SANDBOX_API_ACTIVE),
    strictSql: toBool(env.SANDBOX_STRICT_SQL),
    displayErrors: toBool(env.SANDBOX_DISPLAY_ERRORS),
    useNonLatin: toBool(env.SANDBOX_USE_NON_LATIN),
    activeServers: toBool(env.SANDBOX_ACTIVE_SERVERS),
  };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function json(status, value) {
  return { status, headers: JSON_HEADERS, body: encoder.encode(JSON.stringify(value) + '\n') };
}

async function readJson(readBody) {
  const bytes = await readBody();
  const text = decoder.decode(bytes).trim();
  if (!text) return {};
  const v = JSON.parse(text);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SyntaxError('expected a JSON object');
  return v;
}

/**
 * Route one request.
 * @param sandbox a createSandbox() instance
 * @param {{method: string, pathname: string, search: string|Uint8Array, contentType: string,
 *          readBody: () => Promise<Uint8Array>}} req  search: the query string without `?`
 * @returns {Promise<{status: number, headers: Array<[string, string]>, body: Uint8Array|null}>}
 */
export async function route(sandbox, req) {
  const method = req.method.toUpperCase();
  const path = req.pathname;

  if (path === '/agc/api.php') {
    // PHP reads a body into $_POST only for POST.
    const body = method === 'POST' ? await req.readBody() : '';
    const res = sandbox.handle({ method, query: req.search, body, contentType: req.contentType || '' });
    return {
      status: res.status,
      headers: Object.entries(res.headers),
      body: method === 'HEAD' ? null : res.bytes,
    };
  }

  if (path.startsWith('/sandbox/')) {
    try {
      switch (path) {
        case '/sandbox/calls':
          if (method === 'POST') {
            const b = await readJson(req.readBody);
            return json(200, sandbox.startCall({
              agentUser: b.agentUser ?? undefined,
              direction: b.direction ?? undefined,
              ingroup: b.ingroup ?? undefined,
              campaign: b.campaign ?? undefined,
              phoneNumber: b.phoneNumber ?? undefined,
            }));
          }
          if (method === 'GET') return json(200, sandbox.listCalls());
          break;
        case '/sandbox/stats':
          if (method === 'GET') return json(200, sandbox.stats());
          break;
        case '/sandbox/manager':
          if (method === 'GET') return json(200, sandbox.managerQueue());
          break;
        case '/sandbox/reset':
          if (method === 'POST') {
            const b = await readJson(req.readBody);
            const opts = {};
            for (const k of SWITCHES) {
              if (b[k] === undefined) continue;
              opts[k] = k === 'seed' ? String(b[k]) : toBool(b[k]);
            }
            sandbox.reset(opts);
            const { now, ...options } = sandbox.options;
            return json(200, { ok: true, options });
          }
          break;
        default:
          return json(404, { error: 'not found', path });
      }
      return json(405, { error: 'method not allowed', method, path });
    } catch (e) {
      return json(400, { error: String(e && e.message ? e.message : e) });
    }
  }

  return json(404, { error: 'not found', path });
}

/** Adapter for a web `Request` (workerd, Node 20's fetch types, browsers). */
export async function handleRequest(sandbox, request) {
  const url = new URL(request.url);
  const r = await route(sandbox, {
    method: request.method,
    pathname: url.pathname,
    search: url.search.slice(1),
    contentType: request.headers.get('content-type') || '',
    readBody: async () => new Uint8Array(await request.arrayBuffer()),
  });
  return new Response(r.body, { status: r.status, headers: r.headers });
}
