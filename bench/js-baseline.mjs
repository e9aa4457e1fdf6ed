// The package's checks written by hand in JavaScript, from
// ../shared/spec/ra_call_control.md and versions.md as a user would, with
// the SAME rules and output shapes as the package, so that bench/hotpath.mjs
// compares like with like:
//
// - validateCallControl / buildCallControl (and the INGROUPTRANSFER
//   shorthands validateTransfer / buildTransfer) with `{ serverVersion }`:
//   every stage's required and unused fields, per-field characters for each
//   api.php version 2.12-47..2.14-82 (NEEDS_NEWER_VERSION naming the
//   version), lengths, surrounding space, lists, DEFAULTINGROUP, `+` in
//   phone numbers, credentials together, wrong types and unknown keys;
//   positions in code points; the same messages;
// - the same encoding (fixed order, `+` as %2B, the masked preview);
// - parseReply: the reply-line table (translated result words), PHP
//   warnings and HTML tags around the line, fatal errors before it, a
//   SUCCESS line followed by a died script (SUCCESS_NOT_COMPLETED), byte
//   limits cut on a character, and the redaction of the auth line, every
//   `pass=` value and a known secret (free text only).
//
// bench/hotpath.mjs checks that this agrees with the package on every
// shared case of bench/cases.mjs (deep equality, messages included) before
// timing it.

const V = (minor, build) => ({ minor, build, n: minor * 10000 + build });
const OLDEST = V(12, 47);
const NEWEST = V(14, 82);
const vText = (v) => `2.${v.minor}-${v.build}`;

/** A character class: a regex for the first refused character and a lookup for ASCII codes. */
function set(chars) {
  const has = new Uint8Array(128);
  for (const c of chars.replace(/(.)-(.)/g, (_, a, b) => String.fromCharCode(...range(a, b)))) has[c.charCodeAt(0)] = 1;
  const escaped = chars.replace(/[\\\]^|/]/g, '\\$&');
  return { has, bad: new RegExp(`[^${escaped}]`) };
}
function range(a, b) {
  const out = [];
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) out.push(c);
  return out;
}
const ALNUM = 'A-Za-z0-9';
const kept = (since, chars, added, allowed) => ({ since, ...set(chars), added, allowed });
const DELETES = ' (the server deletes other characters)';
const WORD_DASH = () => kept(OLDEST, ALNUM + '_-', '', 'A-Z a-z 0-9 - _');

// Field::ALL order (the wire order).
const FIELDS = [
  { key: 'source', param: 'source', label: 'Source', min: 2, max: 20, kept: [kept(OLDEST, ALNUM, '', 'A-Z a-z 0-9')], why: DELETES },
  { key: 'user', param: 'user', label: 'API user', min: 1, max: 20, kept: [WORD_DASH()], why: DELETES },
  { key: 'pass', param: 'pass', label: 'API password', min: 1, max: 100, why: DELETES,
    kept: [WORD_DASH(), kept(V(14, 72), ALNUM + '_.+/=-', '. + / =', 'A-Z a-z 0-9 - _ . + / =')] },
  { key: 'agentUser', param: 'agent_user', label: 'Agent user', min: 1, max: 20, why: DELETES,
    kept: [kept(OLDEST, ALNUM, '', 'A-Z a-z 0-9'), kept(V(14, 75), ALNUM + '_-', '- and _', 'A-Z a-z 0-9 - _')] },
  { key: 'stage', param: 'stage', label: 'Stage', min: 1, max: 20, kept: [kept(OLDEST, ALNUM, '', 'A-Z a-z 0-9')], why: '' },
  { key: 'callId', param: 'value', label: 'Call ID', min: 1, max: 20,
    why: ' (the server deletes other characters, so Y...027. would match call Y...027)',
    kept: [WORD_DASH(), kept(V(14, 67), ALNUM + '_|-', '|', 'A-Z a-z 0-9 - _ |')] },
  { key: 'ingroup', param: 'ingroup_choices', label: 'In-group', min: 2, max: 20, kept: [kept(OLDEST, ALNUM + '_', '', 'A-Z a-z 0-9 _')],
    why: ' (in-group IDs have no spaces, dots or dashes; the server deletes dots, so SALES.LINE would transfer to SALESLINE)' },
  { key: 'phoneNumber', param: 'phone_number', label: 'Phone number', min: 2, max: 193, why: ' (the server deletes other characters and dials the rest)',
    kept: [kept(OLDEST, '0-9', '', '0-9'), kept(V(12, 50), '0-9*#', '* and #', '0-9 * #'), kept(NEWEST, '0-9*#A-Za-z', 'letters', '0-9 * # A-Z a-z')] },
  { key: 'status', param: 'status', label: 'Status', min: 1, max: 6, kept: [WORD_DASH()], why: DELETES },
];
// Null-prototype tables: a key such as `constructor` must not find anything.
const table = (o) => Object.assign(Object.create(null), o);
const BY_KEY = table(Object.fromEntries(FIELDS.map((f) => [f.key, f])));
const STAGES = table({
  INGROUPTRANSFER: { required: ['agentUser', 'callId', 'ingroup'], unused: ['phoneNumber'] },
  EXTENSIONTRANSFER: { required: ['agentUser', 'callId', 'phoneNumber'], unused: ['ingroup'] },
  HANGUP: { required: ['agentUser', 'callId'], unused: ['ingroup', 'phoneNumber'] },
});
const DEFAULT_INGROUP = 'DEFAULTINGROUP';
const KEYS_LIST = 'source, user, pass, agentUser, stage, callId, ingroup, phoneNumber, status';

