// A hand-written JavaScript implementation of what the package does, written
// from ../shared/spec/ra_call_control.md as a user would, with the SAME
// checks and the same output shapes as pkg/ (validateTransfer, buildTransfer,
// parseReply), so the hot-path benchmark compares like with like:
//
// - per-field character sets and lengths, surrounding space, comma lists,
//   the DEFAULTINGROUP substring rule, user/pass together, NOT_A_STRING;
//   error positions in Unicode code points;
// - the same encoding (form-urlencoded, fixed parameter order, `+` as %2B,
//   the masked preview);
// - the same reply classification: server and documented wording, PHP
//   warnings around the line, HTML tags, PHP fatal errors, the 100-byte
//   field and 512-byte excerpt limits (in UTF-8 bytes, cut on a character),
//   and the redaction of the auth line (echoed password and SQL), of every
//   `pass=` value and of a known secret (in free text only, as the package
//   does since e0ddd47).
//
// bench/hotpath.mjs first checks that this agrees with the package on a
// shared set of cases (valid and invalid requests, every recorded reply,
// generated replies) and only then times it.

const FIELDS = ['source', 'user', 'pass', 'agentUser', 'callId', 'ingroup', 'status'];
const PARAM = {
  source: 'source',
  user: 'user',
  pass: 'pass',
  agentUser: 'agent_user',
  callId: 'value',
  ingroup: 'ingroup_choices',
  status: 'status',
};
// Characters the server keeps (use_non_latin=0); in-groups: [A-Za-z0-9_] only.
const KEEPS = {
  source: /[^A-Za-z0-9]/u,
  user: /[^A-Za-z0-9_-]/u,
  pass: /[^A-Za-z0-9_.+/=-]/u,
  agentUser: /[^A-Za-z0-9_-]/u,
  callId: /[^A-Za-z0-9_|-]/u,
  ingroup: /[^A-Za-z0-9_]/u,
  status: /[^A-Za-z0-9_-]/u,
};
const MIN = { source: 2, ingroup: 2 };
const MAX = { pass: 100, status: 6 };
const DEFAULT_INGROUP = 'DEFAULTINGROUP';

const MESSAGES = {
  MISSING: {
    source: 'source is required when credentials are sent',
    user: 'user is required when pass is sent',
    pass: 'pass is required when user is sent',
    agentUser: 'agentUser is required',
    callId: 'callId is required',
    ingroup: 'ingroup is required',
    status: 'status is missing',
  },
  EMPTY: {
    source: 'source must not be empty',
    user: 'user must not be empty',
    pass: 'pass must not be empty',
    agentUser: 'agentUser must not be empty',
    callId: 'callId must not be empty',
    ingroup: 'ingroup must not be empty',
    status: 'status must not be empty (leave it out for the server default RAXFER)',
  },
  TOO_SHORT: {
    source: 'source must be at least 2 characters (the server answers Invalid Source)',
    ingroup: 'ingroup must be 2 to 20 characters',
    user: 'user must not be empty',
    pass: 'pass must not be empty',
    agentUser: 'agentUser must not be empty',
    callId: 'callId must not be empty',
    status: 'status must not be empty',
  },
  TOO_LONG: {
    source: 'source must be at most 20 characters',
    user: 'user must be at most 20 characters',
    pass: 'pass must be at most 100 characters',
    agentUser: 'agentUser must be at most 20 characters',
    callId: 'callId must be at most 20 characters',
    ingroup: 'ingroup must be 2 to 20 characters',
    status: 'status must be at most 6 characters (the server truncates longer ones)',
  },
  INVALID_CHARACTER: {
    source: 'source may contain only letters A-Z, a-z and digits 0-9',
    user: 'user may contain only A-Z a-z 0-9 - _',
    pass: 'pass may contain only A-Z a-z 0-9 - _ . + / = (the server deletes other characters)',
    agentUser: 'agentUser may contain only A-Z a-z 0-9 - _',
    callId: 'callId may contain only A-Z a-z 0-9 - _ |',
    ingroup: 'ingroup may contain only A-Z a-z 0-9 _ (in-group IDs have no spaces, dots or dashes)',
    status: 'status may contain only A-Z a-z 0-9 - _',
  },
  SURROUNDING_SPACE: {
    ingroup: 'ingroup has a leading or trailing space (the server would answer SUCCESS and dial nowhere)',
    source: 'source has a leading or trailing space',
    user: 'user has a leading or trailing space',
    pass: 'pass has a leading or trailing space (the server deletes spaces)',
    agentUser: 'agentUser has a leading or trailing space',
    callId: 'callId has a leading or trailing space',
    status: 'status has a leading or trailing space',
  },
};
const LIST_MESSAGE = 'ingroup must be ONE in-group ID, not a list';
const DEFAULT_MESSAGE = 'ingroup may be exactly DEFAULTINGROUP, not a value containing it';
const NOT_A_STRING = {
  source: 'source must be a string',
  user: 'user must be a string',
  pass: 'pass must be a string',
  agentUser: 'agentUser must be a string (call IDs and users are text: "1028", not 1028)',
  callId: 'callId must be a string',
  ingroup: 'ingroup must be a string',
  status: 'status must be a string',
};

