// vicidial-xfer edge proxy: a workerd / Cloudflare Workers module worker.
// This file wires the bindings: the settings (config.mjs), the package, the
// upstream (service binding UPSTREAM or fetch), and the per-call memory,
// a Durable Object class `CallLedger` bound as CALLS and keyed by call ID.
// Settings: README.md. Never logs the password or a token.

import { DurableObject } from 'cloudflare:workers';
import * as api from '../pkg/workerd.js';
import { parseConfig } from './config.mjs';
import { createAuthState } from './auth.mjs';
import { handleProxyRequest } from './handler.mjs';
import { upstreamSender, askVersion } from './upstream.mjs';
import { credentialProblems } from './stages.mjs';
import { CallMemory } from './memory.mjs';
import { perform } from './action.mjs';

/** The newest api.php version the package knows (a newer server gets the same rules). */
const NEWEST_KNOWN_VERSION = '2.14-82';
/** How long an unanswered version question is remembered before asking again. */
const VERSION_RETRY_MS = 60000;

// One prepared context per env object, i.e. per isolate in practice.
const prepared = new WeakMap();

function prepare(env) {
  let p = prepared.get(env);
  if (p) return p;
  let parsed = parseConfig(env);
  if (parsed.ok) {
    // The package checks the proxy's credentials once: MISCONFIGURED names only the wrong ones.
    // With UPSTREAM_API_VERSION=auto the version is not known yet: the newest rules here, the
    // real version's on each request (an older server then names the setting it refuses).
    let names;
    try {
      names = credentialProblems(api, parsed.config, parsed.config.apiVersion ?? NEWEST_KNOWN_VERSION);
    } catch {
      names = ['UPSTREAM_API_VERSION'];
    }
    if (names.length > 0) parsed = { ok: false, errors: names.map((n) => `${n}: refused by the package's rules`) };
  }
  if (!parsed.ok) console.error(`vicidial-xfer proxy misconfigured: ${parsed.errors.join('; ')}`);
  p = { parsed, api };
  if (parsed.ok) {
    const config = parsed.config;
    p.config = config;
    p.send = upstreamSender(config, env);
    p.auth = createAuthState(config);
    p.version = versionSource(config, p.send);
    p.ledger = (callId) => env.CALLS.get(env.CALLS.idFromName(callId.toLowerCase()));
  }
  prepared.set(env, p);
  return p;
}

/** The upstream api.php version: the setting, or asked once (function=version). */
function versionSource(config, send) {
  if (config.apiVersion) return () => config.apiVersion;
  let known = null;
  let asking = null;
  let retryAt = 0;
  return () => {
    if (known) return known;
    if (Date.now() < retryAt) return undefined; // rules valid on every version meanwhile
    asking ??= askVersion(send, config).then((v) => {
      asking = null;
      if (v) known = v;
      else retryAt = Date.now() + VERSION_RETRY_MS;
      return v ?? undefined;
    });
    return asking;
  };
}

/** The per-call memory: one instance per call ID, wherever the request arrived. */
export class CallLedger extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.p = prepare(env);
    this.memory = this.p.parsed.ok ? new CallMemory(ctx.storage, { windowMs: this.p.config.replayWindowMs }) : null;
  }

  async act(action) {
    if (!this.memory) throw new Error('misconfigured');
    const reply = await this.memory.act(action, (beforeSend) => perform(this.p, action, beforeSend));
    if (reply.outcome === 'acted' || reply.outcome === 'unknown') {
      // Clean the record up once the replay window is over.
      this.ctx.storage.setAlarm(Date.now() + this.p.config.replayWindowMs + 1000).catch(() => {});
    }
    return reply;
  }

  async alarm() {
    const next = await this.memory?.expire();
    if (next) await this.ctx.storage.setAlarm(next + 1000);
  }
}

export default {
  async fetch(request, env) {
    return handleProxyRequest(request, prepare(env ?? {}));
  },
};
