// The proxy's request handling, independent of the runtime. The worker
// (worker.mjs) gives it a context:
//   { parsed: parseConfig(env), api: the vicidial-xfer package, auth: createAuthState(config),
//     send: upstreamSender(...), ledger: (callId) => { act(action) }, version: () => string | undefined | Promise<string | undefined>,
//     now?: () => number, log?: (line: string) => void }
// `ledger(callId).act(action)` runs the action through the per-call memory
// (the Durable Object, or memory.mjs directly in plain Node tests).
//
// Nothing here logs a secret: the audit line names the token by its label.

import { refusal, toResponse, preflight, jsonReply, clean, ALLOWED_METHODS } from './replies.mjs';
import { authenticate } from './auth.mjs';
import { readParams, refusalForIssues } from './request.mjs';
import { decodeAction, supportedStages } from './stages.mjs';
import { targetAllowed, STAGES } from './config-tokens.mjs';
import { agentStatus, currentCall } from './ownership.mjs';
import { auditLine } from './audit.mjs';

export const API_PATH = '/agc/api.php';
export const CURRENT_CALL_PATH = '/proxy/current-call';

/** MISCONFIGURED naming only the settings that are wrong. */
export function misconfigured(errors) {
  const names = [...new Set(errors.map((e) => e.split(':')[0]))];
  return refusal('MISCONFIGURED', `the proxy is not configured correctly (${names.join(', ')})`);
}

/**
 * Handles one request.
 * @returns {Promise<Response>}
 */
export async function handleProxyRequest(request, ctx) {
  const { parsed } = ctx;
  if (!parsed.ok) return toResponse(misconfigured(parsed.errors), null);
  const config = parsed.config;
  const url = new URL(request.url);
  const origin = request.headers.get('Origin');
  // Exact string match, never a substring or a pattern.
  if (origin !== null && !config.allowedOrigins.has(origin)) {
    return toResponse(refusal('ORIGIN_NOT_ALLOWED', 'this origin may not use the proxy'), null);
  }
  const cors = origin;
  const path = url.pathname;
  if (path !== API_PATH && path !== CURRENT_CALL_PATH) {
    return toResponse(refusal('NOT_FOUND', `only ${API_PATH} and ${CURRENT_CALL_PATH} are served`), cors);
  }
  const method = request.method.toUpperCase();
  if (method === 'OPTIONS') return preflight(cors);
  if (path === CURRENT_CALL_PATH && method !== 'GET') {
    return toResponse(refusal('METHOD_NOT_ALLOWED', 'use GET', { Allow: 'GET, OPTIONS' }), cors);
  }
  if (method !== 'POST' && method !== 'GET') {
    return toResponse(refusal('METHOD_NOT_ALLOWED', 'use POST (form body) or GET', { Allow: ALLOWED_METHODS }), cors);
  }
  const now = ctx.now ?? Date.now;
  const audit = { path, token: null, agent: null, call: null, stage: null, target: null };
  const finish = (reply) => {
    (ctx.log ?? console.log)(auditLine(now(), audit, reply));
    return toResponse(reply, cors);
  };

  const who = await authenticate(request, config, ctx.auth, now());
  if (who.refusal) return finish(refusal(...who.refusal));
  const client = who.client;
  audit.token = client.label;

  if (path === CURRENT_CALL_PATH) return finish(await currentCallReply(ctx, config, client, url, audit));

  const params = await readParams(request, url, config);
  if (params.refusal) return finish(params.refusal);
  // The token's stages first: a stage it may not use is refused whatever else the request holds.
  const asked = stageParam(params.encoded);
  if (asked !== null && STAGES.includes(asked) && !client.stages.has(asked)) {
    return finish(refusal('STAGE_NOT_ALLOWED', `this token may not use stage ${asked}`));
  }
  // Known after the first request: no await (one turn less) then.
  let serverVersion = ctx.version();
  if (serverVersion instanceof Promise) serverVersion = await serverVersion;
  let decoded;
  try {
    decoded = decodeAction(ctx.api, params.encoded, serverVersion);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // The package refused the version (unreadable, or older than it supports).
    return finish(refusal('MISCONFIGURED', `the proxy is not configured correctly (UPSTREAM_API_VERSION: api.php ${clean(serverVersion, 20)} is not supported)`));
  }
  const stages = supportedStages();
  if (!decoded.ok) return finish(refusalForIssues(decoded.issues, stages));
  const { stage, target, request: req } = decoded;
  Object.assign(audit, { agent: req.agentUser, call: req.callId, stage, target });
  if (req.source !== undefined || req.user !== undefined || req.pass !== undefined) {
    return finish(refusal('CREDENTIALS_NOT_ALLOWED', 'send no source, user or pass: the proxy adds its own'));
  }
  // VICIdial does not check that the agent owns the call: the token's binding
  // limits the agents, the ownership check (in the ledger) the calls.
  if (!client.anyAgent && !client.agents.has(req.agentUser.toLowerCase())) {
    return finish(refusal('AGENT_NOT_ALLOWED', `this token may not act for agent ${clean(req.agentUser, 20)}`));
  }
  if (!client.stages.has(stage)) return finish(refusal('STAGE_NOT_ALLOWED', `this token may not use stage ${stage}`));
  if (!stages.includes(stage)) return finish(refusal('STAGE_NOT_ALLOWED', `stage must be one of: ${stages.join(', ')}`));
  if (!targetAllowed(client, stage, target)) {
    const what = stage === 'INGROUPTRANSFER' ? 'in-group' : 'number';
    return finish(refusal('TARGET_NOT_ALLOWED', `this token may not transfer to ${what} ${clean(target, 40)}`));
  }

  const action = { agentUser: req.agentUser, callId: req.callId, stage, target, request: req, serverVersion };
  let reply;
  try {
    reply = await ctx.ledger(req.callId).act(action);
  } catch {
    reply = refusal('PROXY_FAILURE', 'the proxy failed while handling this action; its outcome may be unknown: check the call (GET /proxy/current-call) before retrying');
  }
  return finish(reply);
}

/** The raw `stage` parameter (the first one), or null. */
function stageParam(encoded) {
  const m = /(?:^|&)stage=([^&]*)/.exec(encoded);
  return m ? m[1] : null;
}

async function currentCallReply(ctx, config, client, url, audit) {
  if (!config.ownershipCheck) {
    return refusal('NOT_FOUND', `${CURRENT_CALL_PATH} needs the non-agent API credential (NONAGENT_USER); OWNERSHIP_CHECK is off`);
  }
  const asked = url.searchParams.get('agent_user');
  let agent;
  if (asked !== null) {
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(asked)) return refusal('INVALID_REQUEST', 'agentUser:INVALID_CHARACTER');
    if (!client.anyAgent && !client.agents.has(asked.toLowerCase())) {
      return refusal('AGENT_NOT_ALLOWED', `this token may not act for agent ${clean(asked, 20)}`);
    }
    agent = asked;
  } else if (!client.anyAgent && client.agents.size === 1) {
    agent = [...client.agents][0];
  } else {
    return refusal('AGENT_REQUIRED', 'this token is bound to several agents: add ?agent_user=<agent>');
  }
  audit.agent = agent;
  const s = await agentStatus(ctx.send, config, agent);
  if (!s.ok) return s.reply;
  const body = currentCall(agent, s);
  audit.call = body.callId;
  return { ...jsonReply(body), code: body.movable ? 'CURRENT_CALL' : 'NO_MOVABLE_CALL' };
}