/** Code points before UTF-16 index `i`. */
function codePoints(s, end = s.length) {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function issue(field, code, message, position) {
  return position === undefined ? { field, code, message } : { field, code, message, position };
}

/** The first problem with `value` for `field`, or null. */
function check(field, value) {
  if (value === '') return issue(field, 'EMPTY', MESSAGES.EMPTY[field]);
  if (value.charCodeAt(0) === 32 || value.charCodeAt(value.length - 1) === 32) {
    const position = value.charCodeAt(0) === 32 ? 0 : codePoints(value) - 1;
    return issue(field, 'SURROUNDING_SPACE', MESSAGES.SURROUNDING_SPACE[field], position);
  }
  if (field === 'ingroup') {
    if (value.includes(',')) return issue(field, 'LIST_NOT_ALLOWED', LIST_MESSAGE);
    if (value !== DEFAULT_INGROUP && value.includes(DEFAULT_INGROUP)) {
      return issue(field, 'DEFAULTINGROUP_MISUSED', DEFAULT_MESSAGE);
    }
  }
  const bad = KEEPS[field].exec(value);
  if (bad !== null) return issue(field, 'INVALID_CHARACTER', MESSAGES.INVALID_CHARACTER[field], codePoints(value, bad.index));
  // Only ASCII is left: UTF-16 units are characters.
  if (value.length < (MIN[field] ?? 1)) return issue(field, 'TOO_SHORT', MESSAGES.TOO_SHORT[field]);
  if (value.length > (MAX[field] ?? 20)) return issue(field, 'TOO_LONG', MESSAGES.TOO_LONG[field]);
  return null;
}

/** Strings as the wasm boundary delivers them (lone surrogates become U+FFFD). */
function wellFormed(s) {
  return s.isWellFormed() ? s : s.toWellFormed();
}

function readDraft(request) {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError('the transfer request must be an object');
  }
  const values = {};
  const notStrings = [];
  for (const f of FIELDS) {
    const v = request[f];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') values[f] = wellFormed(v);
    else notStrings.push(f);
  }
  return { values, notStrings };
}

function issuesOf({ values, notStrings }) {
  const out = notStrings.map((f) => issue(f, 'NOT_A_STRING', NOT_A_STRING[f]));
  for (const f of FIELDS) {
    if (notStrings.includes(f)) continue;
    const v = values[f];
    if (v !== undefined) {
      const p = check(f, v);
      if (p !== null) out.push(p);
    } else {
      const required =
        f === 'agentUser' || f === 'callId' || f === 'ingroup' || (f === 'user' && values.pass !== undefined) ||
        (f === 'pass' && values.user !== undefined);
      if (required) out.push(issue(f, 'MISSING', MESSAGES.MISSING[f]));
    }
  }
  return out;
}

/** `validateTransfer(req)`: every problem, `[]` when valid. */
export function validateTransfer(request) {
  return issuesOf(readDraft(request));
}

// Validated values hold only A-Z a-z 0-9 - _ . + / = |, for which
// encodeURIComponent equals application/x-www-form-urlencoded (`+` -> %2B).
function encode(v, pass) {
  let s = '';
  if (v.source !== undefined) s += 'source=' + encodeURIComponent(v.source) + '&';
  if (v.user !== undefined) s += 'user=' + encodeURIComponent(v.user) + '&';
  if (pass !== undefined) s += 'pass=' + pass + '&';
  s += 'agent_user=' + encodeURIComponent(v.agentUser) + '&function=ra_call_control&stage=INGROUPTRANSFER';
  s += '&value=' + encodeURIComponent(v.callId) + '&ingroup_choices=' + encodeURIComponent(v.ingroup);
  if (v.status !== undefined) s += '&status=' + encodeURIComponent(v.status);
  return s;
}