// ---------------------------------------------------------------- versions

// Unicode White_Space, as Rust's str::trim (JS trim differs: U+FEFF, U+0085).
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const TRIM_START = new RegExp(`^[${WS}]+`);
const HAS_WS_OR_QUOTE = new RegExp(`[${WS}']`);
const PASS_VALUE_END = new RegExp(`[&|;<"'${WS}]`);
const trim = (s) => s.replace(TRIM, '');

const VERSION_MESSAGES = {
  VERSION_UNREADABLE: 'serverVersion must look like 2.14-82, or be the line function=version answers (VERSION: 2.14-82|BUILD: ...)',
  VERSION_TOO_OLD: 'serverVersion is older than api.php 2.12-47, the oldest version whose rules are known',
};
function versionError(code) {
  const e = new RangeError(VERSION_MESSAGES[code]);
  e.code = code;
  return e;
}
const cache = new Map();

/** `ServerVersion::parse`: `2.14-82` or the `VERSION: 2.14-82|BUILD: ...` line. */
export function parseVersion(text) {
  let t = trim(text);
  if (t.startsWith('VERSION:')) t = t.slice(8).replace(TRIM_START, '').split('|')[0];
  const m = /^2\.([0-9]{1,4})-([0-9]{1,4})$/.exec(t);
  if (m === null) throw versionError('VERSION_UNREADABLE');
  const v = V(Number(m[1]), Number(m[2]));
  if (v.n < OLDEST.n) throw versionError('VERSION_TOO_OLD');
  return v;
}

/** The version of `options.serverVersion`, or null (only the rules every version shares). */
function targetOf(options) {
  if (options !== undefined && options !== null && typeof options !== 'object') throw new TypeError('options must be an object');
  const text = options?.serverVersion;
  if (text === undefined) return null;
  if (typeof text !== 'string') throw new TypeError('serverVersion must be a string such as "2.14-82" (or the line function=version answers)');
  let v = cache.get(text);
  if (v === undefined) {
    v = parseVersion(text);
    if (cache.size < 64) cache.set(text, v);
  }
  return v;
}

const keptRow = (spec, version) => (version === null ? spec.kept[0] : spec.kept.findLast((k) => k.since.n <= version.n));

// ---------------------------------------------------------------- checks

