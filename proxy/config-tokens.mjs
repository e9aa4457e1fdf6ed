// The bearer tokens and what each may do (settings PROXY_TOKEN, PROXY_TOKENS,
// TOKEN_AGENTS; README.md). Errors name the setting, never a value.

/** Characters allowed in a bearer token (RFC 6750 b64token). */
const TOKEN_RE = /^[A-Za-z0-9._~+/-]+=*$/;
/** An agent user as the server keeps it. */
const AGENT_RE = /^[A-Za-z0-9_-]{1,20}$/;
const LABEL_RE = /^[A-Za-z0-9._-]{1,40}$/;
/** In-groups: what api.php keeps of ingroup_choices (20 is the column width). */
const INGROUP_RE = /^[A-Za-z0-9_-]{2,20}$/;
/** Numbers / extensions for EXTENSIONTRANSFER; a trailing * makes a prefix. */
const NUMBER_RE = /^[A-Za-z0-9#*]{1,40}$/;
export const STAGES = Object.freeze(['INGROUPTRANSFER', 'EXTENSIONTRANSFER', 'HANGUP']);
export const DEFAULT_STAGES = Object.freeze(['INGROUPTRANSFER']);
const POLICY_KEYS = new Set(['agents', 'label', 'stages', 'ingroups', 'numbers']);

function splitList(raw) {
  return raw.split(/[\s,]+/).filter(Boolean);
}

function asList(v) {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.every((x) => typeof x === 'string') ? list.map((x) => x.trim()) : null;
}

/**
 * TOKEN_AGENTS: `tok:1028, tok2:1029|1030` or JSON
 * `{"tok": "1028", "tok2": ["1029"], "tok3": {"agents": ["1030"], "label": "crm", "stages": [...], "ingroups": [...], "numbers": [...]}}`.
 * @returns {Map<string, object> | string} token -> raw policy, or an error text
 */
function parseBindings(raw) {
  const map = new Map();
  if (raw.startsWith('{')) {
    let obj;
    try {
      obj = JSON.parse(raw);
    } catch {
      return 'TOKEN_AGENTS: not valid JSON';
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'TOKEN_AGENTS: expected a JSON object';
    for (const [token, v] of Object.entries(obj)) {
      const entry = v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { agents: v };
      for (const k of Object.keys(entry)) {
        if (!POLICY_KEYS.has(k)) return 'TOKEN_AGENTS: a token entry may only have agents, label, stages, ingroups, numbers';
      }
      map.set(token, entry);
    }
    return map;
  }
  for (const entry of splitList(raw)) {
    const at = entry.lastIndexOf(':');
    if (at <= 0) return 'TOKEN_AGENTS: expected "token:agent|agent, token2:agent" or a JSON object';
    const token = entry.slice(0, at);
    const agents = entry.slice(at + 1).split('|');
    map.set(token, { agents: [...(map.get(token)?.agents ?? []), ...agents] });
  }
  return map;
}

/** A list setting of a token entry: undefined -> fallback; '*' -> null (any). */
function listOf(entry, key, re, fallback, errors, what) {
  const list = asList(entry[key]);
  if (list === undefined) return fallback;
  if (list === null || list.length === 0) {
    errors.push(`TOKEN_AGENTS: "${key}" must be a non-empty list of strings`);
    return fallback;
  }
  if (list.includes('*')) return null;
  if (!list.every((x) => re.test(x))) {
    errors.push(`TOKEN_AGENTS: "${key}" entries are ${what} (or *)`);
    return fallback;
  }
  return list;
}

/**
 * @param {{ tokenText: string, bindingsText: string, allowAnyAgent: boolean }} input
 * @returns {{ tokens: object[], errors: string[] }} tokens: { token, label, anyAgent, agents: Set,
 *   stages: Set, ingroups: Set|null (null = any), numbers: string[]|null }
 */
export function parseTokens({ tokenText, bindingsText, allowAnyAgent }) {
  const errors = [];
  const tokens = [...new Set(splitList(tokenText))];
  if (tokens.length === 0) errors.push('PROXY_TOKEN: at least one bearer token is required');
  if (!tokens.every((t) => TOKEN_RE.test(t))) {
    errors.push('PROXY_TOKEN: tokens may contain only A-Z a-z 0-9 - . _ ~ + / (and trailing =)');
  }
  const bindings = parseBindings(bindingsText);
  if (typeof bindings === 'string') return { tokens: [], errors: [...errors, bindings] };
  for (const key of bindings.keys()) {
    if (!tokens.includes(key)) errors.push('TOKEN_AGENTS: binds a token that PROXY_TOKEN does not list');
  }
  const out = [];
  const labels = new Set();
  tokens.forEach((token, i) => {
    const entry = bindings.get(token);
    const agents = entry ? asList(entry.agents) : undefined;
    if (!agents || agents.length === 0) {
      errors.push('TOKEN_AGENTS: every token needs its agents (token:agent, or token:* for every agent)');
      return;
    }
    const anyAgent = agents.includes('*');
    if (!anyAgent && !agents.every((a) => AGENT_RE.test(a))) {
      errors.push('TOKEN_AGENTS: agent users are 1-20 of A-Z a-z 0-9 - _ (or *)');
      return;
    }
    if (anyAgent && !allowAnyAgent) {
      errors.push('TOKEN_AGENTS: a token bound to * (any agent) needs ALLOW_ANY_AGENT_TOKENS=yes');
    }
    const label = entry.label === undefined ? `token-${i + 1}` : entry.label;
    if (typeof label !== 'string' || !LABEL_RE.test(label)) errors.push('TOKEN_AGENTS: "label" is 1-40 of A-Z a-z 0-9 . _ -');
    else if (labels.has(label)) errors.push('TOKEN_AGENTS: two tokens have the same label');
    labels.add(label);
    const stages = listOf(entry, 'stages', /^[A-Z]+$/, DEFAULT_STAGES, errors, 'stage names') ?? STAGES;
    if (!stages.every((s) => STAGES.includes(s))) errors.push(`TOKEN_AGENTS: "stages" entries are ${STAGES.join(', ')}`);
    const ingroups = listOf(entry, 'ingroups', INGROUP_RE, null, errors, 'in-group names (2-20 of A-Z a-z 0-9 _ -)');
    const numbers = listOf(entry, 'numbers', NUMBER_RE, undefined, errors, 'numbers or extensions (A-Z a-z 0-9 # *, a trailing * for a prefix)');
    if (stages.includes('EXTENSIONTRANSFER') && numbers === undefined) {
      errors.push('TOKEN_AGENTS: a token allowed EXTENSIONTRANSFER needs "numbers" (a list, or "*")');
    }
    out.push({
      token,
      label,
      anyAgent,
      // The database compares user names and in-group IDs case-insensitively.
      agents: new Set(agents.filter((a) => a !== '*').map((a) => a.toLowerCase())),
      stages: new Set(stages),
      ingroups: ingroups === null ? null : new Set(ingroups.map((g) => g.toLowerCase())),
      numbers: numbers ?? null,
    });
  });
  return { tokens: out, errors };
}

/** Whether a token's policy allows `target` for `stage` ('' for HANGUP). */
export function targetAllowed(client, stage, target) {
  if (stage === 'INGROUPTRANSFER') return client.ingroups === null || client.ingroups.has(target.toLowerCase());
  if (stage === 'EXTENSIONTRANSFER') {
    if (client.numbers === null) return true;
    return client.numbers.some((n) => (n.endsWith('*') && n.length > 1 ? target.startsWith(n.slice(0, -1)) : target === n));
  }
  return true;
}