/** `buildTransfer(req)`: `{ query, body, preview }`, or throws a TransferValidationError. */
export function buildTransfer(request) {
  const draft = readDraft(request);
  const issues = issuesOf(draft);
  if (issues.length > 0) {
    const err = new Error('invalid transfer request: ' + issues.map((i) => i.message).join('; '));
    err.name = 'TransferValidationError';
    err.issues = issues;
    throw err;
  }
  const v = draft.values;
  const body = encode(v, v.pass === undefined ? undefined : encodeURIComponent(v.pass));
  return { query: body, body, preview: encode(v, v.pass === undefined ? undefined : '********') };
}

// ---------------------------------------------------------------- replies

const REDACTED = '[REDACTED]';
const AUTH_PREFIX = 'ERROR: Invalid Username/Password:';
const MAX_FIELD = 100;
const MAX_EXCERPT = 512;
const MAX_LINE = 8192;
const MAX_TAGGED_LINE = 4096;
// Unicode White_Space, as Rust's str::trim (JS trim differs: U+FEFF, U+0085).
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const TRIM_START = new RegExp(`^[${WS}]+`);
const HAS_WS_OR_QUOTE = new RegExp(`[${WS}']`);
const PASS_VALUE_END = new RegExp(`[&|;<"'${WS}]`);

const trim = (s) => s.replace(TRIM, '');

/** UTF-8 length of `s` (well-formed). */
function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 1; // 4 bytes for 2 units
      i++;
    } else n += 2;
  }
  return n;
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes ending on a character. */
function cutBytes(s, max) {
  if (s.length * 3 <= max) return s;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (bytes + w > max) return s.slice(0, i);
    bytes += w;
    if (w === 4) i++;
  }
  return s;
}

const field = (v) => cutBytes(v, MAX_FIELD);

function redactAuthLine(line) {
  const at = line.indexOf(AUTH_PREFIX);
  if (at < 0) return line;
  const rest = line.slice(at + AUTH_PREFIX.length).replace(TRIM_START, '');
  const parts = (rest.startsWith('|') ? rest.slice(1) : '').split('|');
  let out = line.slice(0, at + AUTH_PREFIX.length) + ' |' + cutBytes(parts[0], 100) + '|' + REDACTED + '|';
  // auth, auth_api and the one-word reason; the SQL after it is dropped.
  for (let i = 2; i < 5 && i < parts.length; i++) {
    const part = parts[i];
    if (utf8Length(part) > 16 || HAS_WS_OR_QUOTE.test(part)) break;
    out += part + '|';
  }
  return out;
}

function redactPassParams(line) {
  if (!line.includes('pass=')) return line;
  let out = '';
  let rest = line;
  let at;
  while ((at = rest.indexOf('pass=')) >= 0) {
    out += rest.slice(0, at + 5);
    const tail = rest.slice(at + 5);
    const q = tail[0] === "'" || tail[0] === '"' ? tail[0] : null;
    let end;
    if (q !== null) {
      const close = tail.indexOf(q, 1);
      end = close >= 0 ? close + 1 : tail.length;
      out += q + REDACTED + q;
    } else {
      const m = PASS_VALUE_END.exec(tail);
      end = m === null ? tail.length : m.index;
      out += REDACTED;
    }
    rest = tail.slice(end);
  }
  return out + rest;
}

/** At most `max` UTF-8 bytes of `text` without passwords (auth line, `pass=`, `secret`). */
export function redact(text, secret, max) {
  if (secret === '') secret = null;
  let out = '';
  let bytes = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (bytes >= max) break;
    let piece = i > 0 ? '\n' : '';
    let line = redactPassParams(redactAuthLine(cutBytes(lines[i], MAX_LINE)));
    // A known secret is removed from free text only: a server reply line
    // other than the auth error echoes request values (call IDs, agents)
    // that a short password could otherwise rewrite.
    if (secret && line.includes(secret) && !echoesRequestOnly(line)) line = line.replaceAll(secret, REDACTED);
    piece += line;
    out += piece;
    bytes += utf8Length(piece);
  }
  if (bytes > max) {
    out = cutBytes(out, max);
    if (secret) {
      // Never end on the start of the secret cut in half.
      for (let n = utf8Length(secret) - 1; n >= 3; n--) {
        const prefix = cutBytes(secret, n);
        if (out.endsWith(prefix)) {
          out = out.slice(0, out.length - prefix.length);
          break;
        }
      }
    }
  }
  return out;
}

function echoesRequestOnly(line) {
  const r = classifyLine(trim(line));
  return r !== null && r.code !== 'INVALID_CREDENTIALS';
}

function split(args, n) {
  const out = [];
  let rest = args;
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf('|');
    if (at < 0) {
      out.push(rest);
      rest = null;
      break;
    }
    out.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  if (rest !== null) out.push(rest);
  while (out.length < n) out.push('');
  return out.map(field);
}