/** Code points in `s` (lone surrogates count one each). */
function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/** `FieldError::message()`. */
function message(spec, code, e) {
  const l = spec.label;
  switch (code) {
    case 'MISSING':
      if (spec.key === 'source') return `${l} is required when credentials are sent (the server answers Invalid Source)`;
      if (spec.key === 'user') return `${l} is required when an API password is sent`;
      if (spec.key === 'pass') return `${l} is required when an API user is sent`;
      return e.stage ? `${l} is required for ${e.stage}` : `${l} is required`;
    case 'EMPTY':
      return spec.key === 'status' ? `${l} must not be empty (leave it out for the server default RAXFER)` : `${l} must not be empty`;
    case 'TOO_SHORT':
      return `${l} must be at least ${spec.min} characters${spec.key === 'source' ? ' (the server answers Invalid Source)' : ''}`;
    case 'TOO_LONG':
      return `${l} must be at most ${spec.max} characters (the server's column holds no more)`;
    case 'INVALID_CHARACTER':
      return `${l} may contain only ${keptRow(spec, e.version).allowed}${spec.why}`;
    case 'NEEDS_NEWER_VERSION':
      return `${l} may contain ${e.since.added} only on api.php ${vText(e.since.since)} and newer${e.version === null ? ': pass serverVersion' : ` (api.php ${vText(e.version)} deletes them)`}`;
    case 'PLUS_NOT_KEPT':
      return `${l} must not contain + (the server deletes it: +17275559999 would dial 17275559999); send the digits to dial`;
    case 'SURROUNDING_SPACE':
      return spec.key === 'ingroup'
        ? `${l} has a leading or trailing space (the server would answer SUCCESS and dial nowhere)`
        : `${l} has a leading or trailing space (the server would not act on it as sent)`;
    case 'LIST_NOT_ALLOWED':
      return `${l} must be ONE in-group ID, not a list (the server deletes the commas)`;
    case 'DEFAULTINGROUP_MISUSED':
      return `${l} may be exactly DEFAULTINGROUP, not a value containing it (the server replaces the whole value)`;
    case 'STAGE_NOT_VALID':
      return `${l} must be exactly INGROUPTRANSFER, EXTENSIONTRANSFER or HANGUP (in capitals)`;
    default: // NOT_USED_BY_STAGE
      return `${l} is not used by ${e.stage}${spec.key === 'phoneNumber' ? ' (the server would only echo it): leave it out' : ' (the server ignores it): leave it out'}`;
  }
}

function issue(spec, code, position, extra = {}) {
  const out = { field: spec.key, code, message: message(spec, code, extra) };
  if (position !== undefined) out.position = position;
  if (code === 'NEEDS_NEWER_VERSION') out.since = vText(extra.since.since);
  return out;
}

/** `fields::check`: the first problem of `value`, or null. */
function check(spec, value, version) {
  if (value === '') return issue(spec, 'EMPTY');
  if (spec.key === 'stage') return STAGES[value] === undefined ? issue(spec, 'STAGE_NOT_VALID') : null;
  if (value.charCodeAt(0) === 32) return issue(spec, 'SURROUNDING_SPACE', 0);
  if (value.charCodeAt(value.length - 1) === 32) return issue(spec, 'SURROUNDING_SPACE', codePoints(value) - 1);
  if (spec.key === 'ingroup') {
    if (value.includes(',')) return issue(spec, 'LIST_NOT_ALLOWED');
    if (value !== DEFAULT_INGROUP && value.includes(DEFAULT_INGROUP)) return issue(spec, 'DEFAULTINGROUP_MISUSED');
  }
  const bad = keptRow(spec, version).bad.exec(value);
  // Everything before the first refused character is ASCII: its index is its position.
  if (bad !== null) {
    const c = value.charCodeAt(bad.index);
    if (spec.key === 'phoneNumber' && c === 43) return issue(spec, 'PLUS_NOT_KEPT', bad.index);
    const since = c < 128 ? spec.kept.find((k) => k.has[c] === 1) : undefined;
    return issue(spec, since ? 'NEEDS_NEWER_VERSION' : 'INVALID_CHARACTER', bad.index, { since, version });
  }
  if (value.length < spec.min) return issue(spec, 'TOO_SHORT');
  if (value.length > spec.max) return issue(spec, 'TOO_LONG');
  return null;
}

/** The request's fields (own enumerable properties; null and undefined: not given), wrong types and unknown keys. */
function read(request, fixedStage) {
  if (request === null || typeof request !== 'object') throw new TypeError('the request must be an object');
  const values = {};
  const wrong = new Set();
  const issues = [];
  for (const key of Object.keys(request)) {
    const v = request[key];
    if (v === undefined || v === null) continue;
    if (BY_KEY[key] === undefined) {
      const k = [...key].slice(0, 64).join('');
      issues.push({ field: k, code: 'UNKNOWN_FIELD', message: `${k} is not a request field (${KEYS_LIST})` });
    } else if (typeof v === 'string' && v.isWellFormed()) values[key] = v;
    else wrong.add(key);
  }
  // A shorthand takes its own stage word (so a decoded request builds again), no other.
  if (fixedStage) {
    if (wrong.delete('stage') || (values.stage !== undefined && values.stage !== fixedStage)) {
      issues.push({ field: 'stage', code: 'STAGE_NOT_VALID', message: `Stage must be ${fixedStage} here: use callControl / validateCallControl / buildCallControl for another stage` });
    }
    values.stage = fixedStage;
  }
  for (const spec of FIELDS) {
    if (wrong.has(spec.key)) {
      issues.push({ field: spec.key, code: 'NOT_A_STRING', message: `${spec.label} must be a string (users and call IDs are text: "1028", not 1028)` });
    }
  }
  return { values, wrong, issues };
}

