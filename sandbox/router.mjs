// Routing shared by the workerd module worker (worker.mjs) and the Node
// server (node-server.mjs). No Node APIs.
//
//   GET|POST|any /agc/api.php                -> sandbox.handle() (agent API)
//   GET|POST|any /vicidial/non_agent_api.php -> sandbox.handleNonAgent() (non-agent API)
//   POST /sandbox/calls                      -> start a live call, JSON body optional:
//                                               { agentUser, direction: "IN"|"OUT", ingroup, campaign, phoneNumber, state: "INCALL"|"QUEUE" }
//   GET  /sandbox/calls                      -> the live calls
//   POST /sandbox/calls/<callId>/answer      -> a ringing (QUEUE) call becomes INCALL
//   POST /sandbox/calls/<callId>/end         -> the caller hangs up (agent row left: DEAD); { cleanup: true } also sets the agent READY
//   GET  /sandbox/agents                     -> logged-in agents with status, call ID, sub-status
//   POST /sandbox/agents/<user>/cleanup      -> the remote-agent loop: an agent whose call is gone becomes READY
//   POST /sandbox/agents/<user>/logout       -> the agent is logged out
//   POST /sandbox/state                      -> { name, args }: a named state (sandbox/states.mjs)
//   GET  /sandbox/stats                      -> counters (transfers/hangups per call ID)
//   GET  /sandbox/manager                    -> queued manager commands (Redirect/Hangup)
//   GET  /sandbox/effects                    -> the database-effects snapshot (recordings' db_effects form)
//   POST /sandbox/reset                      -> re-seed; JSON body optional:
//                                               { seed, apiVersion, apiActive, strictSql, displayErrors, useNonLatin, activeServers }

const CALL_ACTION = /^\/sandbox\/calls\/([^/]+)\/(answer|end)$/;
const AGENT_ACTION = /^\/sandbox\/agents\/([^/]+)\/(cleanup|logout)$/;
const JSON_HEADERS = [['Content-Type', 'application/json; charset=utf-8'], ['Cache-Control', 'no-store']];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Options that may be set from outside (env bindings, /sandbox/reset). */
const SWITCHES = ['seed', 'apiVersion', 'apiActive', 'strictSql', 'displayErrors', 'useNonLatin', 'activeServers'];
const STRING_SWITCHES = new Set(['seed', 'apiVersion']);

function toBool(v) {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  return !/^(0|false|no|off)$/i.test(String(v).trim());
}

/**
 * Sandbox options from environment-style bindings (workerd `env`, Node
 * `process.env`): SANDBOX_SEED, SANDBOX_API_VERSION (default 2.14-82), SANDBOX_API_ACTIVE, SANDBOX_STRICT_SQL,
 * SANDBOX_DISPLAY_ERRORS, SANDBOX_USE_NON_LATIN, SANDBOX_ACTIVE_SERVERS.
 */
export function optionsFromEnv(env = {}) {
  const o = {
    seed: env.SANDBOX_SEED || undefined,
    apiVersion: env.SANDBOX_API_VERSION || undefined,
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

  if (path === '/agc/api.php' || path === '/vicidial/non_agent_api.php') {
    // PHP reads a body into $_POST only for POST.
    const body = method === 'POST' ? await req.readBody() : '';
    const r = { method, query: req.search, body, contentType: req.contentType || '' };
    const res = path === '/agc/api.php' ? sandbox.handle(r) : sandbox.handleNonAgent(r);
    return {
      status: res.status,
      headers: Object.entries(res.headers),
      body: method === 'HEAD' ? null : res.bytes,
    };
  }

  if (path.startsWith('/sandbox/')) {
    try {
      const m = CALL_ACTION.exec(path) || AGENT_ACTION.exec(path);
      if (m) {
        if (method !== 'POST') return json(405, { error: 'method not allowed', method, path });
        const id = decodeURIComponent(m[1]);
        const b = await readJson(req.readBody);
        if (m[2] === 'answer') return json(200, sandbox.answerCall(id));
        if (m[2] === 'end') return json(200, sandbox.endCall(id, { cleanup: b.cleanup === true }));
        if (m[2] === 'cleanup') return json(200, sandbox.cleanupAgent(id));
        if (m[2] === 'logout') return json(200, sandbox.logoutAgent(id));
      }
      switch (path) {
        case '/sandbox/calls':
          if (method === 'POST') {
            const b = await readJson(req.readBody);
            const known = new Set(['agentUser', 'direction', 'ingroup', 'campaign', 'phoneNumber', 'state']);
            for (const k of Object.keys(b)) if (!known.has(k)) throw new Error(`unknown field ${JSON.stringify(k)} (known: ${[...known].join(', ')})`);
            return json(200, sandbox.startCall({
              agentUser: b.agentUser ?? undefined,
              direction: b.direction ?? undefined,
              ingroup: b.ingroup ?? undefined,
              campaign: b.campaign ?? undefined,
              phoneNumber: b.phoneNumber ?? undefined,
              state: b.state ?? undefined,
            }));
          }
          if (method === 'GET') return json(200, sandbox.listCalls());
          break;
        case '/sandbox/agents':
          if (method === 'GET') return json(200, sandbox.listAgents());
          break;
        case '/sandbox/state':
          if (method === 'POST') {
            const b = await readJson(req.readBody);
            if (typeof b.name !== 'string') throw new Error('name (a state name, string) is required');
            return json(200, sandbox.applyState(b.name, b.args ?? {}));
          }
          break;
        case '/sandbox/effects':
          if (method === 'GET') return json(200, sandbox.dbEffects());
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
            for (const k of Object.keys(b)) if (!SWITCHES.includes(k)) throw new Error(`unknown reset field ${JSON.stringify(k)} (known: ${SWITCHES.join(', ')})`);
            for (const k of SWITCHES) {
              if (b[k] === undefined) continue;
              opts[k] = STRING_SWITCHES.has(k) ? String(b[k]) : toBool(b[k]);
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
