// One JSON line per request to the console: who (the token's LABEL, never
// the token), which agent, call, stage and target, what came of it, and how
// long the upstream took. No credential, token or password is ever in it:
// the fields are the token label and values the decoder already validated.

/**
 * @param {number} nowMs
 * @param {{ path, token, agent, call, stage, target }} who
 * @param {object} reply a reply object (code, outcome, upstreamMs, checkMs, replayed)
 */
export function auditLine(nowMs, who, reply) {
  return JSON.stringify({
    audit: 'vicidial-xfer-proxy',
    time: new Date(nowMs).toISOString(),
    path: who.path,
    token: who.token,
    agent: who.agent,
    call: who.call,
    stage: who.stage,
    target: who.target,
    outcome: reply.code ?? null,
    status: reply.status,
    replayed: reply.replayed === true,
    upstreamMs: reply.upstreamMs ?? 0,
    checkMs: reply.checkMs ?? 0,
  });
}