const unspace = (v) => (v.charCodeAt(0) === 32 ? v.slice(1) : v);
const AUTH_REASONS = { BAD: 'BAD_PASSWORD', GOOD: 'NO_API_ACCESS', LOCK: 'LOCKED', ERRSERVERS: 'NO_SERVERS' };

function after(rest, prefix) {
  return rest.startsWith(prefix) ? field(rest.slice(prefix.length)) : null;
}

function classifyLine(line) {
  if (line.startsWith('SUCCESS: ra_call_control ')) {
    const rest = line.slice(25);
    if (rest.startsWith('transfer - ')) {
      const [agentUser, callId, third] = split(rest.slice(11), 3);
      return third === '' ? { code: 'TRANSFERRED', agentUser, callId } : { code: 'TRANSFERRED', agentUser, callId, phoneNumber: third };
    }
    if (rest.startsWith('transferred - ')) {
      const [agentUser, callId, ingroup] = split(rest.slice(14), 3);
      return { code: 'TRANSFERRED', agentUser, callId, ingroup };
    }
    if (rest.startsWith('hungup - ')) {
      const [agentUser, callId] = split(rest.slice(9), 3);
      return { code: 'HUNGUP', agentUser, callId };
    }
    return null;
  }
  if (line.startsWith(AUTH_PREFIX)) {
    const rest = line.slice(AUTH_PREFIX.length).replace(TRIM_START, '');
    const parts = (rest.startsWith('|') ? rest.slice(1) : '').split('|');
    return { code: 'INVALID_CREDENTIALS', user: field(parts[0]), reason: AUTH_REASONS[parts[4]] ?? 'OTHER' };
  }
  if (!line.startsWith('ERROR: ')) return null;
  const rest = line.slice(7);
  let v;
  if ((v = after(rest, 'ingroup is not valid -')) !== null) return { code: 'INGROUP_NOT_VALID', ingroup: unspace(v) };
  if ((v = after(rest, 'no active call found - ')) !== null) return { code: 'NO_ACTIVE_CALL', callId: v };
  if ((v = after(rest, 'agent_user is not logged in - ') ?? after(rest, 'user not logged in - ')) !== null) {
    return { code: 'AGENT_NOT_LOGGED_IN', agentUser: v };
  }
  if ((v = after(rest, 'no user found - ')) !== null) return { code: 'NO_USER_FOUND', user: v };
  if (rest.startsWith('ra_call_control not valid - ')) {
    const [callId, agentUser, stage] = split(rest.slice(28), 3);
    return { code: 'NOT_VALID', callId, agentUser, stage };
  }
  if ((v = after(rest, 'stage is not valid - ')) !== null) return { code: 'STAGE_NOT_VALID', stage: v };
  if ((v = after(rest, 'phone_number is not valid - ')) !== null) return { code: 'PHONE_NUMBER_NOT_VALID', phoneNumber: v };
  if ((v = after(rest, 'Invalid Source -')) !== null) return { code: 'INVALID_SOURCE', source: unspace(v) };
  if (rest === 'System API NOT ACTIVE') return { code: 'API_NOT_ACTIVE' };
  if (rest.startsWith('auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ')) {
    const [callId, user, fn, userGroup] = split(rest.slice(58), 4);
    return { code: 'PERMISSION_DENIED', callId, user, function: fn, userGroup };
  }
  return null;
}

function stripTags(line) {
  let out = '';
  let inTag = false;
  for (const c of line) {
    if (c === '<') inTag = true;
    else if (c === '>' && inTag) inTag = false;
    else if (!inTag) out += c;
  }
  return out;
}

function classify(body) {
  if (trim(body) === '') return { code: 'EMPTY_REPLY' };
  const fatal = body.indexOf('Fatal error');
  if (fatal >= 0) {
    const start = body.lastIndexOf('\n', fatal - 1) + 1;
    return { code: 'SERVER_ERROR', excerpt: redact(trim(body.slice(start)), null, MAX_EXCERPT) };
  }
  const lines = body.split('\n');
  for (const line of lines) {
    const r = classifyLine(trim(line));
    if (r !== null) return r;
  }
  // format=debug and HTML-mode errors wrap the line in tags.
  for (let i = 0; i < lines.length; i++) {
    // str::lines() drops the \r of a \r\n ending.
    const line = i + 1 < lines.length && lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (!line.includes('<') || (line.length * 3 > MAX_TAGGED_LINE && utf8Length(line) > MAX_TAGGED_LINE)) continue;
    const r = classifyLine(trim(stripTags(line)));
    if (r !== null) return r;
  }
  return { code: 'UNRECOGNIZED', excerpt: redact(trim(body), null, MAX_EXCERPT) };
}

