// How PHP 8.2 (the SAPI under VICIdial 2.14-82 agc/api.php) turns an HTTP
// request into $_GET / $_POST, reproduced byte for byte.
//
// All strings here are "binary strings": one JS char per byte (0..255), the
// way PHP sees a request. The character filters of api.php work on bytes
// (preg_replace without /u), so a UTF-8 `€` is three bytes that are all
// deleted, exactly as the real server does.
//
// Facts reproduced (see shared/spec/ra_call_control.md and the recordings):
// - query string and urlencoded body: split on `&`, `+` -> space, `%XX` -> byte
//   (a `%` not followed by two hex digits stays literal), a pair without `=`
//   gives the empty string;
// - a repeated name: the last one wins (03q_duplicate_param_last_wins);
// - names: leading spaces dropped, ` ` and `.` become `_`, `x[]` / `x[k]`
//   make an array (spec: `ingroup_choices[]=X` -> HTTP 500 empty body);
// - $_POST is filled only for POST with `application/x-www-form-urlencoded`
//   or a well-formed `multipart/form-data` (08c_success_POST_multipart: the
//   real server DID read a multipart body; its values are raw, so a `+` stays
//   a `+`). A multipart body without a usable boundary is not read at all.

/** Marker for a parameter that PHP parsed as an array (`name[]=...`). */
export const PHP_ARRAY = Object.freeze({ phpArray: true, toString: () => 'Array' });

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const utf8Encoder = new TextEncoder();

/** A JS (UTF-16) string -> binary string of its UTF-8 bytes. ASCII is returned as is. */
export function toBinary(text) {
  if (text == null) return '';
  if (typeof text !== 'string') return bytesToBinary(text);
  if (ASCII_ONLY.test(text)) return text;
  return bytesToBinary(utf8Encoder.encode(text));
}

/** Uint8Array / ArrayBuffer -> binary string. */
export function bytesToBinary(bytes) {
  if (bytes == null) return '';
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < u8.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, u8.subarray(i, i + CHUNK));
  }
  return out;
}

/** Binary string -> Uint8Array (each char is one byte). */
export function binaryToBytes(bin) {
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i) & 0xff;
  return out;
}

const utf8Decoder = new TextDecoder('utf-8');
/** Binary string -> JS string (UTF-8 decoded, invalid bytes -> U+FFFD). */
export function binaryToText(bin) {
  if (ASCII_ONLY.test(bin)) return bin;
  return utf8Decoder.decode(binaryToBytes(bin));
}

function hexVal(c) {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 65 && c <= 70) return c - 55; // A-F
  if (c >= 97 && c <= 102) return c - 87; // a-f
  return -1;
}

/** PHP urldecode(): `+` -> space, `%XX` -> byte, a bad `%` stays literal. */
export function phpUrlDecode(s) {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 43) { out += ' '; continue; } // '+'
    if (c === 37 && i + 2 < s.length) { // '%'
      const h = hexVal(s.charCodeAt(i + 1));
      const l = hexVal(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) { out += String.fromCharCode(h * 16 + l); i += 2; continue; }
    }
    out += s[i];
  }
  return out;
}

/**
 * php_register_variable_ex(): store `value` under the normalised `name` in
 * `into` (a Map). Last write wins, as for PHP's $_GET/$_POST.
 */
export function registerVariable(into, name, value) {
  let start = 0;
  while (start < name.length && name.charCodeAt(start) === 32) start++; // leading spaces dropped
  let base = '';
  let isArray = false;
  let i = start;
  for (; i < name.length; i++) {
    const ch = name[i];
    if (ch === ' ' || ch === '.') base += '_';
    else if (ch === '[') break;
    else base += ch;
  }
  if (i < name.length) { // found '['
    if (name.indexOf(']', i + 1) >= 0) {
      isArray = true;
    } else {
      // not an index: the '[' and any later ' ', '.', '[' become '_'
      base += '_' + name.slice(i + 1).replace(NAME_REST_RE, '_');
    }
  }
  if (base.length === 0) return; // empty variable name: ignored by PHP
  into.set(base, isArray ? PHP_ARRAY : value);
}

