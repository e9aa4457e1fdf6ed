// vicidial-xfer edge proxy: a workerd / Cloudflare Workers module worker.
// Everything happens in handler.mjs; this file only wires the bindings.
// Settings: see README.md. Never logs the password or a token.

import * as api from '../pkg/workerd.js';
import { parseConfig } from './config.mjs';
import { handleProxyRequest, createProxyState, upstreamSender } from './handler.mjs';

// One parsed config and one state (rate limit buckets) per env object, i.e.
// per isolate in practice.
const prepared = new WeakMap();

function prepare(env) {
  let p = prepared.get(env);
  if (!p) {
    const parsed = parseConfig(env);
    if (!parsed.ok) console.error(`vicidial-xfer proxy misconfigured: ${parsed.errors.join('; ')}`);
    p = parsed.ok
      ? { parsed, state: createProxyState(parsed.config), send: upstreamSender(parsed.config, env) }
      : { parsed, state: null, send: null };
    prepared.set(env, p);
  }
  return p;
}

export default {
  async fetch(request, env) {
    const { parsed, state, send } = prepare(env ?? {});
    return handleProxyRequest(request, parsed, api, { state, send });
  },
};
