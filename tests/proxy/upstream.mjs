// The upstream the proxy tests talk to: a Node HTTP server on 127.0.0.1
// with the sandbox VICIdial (sandbox/router.mjs) behind /agc/api.php and
// /sandbox/*, and non_agent_api.php (function=agent_status, version)
// answered from the sandbox's live agents in the recorded line format
// (tests/recordings/nonagent-2.14-82.jsonl). Tests can also:
//   - count requests per path and per call ID (api.php),
//   - make api.php hold, fail or reset for one call ID (fault(callId, kind)),
//   - override an agent's agent_status row (ringing QUEUE, DEAD).

import http from 'node:http';
import { createSandbox } from '../../sandbox/vicidial.mjs';
import { route } from '../../sandbox/router.mjs';

export const NONAGENT_USER = 'naapi';
export const NONAGENT_PASS = 'napass99';
const NA_VERSION = 'VERSION: 2.14-198|BUILD: 250105-1001|DATE: 2026-12-01 07:05:16|EPOCH: 1796108716|DST: 0|TZ: -5.00|TZNOW: -5.00|\n';
const NA_HEADERS = { 'Content-type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache, must-revalidate', Pragma: 'no-cache' };

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** agent_status's row for a live agent, as non_agent_api.php 2.14-198 prints it (stage=pipe). */
export function agentStatusRow(agent, calls) {
  const call = calls.find((c) => c.callId.toLowerCase() === agent.callerid.toLowerCase());
  const sub = agent.status === 'INCALL' && agent.callerid !== '' && !call ? 'DEAD' : '';
  const lead = agent.leadId ?? 0;
  const phone = call ? call.phoneNumber : '';
  return `${agent.status}|${agent.callerid}|${lead}|OUTCAMP|3|remote agent ${agent.user}|ADMIN|1||${sub}|${phone}||\n`;
}

export async function startUpstream({ sandboxOptions = {} } = {}) {
  const sandbox = createSandbox(sandboxOptions);
  const counts = new Map();
  const perCall = new Map();
  const faults = new Map();
  const overrides = new Map();
  const held = new Set();
  const nonAgentBodies = [];
  const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);

  async function nonAgent(req, res, search) {
    const body = req.method === 'POST' ? Buffer.from(await readBody(req)).toString('latin1') : '';
    nonAgentBodies.push({ method: req.method, query: search, body });
    const p = new URLSearchParams([search, body].filter(Boolean).join('&'));
    let reply;
    if (p.get('function') === 'version') reply = NA_VERSION;
    else if (p.get('user') !== NONAGENT_USER || p.get('pass') !== NONAGENT_PASS) {
      reply = `ERROR: Login incorrect, please try again: |${p.get('user') ?? ''}|${p.get('pass') ?? ''}|BAD|\n`;
    } else if (p.get('function') !== 'agent_status') reply = 'ERROR: NO FUNCTION SPECIFIED\n';
    else {
      const user = p.get('agent_user') ?? '';
      const snap = sandbox.snapshot();
      const agent = snap.liveAgents.find((a) => a.user.toLowerCase() === user.toLowerCase());
      if (user === '') reply = `ERROR: agent_status INVALID SEARCH PARAMETERS: ${NONAGENT_USER}|\n`;
      else if (overrides.has(user)) reply = overrides.get(user);
      else if (agent) reply = agentStatusRow(agent, sandbox.listCalls());
      else if (snap.users.some((u) => u.user.toLowerCase() === user.toLowerCase())) reply = `ERROR: agent_status AGENT NOT LOGGED IN: ${NONAGENT_USER}|${user}\n`;
      else reply = `ERROR: agent_status AGENT NOT FOUND: ${NONAGENT_USER}|${user}\n`;
    }
    res.writeHead(200, NA_HEADERS);
    res.end(reply);
  }

  const server = http.createServer(async (req, res) => {
    try {
      const u = req.url || '/';
      const qi = u.indexOf('?');
      const pathname = qi < 0 ? u : u.slice(0, qi);
      const search = qi < 0 ? '' : u.slice(qi + 1);
      bump(counts, pathname);
      if (pathname === '/vicidial/non_agent_api.php') return await nonAgent(req, res, search);
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
    nonAgentRequests: () => nonAgentBodies.slice(),
    /** kind: 'hang' | 'reset' | '500' | a delay in ms | null (normal) */
    fault(callId, kind) {
      if (kind === null) faults.delete(callId);
      else faults.set(callId, kind);
    },
    /** The agent_status line answered for `agent` (null: computed again). */
    agentLine(agent, line) {
      if (line === null) overrides.delete(agent);
      else overrides.set(agent, line);
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