/** Parse `a=1&b=2` (query string or urlencoded body) into a Map. */
export function parseUrlEncoded(str, into = new Map()) {
  if (!str) return into;
  let pos = 0;
  const n = str.length;
  while (pos <= n) {
    let amp = str.indexOf('&', pos);
    if (amp < 0) amp = n;
    if (amp > pos) {
      const eq = str.indexOf('=', pos);
      let name, value;
      if (eq >= 0 && eq < amp) {
        name = phpUrlDecode(str.slice(pos, eq));
        value = phpUrlDecode(str.slice(eq + 1, amp));
      } else {
        name = phpUrlDecode(str.slice(pos, amp));
        value = '';
      }
      registerVariable(into, name, value);
    }
    pos = amp + 1;
  }
  return into;
}

const NAME_REST_RE = /[ .[]/g;
const LINE_SPLIT_RE = /\r?\n/;
const DISPOSITION_HEADER_RE = /^content-disposition\s*:/i;
const MIME_END_RE = /[;,\s]/;
const BOUNDARY_RE = /boundary=(?:"([^"]*)"|([^;,\s]+))/i;
const DISPOSITION_NAME_RE = /\bname=(?:"([^"]*)"|([^;\s]+))/i;
const DISPOSITION_FILENAME_RE = /\bfilename\*?=/i;

/**
 * rfc1867 multipart/form-data parsing as PHP does it for $_POST: plain fields
 * only (parts with a filename go to $_FILES), values taken raw (no url
 * decoding). Returns null when the body cannot be read (no boundary).
 */
export function parseMultipart(body, contentType, into = new Map()) {
  const m = BOUNDARY_RE.exec(contentType);
  const boundary = m ? (m[1] ?? m[2]) : '';
  if (!boundary) return null; // PHP: "Missing boundary in multipart/form-data POST data"
  const delim = '--' + boundary;
  let pos = body.indexOf(delim);
  if (pos < 0) return into;
  for (;;) {
    pos += delim.length;
    if (body.startsWith('--', pos)) break; // closing delimiter
    // skip to end of the delimiter line
    const lineEnd = body.indexOf('\n', pos);
    if (lineEnd < 0) break;
    const headEnd = body.indexOf('\r\n\r\n', lineEnd - 1);
    const headEndLf = headEnd < 0 ? body.indexOf('\n\n', lineEnd) : -1;
    if (headEnd < 0 && headEndLf < 0) break;
    const headers = body.slice(lineEnd + 1, headEnd >= 0 ? headEnd : headEndLf);
    const dataStart = headEnd >= 0 ? headEnd + 4 : headEndLf + 2;
    let next = body.indexOf('\r\n' + delim, dataStart);
    let dataEnd = next;
    if (next < 0) {
      next = body.indexOf('\n' + delim, dataStart);
      dataEnd = next;
      if (next < 0) break;
      next += 1;
    } else {
      next += 2;
    }
    let disposition = '';
    for (const line of headers.split(LINE_SPLIT_RE)) {
      if (DISPOSITION_HEADER_RE.test(line)) disposition = line;
    }
    const nm = DISPOSITION_NAME_RE.exec(disposition);
    if (nm && !DISPOSITION_FILENAME_RE.test(disposition)) {
      registerVariable(into, nm[1] ?? nm[2], body.slice(dataStart, dataEnd));
    }
    pos = next;
  }
  return into;
}

/**
 * Build the two PHP superglobals for a request.
 * @param {{method?:string, query?:string|Uint8Array, body?:string|Uint8Array, contentType?:string}} req
 * @returns {{get: Map<string, string|object>, post: Map<string, string|object>}}
 */
export function parseRequest({ method = 'GET', query = '', body = '', contentType = '' } = {}) {
  let q = typeof query === 'string' ? query : bytesToBinary(query);
  if (q.charCodeAt(0) === 63) q = q.slice(1); // tolerate a leading '?'
  const get = parseUrlEncoded(toBinary(q));
  let post = EMPTY_MAP;
  if (String(method).toUpperCase() === 'POST' && contentType) {
    const ct = contentType.toLowerCase();
    const semi = ct.search(MIME_END_RE);
    const mime = semi < 0 ? ct : ct.slice(0, semi);
    if (mime === 'application/x-www-form-urlencoded') {
      post = parseUrlEncoded(typeof body === 'string' ? toBinary(body) : bytesToBinary(body));
    } else if (mime === 'multipart/form-data') {
      post = parseMultipart(typeof body === 'string' ? toBinary(body) : bytesToBinary(body), contentType) ?? EMPTY_MAP;
    }
  }
  return { get, post };
}

const EMPTY_MAP = new Map();
