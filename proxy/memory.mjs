// The per-call memory: one instance per call ID (inside the Durable Object
// keyed by that call ID), so every action on a call passes through here one
// at a time, whichever isolate received it.
//
//   - an identical action (same agent, stage, target) arriving while one is
//     in flight waits for it and shares its reply: ONE upstream request;
//   - a different action while one is in flight: TRANSFER_IN_PROGRESS;
//   - after a success, the identical action again (within the window) gets
//     the first reply line again with X-Proxy-Replayed: true; any other
//     action: ALREADY_ACTED (what was done and when);
//   - after an unknown outcome (or a crash between send and reply: the
//     record stays "pending"), any action: OUTCOME_UNKNOWN;
//   - a definite refusal (by the server or the ownership check) is not
//     remembered: nothing happened to the call.
//
// `storage` is the Durable Object's storage (get/put/delete), or a Map-like
// stand-in in plain Node tests. Records survive an isolate restart.

import { refusal } from './replies.mjs';

const KEY = 'action';

/** The identity of an action: agent, stage, target (in-groups compare case-insensitively, like the database). */
export function actionKey({ agentUser, stage, target }) {
  const t = stage === 'INGROUPTRANSFER' ? target.toLowerCase() : target;
  return `${agentUser.toLowerCase()}|${stage}|${t}`;
}

function describe(rec) {
  const what = rec.stage === 'HANGUP' ? 'HANGUP' : `${rec.stage} to ${rec.target}`;
  return `${what} for agent ${rec.agentUser} at ${new Date(rec.at).toISOString()}`;
}

function shared(reply) {
  // Only a relayed server line is marked: a proxy refusal speaks for itself.
  if (reply.headers['X-Proxy-Error']) return { ...reply, upstreamMs: 0, checkMs: 0 };
  return { ...reply, headers: { ...reply.headers, 'X-Proxy-Replayed': 'true' }, replayed: true, upstreamMs: 0, checkMs: 0 };
}

export class CallMemory {
  /** @param {{ get, put, delete }} storage  @param {{ windowMs: number, now?: () => number }} options */
  constructor(storage, { windowMs, now = Date.now }) {
    this.storage = storage;
    this.windowMs = windowMs;
    this.now = now;
    this.current = null;
    // The stored record as last read or written here: undefined until read once, null when none.
    // Every change goes through this instance (one per call ID), so it stays what storage holds.
    this.rec = undefined;
  }

  async #load() {
    if (this.rec !== undefined) return this.rec;
    const stored = (await this.storage.get(KEY)) ?? null;
    if (this.rec === undefined) this.rec = stored; // a write that finished meanwhile wins
    return this.rec;
  }

  /** Writes (or with `value` null deletes) the record; the cache is dropped while the write is open, so a failed one is read again. */
  async #store(value) {
    this.rec = undefined;
    if (value === null) await this.storage.delete(KEY);
    else await this.storage.put(KEY, value);
    this.rec = value;
  }

  /**
   * Runs `perform(beforeSend)` for `action` unless the memory answers.
   * `perform` must call `await beforeSend()` right before it sends to api.php
   * and resolve to a reply object with `outcome` ('acted' | 'unknown' | 'none').
   */
  act(action, perform) {
    const key = actionKey(action);
    if (this.current !== null) {
      if (this.current.key === key) return this.current.promise.then(shared);
      return Promise.resolve({
        ...refusal('TRANSFER_IN_PROGRESS', `another action on call ${action.callId} is in progress; retry in a moment`, { 'Retry-After': '1' }),
        outcome: 'none',
      });
    }
    const promise = this.#run(key, action, perform);
    this.current = { key, promise };
    const done = () => {
      if (this.current?.promise === promise) this.current = null;
    };
    promise.then(done, done);
    return promise;
  }

  async #run(key, action, perform) {
    const now = this.now();
    let rec = await this.#load();
    if (rec && now - rec.at > this.windowMs) {
      await this.#store(null);
      rec = null;
    }
    if (rec) {
      if (rec.state === 'acted') {
        if (rec.key === key) return { status: rec.status, body: rec.body, headers: { 'X-Proxy-Replayed': 'true' }, code: rec.code, outcome: 'replayed', replayed: true };
        return { ...refusal('ALREADY_ACTED', `this proxy already acted on call ${action.callId}: ${describe(rec)}`), outcome: 'none' };
      }
      // 'unknown', or 'pending' left by a send whose reply never came back.
      return {
        ...refusal('OUTCOME_UNKNOWN', `the outcome of an earlier action on call ${action.callId} is unknown (${describe(rec)}); check the call (GET /proxy/current-call) instead of retrying`),
        outcome: 'none',
      };
    }
    const base = { key, agentUser: action.agentUser, stage: action.stage, target: action.target };
    let sent = false;
    const beforeSend = async () => {
      sent = true;
      await this.#store({ ...base, state: 'pending', at: this.now() });
    };
    const reply = await perform(beforeSend);
    if (reply.outcome === 'acted') {
      await this.#store({ ...base, state: 'acted', at: this.now(), status: reply.status, body: reply.body, code: reply.code });
    } else if (reply.outcome === 'unknown') {
      await this.#store({ ...base, state: 'unknown', at: this.now(), code: reply.code });
    } else if (sent) {
      await this.#store(null);
    }
    return reply;
  }

  /** Deletes an expired record (the Durable Object's alarm). */
  async expire() {
    const rec = await this.#load();
    if (!rec) return null;
    if (this.now() - rec.at > this.windowMs) {
      await this.#store(null);
      return null;
    }
    return rec.at + this.windowMs;
  }
}

/** A Map-backed stand-in for Durable Object storage (plain Node tests). */
export class MapStorage {
  constructor(map = new Map()) {
    this.map = map;
  }
  async get(k) {
    const v = this.map.get(k);
    return v === undefined ? undefined : structuredClone(v);
  }
  async put(k, v) {
    this.map.set(k, structuredClone(v));
  }
  async delete(k) {
    return this.map.delete(k);
  }
}