/** The secret is removed from free text only (excerpts), never from typed fields. */
function withoutSecret(reply, secret) {
  if (secret && (reply.code === 'UNRECOGNIZED' || reply.code === 'SERVER_ERROR') && reply.excerpt.includes(secret)) {
    reply.excerpt = reply.excerpt.replaceAll(secret, REDACTED);
  }
  return reply;
}

const REASON_TEXT = {
  BAD_PASSWORD: ': wrong user or password',
  NO_API_ACCESS: ': the user has no agent API access or is inactive',
  LOCKED: ': locked after too many failed logins (wait 15 minutes)',
  NO_SERVERS: ': no active Asterisk server',
  OTHER: '',
};

function message(r) {
  switch (r.code) {
    case 'TRANSFERRED':
      return `Transferred: call ${r.callId} of agent ${r.agentUser} was queued into the in-group${r.ingroup === undefined ? '' : ' ' + r.ingroup}`;
    case 'HUNGUP':
      return `Hung up: call ${r.callId} of agent ${r.agentUser}`;
    case 'INGROUP_NOT_VALID':
      return r.ingroup === ''
        ? 'In-group is not valid: none was given, or DEFAULTINGROUP found no default transfer group'
        : `In-group is not valid: "${r.ingroup}" is unknown, inactive or too short`;
    case 'NO_ACTIVE_CALL':
      return `No active call found with call ID ${r.callId}`;
    case 'AGENT_NOT_LOGGED_IN':
      return `Agent ${r.agentUser} is not logged in`;
    case 'NO_USER_FOUND':
      return `No user found: ${r.user}`;
    case 'NOT_VALID':
      return `Request not valid: call ID, agent user or stage is empty (call ID "${r.callId}", agent "${r.agentUser}", stage "${r.stage}")`;
    case 'STAGE_NOT_VALID':
      return `Stage is not valid: ${r.stage}`;
    case 'PHONE_NUMBER_NOT_VALID':
      return `Phone number is not valid: ${r.phoneNumber}`;
    case 'INVALID_CREDENTIALS':
      return `Invalid credentials for API user ${r.user}${REASON_TEXT[r.reason]}`;
    case 'INVALID_SOURCE':
      return `Invalid source "${r.source}" (at least 2 letters or digits)`;
    case 'API_NOT_ACTIVE':
      return 'The VICIdial agent API is not active on this system';
    case 'PERMISSION_DENIED':
      return `API user ${r.user} has no permission to use ${r.function}`;
    case 'SERVER_ERROR':
      return 'Server error: PHP failed while handling the request (a SUCCESS line before the error does not count)';
    case 'EMPTY_REPLY':
      return 'Empty reply: the server did not recognise the function';
    default:
      return 'Unrecognized reply (shown raw)';
  }
}

/** `parseReply(body, { secret })`: `{ ok, code, message, raw, ...fields }`. */
export function parseReply(body, options) {
  body = wellFormed(String(body ?? ''));
  let secret = options?.secret;
  if (secret !== undefined && typeof secret !== 'string') throw new TypeError('secret must be a string');
  secret = secret === undefined ? null : wellFormed(secret);
  const reply = withoutSecret(classify(body), secret);
  reply.ok = reply.code === 'TRANSFERRED' || reply.code === 'HUNGUP';
  reply.message = message(reply);
  reply.raw = redact(body, secret, MAX_EXCERPT);
  return reply;
}

// ------------------------------------------------- the naive baseline (no checks)

/** What a quick integration does: URLSearchParams + split, no validation, no redaction. */
export const naive = {
  buildTransfer(r) {
    const p = new URLSearchParams();
    if (r.source !== undefined) p.set('source', r.source);
    if (r.user !== undefined) p.set('user', r.user);
    if (r.pass !== undefined) p.set('pass', r.pass);
    p.set('agent_user', r.agentUser);
    p.set('function', 'ra_call_control');
    p.set('stage', 'INGROUPTRANSFER');
    p.set('value', r.callId);
    p.set('ingroup_choices', r.ingroup);
    if (r.status !== undefined) p.set('status', r.status);
    const body = p.toString();
    return { query: body, body };
  },
  parseReply(body) {
    const line = String(body).trim();
    const ok = line.startsWith('SUCCESS:');
    const dash = line.indexOf(' - ');
    const [agentUser, callId] = dash < 0 ? [] : line.slice(dash + 3).split('|');
    return { ok, code: ok ? 'TRANSFERRED' : 'ERROR', message: line, agentUser, callId };
  },
};