/** `CallControlDraft::problems` after the wrong types and unknown keys. */
function problems({ values, wrong, issues }, version) {
  const stage = STAGES[values.stage];
  const stageName = stage && values.stage;
  const credentials = values.user !== undefined || values.pass !== undefined;
  const out = issues.slice();
  for (const spec of FIELDS) {
    const k = spec.key;
    if (wrong.has(k)) continue;
    const v = values[k];
    let p = null;
    if (v !== undefined && stage && stage.unused.includes(k)) p = issue(spec, 'NOT_USED_BY_STAGE', undefined, { stage: stageName });
    else if (v !== undefined) p = check(spec, v, version);
    else if (k === 'stage') p = issue(spec, 'MISSING');
    else if (stage && stage.required.includes(k)) p = issue(spec, 'MISSING', undefined, { stage: stageName });
    else if (credentials && (k === 'source' || k === 'user' || k === 'pass')) p = issue(spec, 'MISSING');
    if (p !== null) out.push(p);
  }
  return out;
}

function validate(request, options, fixedStage) {
  const fields = read(request, fixedStage);
  return problems(fields, targetOf(options));
}

export class TransferValidationError extends Error {
  constructor(issues) {
    super(`invalid request: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'TransferValidationError';
    this.issues = issues;
  }
}

// Validated values hold only A-Z a-z 0-9 - _ . + / = | * #, for which
// encodeURIComponent equals application/x-www-form-urlencoded (`+` -> %2B).
function encode(values, pass) {
  let s = '';
  for (const spec of FIELDS) {
    const k = spec.key;
    const v = k === 'pass' ? pass : values[k];
    if (k === 'stage') s += (s ? '&' : '') + 'function=ra_call_control';
    if (v !== undefined) s += (s ? '&' : '') + spec.param + '=' + encodeURIComponent(v);
  }
  return s;
}

function build(request, options, fixedStage) {
  const fields = read(request, fixedStage);
  const issues = problems(fields, targetOf(options));
  if (issues.length > 0) throw new TransferValidationError(issues);
  const v = fields.values;
  const body = encode(v, v.pass);
  return { stage: v.stage, query: body, body, preview: encode(v, v.pass === undefined ? undefined : '********') };
}

export const validateCallControl = (request, options) => validate(request, options, null);
export const buildCallControl = (request, options) => build(request, options, null);
export const validateTransfer = (request, options) => validate(request, options, 'INGROUPTRANSFER');
export const buildTransfer = (request, options) => build(request, options, 'INGROUPTRANSFER');

// ---------------------------------------------------------------- replies

const REDACTED = '[REDACTED]';
const MAX_FIELD = 200;
const MAX_EXCERPT = 512;
const MAX_TAGGED_LINE = 4096;
const MAX_WORD = 40;
const AUTH_REASONS = ['Invalid Username/Password:', 'Login incorrect, please try again:'];
const CLOSE_WINDOW_LINK = '<a href="javascript:window.opener=\'x\';window.close();">Close This Window</a>';

/** UTF-8 length of `s` (well-formed). */
function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if ((c & 0xfc00) === 0xd800) i++; // 4 bytes for 2 units
    else n += 2;
  }
  return n;
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes ending on a character. */
function cut(s, max) {
  if (s.length * 3 <= max) return s;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : (c & 0xfc00) === 0xd800 ? 4 : 3;
    if (bytes + w > max) return s.slice(0, i);
    bytes += w;
    if (w === 4) i++;
  }
  return s;
}
const field = (v) => cut(v, MAX_FIELD);

// The reply lines (src/line.rs): result word, reason up to the fields, code.
const LINES = [
  ['SUCCESS', 'ra_call_control transfer - ', 'TRANSFER'],
  ['SUCCESS', 'ra_call_control transferred - ', 'TRANSFERRED_DOC'],
  ['SUCCESS', 'ra_call_control hungup - ', 'HUNGUP'],
  ['ERROR', 'Invalid Username/Password:', 'INVALID_CREDENTIALS'],
  ['ERROR', 'ingroup is not valid -', 'INGROUP_NOT_VALID'],
  ['ERROR', 'phone_number is not valid -', 'PHONE_NUMBER_NOT_VALID'],
  ['ERROR', 'no active call found - ', 'NO_ACTIVE_CALL'],
  ['ERROR', 'agent_user is not logged in - ', 'AGENT_NOT_LOGGED_IN'],
  ['ERROR', 'user not logged in - ', 'AGENT_NOT_LOGGED_IN'],
  ['ERROR', 'no user found - ', 'NO_USER_FOUND'],
  ['ERROR', 'ra_call_control not valid - ', 'NOT_VALID'],
  ['ERROR', 'stage is not valid - ', 'STAGE_NOT_VALID'],
  ['ERROR', 'Invalid Source -', 'INVALID_SOURCE'],
  ['ERROR', 'System API NOT ACTIVE', 'API_NOT_ACTIVE'],
  ['ERROR', 'auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ', 'PERMISSION_DENIED'],
];

/** `line::match_line` on a trimmed line: `{ kind, args, translated }` or null. */
function matchLine(line) {
  const colon = line.indexOf(': ');
  if (colon <= 0) return null;
  const word = line.slice(0, colon);
  if ((colon > MAX_WORD / 3 && utf8Length(word) > MAX_WORD) || /[|<>]/.test(word)) return null;
  const rest = line.slice(colon + 2);
  for (const [w, reason, kind] of LINES) {
    if (rest.startsWith(reason) && (kind !== 'API_NOT_ACTIVE' || rest.length === reason.length)) {
      return { kind, args: rest.slice(reason.length), translated: word !== w };
    }
  }
  return null;
}

function splitN(args, n) {
  const parts = args.split('|');
  const out = parts.slice(0, n - 1);
  if (parts.length >= n) out.push(parts.slice(n - 1).join('|'));
  while (out.length < n) out.push('');
  return out.map(field);
}
/** `reply::split_ends`: a SUCCESS line's call ID is everything between the first and the last `|` (it may hold `|`). */
function splitEnds(args) {
  const first = args.indexOf('|');
  const last = args.lastIndexOf('|');
  if (first >= 0 && first < last) return [args.slice(0, first), args.slice(first + 1, last), args.slice(last + 1)].map(field);
  return splitN(args, 3);
}
const unspace = (v) => (v.charCodeAt(0) === 32 ? v.slice(1) : v);
const AUTH_WORDS = table({ BAD: 'BAD_PASSWORD', GOOD: 'NO_API_ACCESS', LOCK: 'LOCKED', ERRSERVERS: 'NO_SERVERS', IPBLOCK: 'IP_BLOCKED' });

/** `reply::classify_line`: an untranslated reply line, or null. */
function classifyLine(line) {
  const m = matchLine(line);
  if (m === null || m.translated) return null;
  const a = m.args;
  switch (m.kind) {
    case 'TRANSFER': {
      const [agentUser, callId, third] = splitEnds(a);
      return third === '' ? { code: 'TRANSFERRED', agentUser, callId } : { code: 'TRANSFERRED', agentUser, callId, phoneNumber: third };
    }
    case 'TRANSFERRED_DOC': {
      const [agentUser, callId, ingroup] = splitEnds(a);
      return { code: 'TRANSFERRED', agentUser, callId, ingroup };
    }
    case 'HUNGUP': {
      const [agentUser, callId] = splitEnds(a);
      return { code: 'HUNGUP', agentUser, callId };
    }
    case 'INVALID_CREDENTIALS': {
      const rest = a.replace(TRIM_START, '');
      const parts = (rest.startsWith('|') ? rest.slice(1) : '').split('|');
      return { code: m.kind, user: field(parts[0]), reason: AUTH_WORDS[parts[4]] ?? 'OTHER' };
    }
    case 'INGROUP_NOT_VALID':
      return { code: m.kind, ingroup: unspace(field(a)) };
    case 'PHONE_NUMBER_NOT_VALID':
      return { code: m.kind, phoneNumber: unspace(field(a)) };
    case 'NO_ACTIVE_CALL':
      return { code: m.kind, callId: field(a) };
    case 'AGENT_NOT_LOGGED_IN':
      return { code: m.kind, agentUser: field(a) };
    case 'NO_USER_FOUND':
      return { code: m.kind, user: field(a) };
    case 'NOT_VALID': {
      const [callId, agentUser, stage] = splitN(a, 3);
      return { code: m.kind, callId, agentUser, stage };
    }
    case 'STAGE_NOT_VALID':
      return { code: m.kind, stage: field(a) };
    case 'INVALID_SOURCE':
      return { code: m.kind, source: unspace(field(a)) };
    case 'API_NOT_ACTIVE':
      return { code: m.kind };
    default: {
      const [callId, user, fn, userGroup] = splitN(a, 4);
      return { code: m.kind, callId, user, function: fn, userGroup };
    }
  }
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

function redactAuthLine(line) {
  let at = -1;
  let reason;
  for (reason of AUTH_REASONS) if ((at = line.indexOf(reason)) >= 0) break;
  if (at < 0) return line;
  const rest = line.slice(at + reason.length).replace(TRIM_START, '');
  const parts = (rest.startsWith('|') ? rest.slice(1) : '').split('|');
  let out = line.slice(0, at + reason.length) + ' |' + cut(parts[0], 100) + '|' + REDACTED + '|';
  // auth, auth_api and the one-word reason; the SQL after it is dropped.
  for (let i = 2; i < 5 && i < parts.length; i++) {
    if (utf8Length(parts[i]) > 16 || HAS_WS_OR_QUOTE.test(parts[i])) break;
    out += parts[i] + '|';
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

/** `redact::redact`: at most `max` UTF-8 bytes of `text` without passwords. */
export function redact(text, secret, max) {
  if (secret === '') secret = null;
  let out = '';
  let bytes = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (bytes >= max) break;
    let line = redactPassParams(redactAuthLine(lines[i]));
    if (secret && line.includes(secret) && !echoesRequestOnly(line)) line = line.replaceAll(secret, REDACTED);
    const piece = i > 0 ? '\n' + line : line;
    out += piece;
    bytes += utf8Length(piece);
  }
  return bytes > max ? cut(out, max) : out;
}

function echoesRequestOnly(line) {
  const m = matchLine(trim(line));
  return m !== null && m.kind !== 'INVALID_CREDENTIALS';
}

/** The first untranslated reply line: `{ at, reply }` (UTF-16 offset) or null. */
function findReplyLine(body) {
  let offset = 0;
  for (const line of body.split('\n')) {
    const at = offset;
    offset += line.length + 1;
    const r = classifyLine(trim(line));
    if (r !== null) return { at, reply: r };
    if (line.includes('<') && utf8Length(line) <= MAX_TAGGED_LINE) {
      const s = classifyLine(trim(stripTags(line)));
      if (s !== null) return { at, reply: s };
    }
  }
  return null;
}

function diedAfter(after) {
  if (after.includes('Fatal error') || after.includes('Uncaught ')) return 'FATAL_ERROR';
  if (after.includes('Could not connect: ')) return 'QUEUE_METRICS_CONNECT';
  for (const raw of after.split('\n')) {
    const l = trim(raw);
    const plain = trim(stripTags(l));
    const benign = l === '' || (l.startsWith('<!--') && l.endsWith('-->')) || l === CLOSE_WINDOW_LINK ||
      plain.startsWith('Warning: ') || plain.startsWith('Notice: ') || plain.startsWith('Deprecated: ') || plain === '';
    if (!benign) return 'UNEXPECTED_OUTPUT';
  }
  return null;
}

const lineStart = (body, at) => (at === 0 ? 0 : body.lastIndexOf('\n', at - 1) + 1);

/** `parse_reply_with_secret`. */
function classify(body, secret) {
  if (trim(body) === '') return { code: 'EMPTY_REPLY' };
  const excerpt = (t) => redact(trim(t), secret, MAX_EXCERPT);
  const found = findReplyLine(body);
  const fatal = body.indexOf('Fatal error');
  if (found !== null && !(fatal >= 0 && fatal < found.at)) {
    if (found.reply.code !== 'TRANSFERRED' && found.reply.code !== 'HUNGUP') return found.reply;
    const nl = body.indexOf('\n', found.at);
    const end = nl < 0 ? body.length : nl + 1;
    const cause = diedAfter(body.slice(end));
    if (cause === null) return found.reply;
    return { code: 'SUCCESS_NOT_COMPLETED', line: field(trim(body.slice(found.at, end))), cause, excerpt: excerpt(body.slice(end)) };
  }
  if (fatal >= 0) return { code: 'SERVER_ERROR', excerpt: excerpt(body.slice(lineStart(body, fatal))) };
  for (const line of body.split('\n')) {
    const m = matchLine(trim(line));
    if (m !== null && m.translated) return { code: 'TRANSLATED', excerpt: excerpt(line) };
  }
  return { code: 'UNRECOGNIZED', excerpt: excerpt(body) };
}

const REASON_TEXT = {
  BAD_PASSWORD: ': wrong user or password',
  NO_API_ACCESS: ': the user has no agent API access or is inactive',
  LOCKED: ': locked after too many failed logins (wait 15 minutes)',
  NO_SERVERS: ': no active Asterisk server',
  IP_BLOCKED: ": the caller's IP address is not allowed for this user",
  OTHER: '',
};
const DIED_TEXT = {
  QUEUE_METRICS_CONNECT: 'Not done: the server printed SUCCESS, then failed to connect to QueueMetrics before queueing the action; the call is still live',
  FATAL_ERROR: 'Not confirmed: the server printed SUCCESS, then failed with a PHP fatal error; do not retry, check the call',
  UNEXPECTED_OUTPUT: 'Not confirmed: the server printed SUCCESS, then something unexpected; do not retry, check the call',
};

/** `Reply::message`. */
function replyMessage(r) {
  switch (r.code) {
    case 'TRANSFERRED':
      return `Transferred: the server queued the move of call ${r.callId} of agent ${r.agentUser}` +
        (r.ingroup === undefined ? '' : ` into in-group ${r.ingroup}`) + (r.phoneNumber === undefined ? '' : ` to ${r.phoneNumber}`);
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
      return r.phoneNumber === ''
        ? "Phone number is not valid: fewer than 2 characters were left after the server's filter"
        : `Phone number is not valid: ${r.phoneNumber}`;
    case 'INVALID_CREDENTIALS':
      return `Invalid credentials for API user ${r.user}${REASON_TEXT[r.reason]}`;
    case 'INVALID_SOURCE':
      return `Invalid source "${r.source}" (at least 2 letters or digits)`;
    case 'API_NOT_ACTIVE':
      return 'The VICIdial agent API is not active on this system';
    case 'PERMISSION_DENIED':
      return `API user ${r.user} has no permission to use ${r.function}`;
    case 'SUCCESS_NOT_COMPLETED':
      return DIED_TEXT[r.cause];
    case 'TRANSLATED':
      return 'Translated reply: the server did nothing (its actions run only on the untranslated word SUCCESS); turn languages off for the API user';
    case 'SERVER_ERROR':
      return 'Server error: PHP failed while handling the request';
    case 'EMPTY_REPLY':
      return 'Empty reply: the server did not recognise the function';
    default:
      return 'Unrecognized reply (shown raw)';
  }
}

/** Strings as the wasm boundary delivers them (lone surrogates become U+FFFD). */
const wellFormed = (s) => (s.isWellFormed() ? s : s.toWellFormed());

/** `parseReply(body, { secret })`: `{ ok, code, message, raw, ...fields }`. */
export function parseReply(body, options) {
  if (typeof body !== 'string') throw new TypeError('the reply body must be a string');
  const secret = options?.secret;
  if (secret !== undefined && typeof secret !== 'string') throw new TypeError('secret must be a string');
  body = wellFormed(body);
  const s = secret === undefined || secret === '' ? null : wellFormed(secret);
  const reply = classify(body, s);
  reply.ok = reply.code === 'TRANSFERRED' || reply.code === 'HUNGUP';
  reply.message = replyMessage(reply);
  reply.raw = redact(body, s, MAX_EXCERPT);
  return reply;
}

// ------------------------------------------------- the naive baseline (no checks)

/** What a quick integration does: URLSearchParams + split, no validation, no redaction. */
export const naive = {
  buildCallControl(r) {
    const p = new URLSearchParams();
    for (const [k, param] of [['source', 'source'], ['user', 'user'], ['pass', 'pass'], ['agentUser', 'agent_user']]) if (r[k] !== undefined) p.set(param, r[k]);
    p.set('function', 'ra_call_control');
    for (const [k, param] of [['stage', 'stage'], ['callId', 'value'], ['ingroup', 'ingroup_choices'], ['phoneNumber', 'phone_number'], ['status', 'status']]) if (r[k] !== undefined) p.set(param, r[k]);
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
