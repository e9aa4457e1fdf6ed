// Whose call is it? VICIdial's api.php never checks that agent_user holds
// the call it names, so before forwarding the proxy asks the non-agent API
// (non_agent_api.php function=agent_status, a second API user) for the
// agent's current call. See ../../shared/realserver/README.md, "Which live
// call does agent X have right now?".

import { exchange, formPost } from './upstream.mjs';
import { refusal } from './replies.mjs';

/** agent_status's columns (stage=pipe, no header): 13 fields. */
const FIELDS = 13;

/**
 * Parses agent_status's reply.
 * @returns {{ ok: true, status, callId, subStatus } | { ok: false, kind: 'not_logged_in'|'not_found'|'error', line }}
 */
export function parseAgentStatus(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const error = lines.find((l) => l.startsWith('ERROR: '));
  if (error) {
    if (/^ERROR: agent_status AGENT NOT LOGGED IN: /.test(error)) return { ok: false, kind: 'not_logged_in' };
    if (/^ERROR: agent_status AGENT NOT FOUND: /.test(error)) return { ok: false, kind: 'not_found' };
    return { ok: false, kind: 'error', line: error };
  }
  const rows = lines.filter((l) => l.split('|').length >= FIELDS && /^[A-Z0-9_-]+\|/.test(l));
  if (rows.length !== 1) return { ok: false, kind: 'error', line: '' };
  const f = rows[0].split('|');
  // status and callerid come before full_name (which could hold a |): read
  // them from the front and real_time_sub_status from the end.
  return { ok: true, status: f[0], callId: f[1], subStatus: f[f.length - 4] };
}

/** What the login error was, without the echoed password. */
function errorKind(line) {
  if (/^ERROR: Login incorrect/.test(line)) return 'the non-agent API refused NONAGENT_USER / NONAGENT_PASS';
  if (/^ERROR: Too many login attempts/.test(line)) return 'NONAGENT_USER is locked out after failed logins';
  if (/PERMISSION/.test(line)) return 'NONAGENT_USER lacks a permission (user level 7+, view_reports, agent API access)';
  if (/^ERROR: Invalid Source/.test(line)) return 'the non-agent API refused VICIDIAL_SOURCE';
  return 'the non-agent API answered an error';
}

/**
 * Asks agent_status for `agentUser`.
 * @returns {Promise<{ ok: true, status, callId, subStatus } | { ok: false, reply }>} reply: a refusal object
 */
export async function agentStatus(send, config, agentUser) {
  const body =
    `source=${encodeURIComponent(config.source)}&user=${encodeURIComponent(config.nonAgentUser)}` +
    `&pass=${encodeURIComponent(config.nonAgentPass)}&function=agent_status&agent_user=${encodeURIComponent(agentUser)}&stage=pipe&header=NO`;
  const r = await exchange(send, config.nonAgentUrl, formPost(body), config.upstreamTimeoutMs);
  const failed = (why) => ({ ok: false, reply: refusal('OWNERSHIP_CHECK_FAILED', `could not check whose call it is (${why}); nothing was sent to api.php`) });
  if (r.kind === 'fault') return failed(r.detail);
  if (r.status < 200 || r.status > 299) return failed(`the non-agent API answered HTTP ${r.status}`);
  const s = parseAgentStatus(r.text);
  if (s.ok) return s;
  if (s.kind === 'not_logged_in') return { ok: false, reply: refusal('AGENT_NOT_LOGGED_IN', `agent ${agentUser} is not logged in`) };
  if (s.kind === 'not_found') return { ok: false, reply: refusal('AGENT_NOT_LOGGED_IN', `agent ${agentUser} is not a VICIdial user`) };
  return failed(s.line ? errorKind(s.line) : 'unreadable agent_status reply');
}

/** Whether an agent_status row allows acting on `callId`: null when it does, else a refusal object. */
export function ownershipRefusal(s, agentUser, callId) {
  // api.php matches the call ID in SQL (case-insensitively).
  const same = s.callId !== '' && s.callId.toLowerCase() === callId.toLowerCase();
  if (!same) return refusal('NOT_AGENTS_CALL', `call ${callId} is not agent ${agentUser}'s current call`);
  if (s.status === 'QUEUE') return refusal('CALL_RINGING', `call ${callId} is still ringing for agent ${agentUser} (status QUEUE)`, { 'Retry-After': '2' });
  if (s.status !== 'INCALL') return refusal('CALL_ENDED', `agent ${agentUser} is no longer on call ${callId} (status ${s.status})`);
  if (s.subStatus === 'DEAD') return refusal('CALL_ENDED', `call ${callId} has ended (the customer hung up)`);
  return null;
}

/** GET /proxy/current-call's JSON for an agent_status row. */
export function currentCall(agentUser, s) {
  return {
    agentUser,
    callId: s.callId,
    status: s.status,
    subStatus: s.subStatus,
    movable: s.status === 'INCALL' && s.callId !== '' && s.subStatus !== 'DEAD',
  };
}
