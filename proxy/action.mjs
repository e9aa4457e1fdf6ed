// One action on one call, as the Durable Object runs it: the ownership
// check, the forwarded request (built with the proxy's credentials), ONE
// exchange with api.php, and what its reply means.

import { agentStatus, ownershipRefusal } from './ownership.mjs';
import { buildForward, successCode, credentialProblems } from './stages.mjs';
import { exchange, formPost, conclude } from './upstream.mjs';
import { refusal } from './replies.mjs';

/**
 * @param {{ config, api, send }} ctx
 * @param {{ agentUser, callId, stage, target, request, serverVersion }} action (already decoded and allowed)
 * @param {() => Promise<void>} beforeSend the memory's hook, awaited right before api.php is called
 * @returns {Promise<object>} a reply object with outcome, code, upstreamMs, checkMs
 */
export async function perform(ctx, action, beforeSend) {
  const { config, api, send } = ctx;
  let checkMs = 0;
  if (config.ownershipCheck) {
    const t0 = Date.now();
    const s = await agentStatus(send, config, action.agentUser);
    checkMs = Date.now() - t0;
    if (!s.ok) return { ...s.reply, outcome: 'none', checkMs, upstreamMs: 0 };
    const no = ownershipRefusal(s, action.agentUser, action.callId);
    if (no) return { ...no, outcome: 'none', checkMs, upstreamMs: 0 };
  }
  let body;
  try {
    body = buildForward(api, action.request, config, action.serverVersion);
  } catch (e) {
    if (!Array.isArray(e.issues)) throw e;
    // The request was valid when decoded: only the proxy's own settings can be wrong.
    const names = credentialProblems(api, config, action.serverVersion);
    if (names.length === 0) {
      const list = e.issues.slice(0, 8).map((i) => `${i.field}:${i.code}`).join(', ');
      return { ...refusal('INVALID_REQUEST', list), outcome: 'none', checkMs, upstreamMs: 0 };
    }
    return { ...refusal('MISCONFIGURED', `the proxy is not configured correctly (${names.join(', ')})`), outcome: 'none', checkMs, upstreamMs: 0 };
  }
  await beforeSend();
  const t1 = Date.now();
  const result = await exchange(send, config.upstreamUrl, formPost(body), config.upstreamTimeoutMs);
  const upstreamMs = Date.now() - t1;
  return { ...conclude(api, config, result, successCode(action.stage)), checkMs, upstreamMs };
}
