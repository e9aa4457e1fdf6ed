// Headlines for the outcomes the service worker answers with: the words a
// person reads first. The proxy's refusals name the proxy's reason.
const PROXY = {
  TOKEN_MISSING: () => 'No proxy token: set it under Proxy settings',
  TOKEN_INVALID: () => 'Wrong proxy token: the proxy refused it',
  RATE_LIMITED: (o) => `Rate limited: wait ${seconds(o.retryAfter)} before trying again`,
  NOT_AGENTS_CALL: () => "Not this agent's call: the proxy refused to move it",
  ALREADY_ACTED: () => 'Already moved: the proxy already acted on this call',
  TRANSFER_IN_PROGRESS: () => 'In progress: another request for this call is still running',
  OUTCOME_UNKNOWN: () => 'An earlier request on this call has an unknown outcome: check the call',
  CALL_RINGING: () => 'The call is still ringing: answer it first',
  CALL_ENDED: () => 'The call has ended',
  AGENT_NOT_LOGGED_IN: () => 'The agent is not logged in',
  AGENT_NOT_ALLOWED: () => 'This token may not act for this agent',
  TARGET_NOT_ALLOWED: () => 'This token may not send calls to that in-group',
  STAGE_NOT_ALLOWED: () => 'This token may not transfer calls',
  OWNERSHIP_CHECK_FAILED: () => 'The proxy could not check whose call this is: nothing was sent',
  PROXY_FAILURE: () => 'The proxy failed mid-request: the outcome is unknown, check the call',
  ORIGIN_NOT_ALLOWED: () => "The proxy does not accept this extension's origin (ALLOWED_ORIGINS)",
};
const CODES = {
  TRANSFERRED: (o) => `Transferred to in-group ${o.ingroup ?? ''}`.trim(),
  NO_CURRENT_CALL: () => 'No current call: the agent is not on a call',
  CALL_NOT_MOVABLE: () => 'The current call cannot be moved right now',
  NO_ACTIVE_CALL: () => 'No active call with that call ID',
  INGROUP_NOT_VALID: () => 'The server does not know that in-group',
  INVALID_REQUEST: () => 'Not sent: the request is invalid',
  TIMEOUT: () => 'No answer in time: the outcome is unknown',
  NETWORK_ERROR: () => 'The network failed: the outcome is unknown',
  EXTENSION_ERROR: () => 'The extension failed',
};

function seconds(n) {
  return Number.isFinite(Number(n)) && n !== null ? `${n} s` : 'a moment';
}

export function headline(outcome) {
  if (outcome.code === 'PROXY_REFUSED') {
    const words = PROXY[outcome.proxyCode];
    if (words) return words(outcome);
    return `${outcome.outcomeUnknown ? 'The outcome is unknown' : 'The proxy refused the request'} (${outcome.proxyCode})`;
  }
  const words = CODES[outcome.code];
  return words ? words(outcome) : outcome.message ?? outcome.code;
}

export function tone(outcome) {
  if (outcome.ok) return 'ok';
  if (outcome.outcomeUnknown || outcome.likelyAlreadyTransferred) return 'warn';
  return ['RATE_LIMITED', 'TRANSFER_IN_PROGRESS', 'ALREADY_ACTED', 'OUTCOME_UNKNOWN', 'CALL_RINGING'].includes(outcome.proxyCode)
    ? 'warn' : 'error';
}
