// MV3 service worker (type "module"): the only place this extension talks to
// the network. The popup sends { type: 'transfer', request, endpoint, token }
// and gets the package's TransferOutcome back.
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
// memory lasts as long as the worker: Chrome stops idle workers after ~30 s.
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

function failure(code, message) {
  return { ok: false, code, message, outcomeUnknown: false, likelyAlreadyTransferred: false };
}

/** A plain, JSON-safe copy of the outcome for sendResponse. */
function plain(outcome) {
  const keys = ['ok', 'code', 'message', 'outcomeUnknown', 'likelyAlreadyTransferred',
    'httpStatus', 'reply', 'raw', 'issues'];
  const copy = {};
  for (const key of keys) if (outcome[key] !== undefined) copy[key] = outcome[key];
  return JSON.parse(JSON.stringify(copy));
}

async function transfer({ request, endpoint, token }) {
  try {
    await ready;
  } catch (error) {
    return failure('EXTENSION_ERROR', `The vicidial-xfer package did not load: ${error?.message ?? error}`);
  }
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    return failure('EXTENSION_ERROR', 'The endpoint is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return failure('EXTENSION_ERROR', 'The endpoint must be an http: or https: URL.');
  }
  if (typeof request !== 'object' || request === null) {
    return failure('EXTENSION_ERROR', 'The message has no request.');
  }
  // Resolves for every failed transfer (never retries); only a bug rejects.
  return plain(await clientFor(url.href, typeof token === 'string' ? token : '').transfer(request));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || message?.type !== 'transfer') return false;
  transfer(message).then(sendResponse, (error) =>
    sendResponse(failure('EXTENSION_ERROR', String(error?.message ?? error))));
  return true; // the answer comes asynchronously
});
