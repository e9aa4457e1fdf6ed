// MV3 service worker (type "module"): the only place this extension talks to
// the network. The popup sends { type: 'transferCurrentCall', ingroup,
// endpoint, token }; the worker asks the proxy which call the token's agent
// is on (TransferClient.currentCall, GET /proxy/current-call) and moves that
// call into the in-group (TransferClient.callControl, stage INGROUPTRANSFER).
// It answers with the package's typed outcome, plus `call` (which call).
import init, { TransferClient } from './vendor/vicidial-xfer/index.js';

// Start loading the WebAssembly now, but do NOT await it here: top-level await
// in a service worker fails its registration. Each handler awaits `ready`.
// Compiling it needs 'wasm-unsafe-eval' in the manifest's extension_pages CSP.
const ready = init({
  module_or_path: chrome.runtime.getURL('vendor/vicidial-xfer/vicidial_xfer_bg.wasm'),
});
ready.catch(() => {}); // reported by the handler that awaits it

// One client per endpoint and token. A client remembers the calls it sent, so
// a repeat that finds no active call says "likely already transferred". This
// memory lasts as long as the worker: Chrome stops idle workers after ~30 s
// (the proxy remembers the calls it moved: a repeat answers ALREADY_ACTED).
const clients = new Map();

function clientFor(endpoint, token) {
  const key = JSON.stringify([endpoint, token]);
  let client = clients.get(key);
  if (!client) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    client = new TransferClient({ endpoint, headers });
    clients.set(key, client);
  }
  return client;
}

function failure(code, message, extra = {}) {
  return { ok: false, code, message, outcomeUnknown: false, likelyAlreadyTransferred: false, ...extra };
}

/** A plain, JSON-safe copy of the outcome for sendResponse. */
function plain(outcome) {
  const keys = ['ok', 'code', 'message', 'outcomeUnknown', 'likelyAlreadyTransferred', 'likelyAlreadyEnded',
    'proxyCode', 'reason', 'retryAfter', 'replayed', 'httpStatus', 'reply', 'raw', 'issues'];
  const copy = {};
  for (const key of keys) if (outcome?.[key] !== undefined) copy[key] = outcome[key];
  return JSON.parse(JSON.stringify(copy));
}

async function transferCurrentCall({ ingroup, endpoint, token }) {
  try {
    await ready;
  } catch (error) {
    return failure('EXTENSION_ERROR', `The vicidial-xfer package did not load: ${error?.message ?? error}`);
  }
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    return failure('EXTENSION_ERROR', 'The proxy endpoint is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return failure('EXTENSION_ERROR', 'The proxy endpoint must be an http: or https: URL.');
  }
  const client = clientFor(url.href, typeof token === 'string' ? token : '');

  // 1. Which call is the agent on? The proxy knows the token's agent.
  const current = await client.currentCall();
  if (!current.ok) return { ...plain(current), step: 'currentCall' };
  const call = { agentUser: current.agentUser, callId: current.callId, status: current.status, subStatus: current.subStatus };
  if (!current.callId) {
    return failure('NO_CURRENT_CALL', `Agent user ${current.agentUser} has no call right now (status ${current.status || 'unknown'}).`, { call });
  }
  if (current.movable === false) {
    return failure('CALL_NOT_MOVABLE', `Call ${current.callId} cannot be moved now (status ${[current.status, current.subStatus].filter(Boolean).join(' ')}).`, { call });
  }

  // 2. Move exactly that call. Validated before anything is sent; never retried.
  const outcome = await client.callControl({
    stage: 'INGROUPTRANSFER',
    agentUser: current.agentUser,
    callId: current.callId,
    ingroup: typeof ingroup === 'string' ? ingroup : '',
  });
  return { ...plain(outcome), ingroup, call, step: 'callControl' };
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || message?.type !== 'transferCurrentCall') return false;
  transferCurrentCall(message).then(sendResponse, (error) =>
    sendResponse(failure('EXTENSION_ERROR', String(error?.message ?? error))));
  return true; // the answer comes asynchronously
});
