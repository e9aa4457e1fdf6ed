//! The exports: a request crosses as ONE text of counted entries, fields
//! by letter (`reader`), results come back as text (JSON; nothing for a
//! valid request validated only, a built request as three lines, a parsed
//! reply as a record); options as plain arguments or ahead of the text.
//!
//! An optional string crosses as a `&str` and a `has_*` flag, or as `""`
//! where the empty string cannot be a value (a stage word, a proxy code,
//! from the wrapper itself): wasm-bindgen's `Option<String>` conversion
//! cost 64 bytes of gzipped wasm per argument.

use alloc::string::String;
use core::cell::UnsafeCell;

use wasm_bindgen::prelude::*;

use super::convert::{binding_issue, decode_issues, field_issue, js_key, outcome_json, reply_fields, request_json, Key};
use super::json::{Array, Json};
use super::reader::{counted, read, Fields};
use crate::client::{NotSent, Outcome, Response, TransferLog, Transport};
use crate::decode::{decode_call_control, decode_transfer, DecodeError, DecodeErrorKind, Param};
use crate::fields::Field;
use crate::redact::redact;
use crate::reply::{parse_reply_with_secret, MAX_EXCERPT};
use crate::request::CallControlDraft;
use crate::stage::Stage;
use crate::version::Target;

/// `{"versionError":{"code","message"}}` or the target.
fn target(server_version: Option<&str>) -> Result<Target, String> {
    Target::parse(server_version).map_err(|e| {
        let inner = Json::object().str("code", e.code()).str("message", e.message()).end();
        Json::object().raw("versionError", &inner).end()
    })
}

fn not_a_string(field: Field) -> String {
    let mut message = String::from(field.label());
    message.push_str(" must be a string (users and call IDs are text: \"1028\", not 1028)");
    binding_issue(js_key(field), "NOT_A_STRING", &message)
}

fn unknown_field(key: &str) -> String {
    let mut message = String::from(key);
    message.push_str(" is not a request field (");
    for (i, field) in Field::ALL.into_iter().enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        message.push_str(js_key(field));
    }
    message.push(')');
    binding_issue(key, "UNKNOWN_FIELD", &message)
}

/// Every problem of `fields` (wrong types and unknown keys first), and the
/// draft they make.
fn check<'a>(fields: &Fields<'a>, fixed_stage: Option<&'a str>, target: Target) -> (Array, CallControlDraft<'a>) {
    let mut issues = Array::new();
    for key in &fields.unknown {
        issues.push(&unknown_field(key));
    }
    // A shorthand takes its own stage word (so a decoded request builds again), no other.
    if let Some(fixed) = fixed_stage {
        if !fields.is_string_or_absent(Field::Stage) || fields.get(Field::Stage).is_some_and(|s| s != fixed) {
            let mut message = String::from("Stage must be ");
            message.push_str(fixed);
            message.push_str(" here: use callControl / validateCallControl / buildCallControl for another stage");
            issues.push(&binding_issue("stage", "STAGE_NOT_VALID", &message));
        }
    }
    for &f in &Field::ALL {
        if !(fields.is_string_or_absent(f) || fixed_stage.is_some() && f == Field::Stage) {
            issues.push(&not_a_string(f));
        }
    }
    let mut draft = fields.draft;
    if fixed_stage.is_some() {
        draft.stage = fixed_stage;
    }
    // One validation: its problems, less those of fields given as non-strings (reported above).
    for p in draft.problems(target).iter().filter(|p| fields.is_string_or_absent(p.field)) {
        issues.push(&field_issue(p));
    }
    (issues, draft)
}

/// `validateCallControl` / `buildCallControl` and their shorthands.
/// `request`: the wrapper's text as UTF-8 bytes (api.js `requestBytes`
/// writes it into one reused buffer: no JavaScript string to build and
/// flatten; read by the private `reader` module): the request's counted
/// entries, then the `serverVersion` when given. `shorthand`: the stage a
/// shorthand sets (then a `stage` key is refused) as its place in
/// [`Stage::ALL`] plus one, 0 for none.
/// Returns nothing for a valid request when `validate_only` (no text to
/// make and decode: the wrapper answers `[]`); else, as JSON, the issues or
/// `{ issues }`, or `{ versionError }` for an unusable version; a built
/// request as three lines, not JSON: `B` stage, the password's range,
/// body (the private `built`).
#[wasm_bindgen(js_name = callControl)]
pub fn call_control(request: &[u8], shorthand: u8, validate_only: bool) -> Option<String> {
    let Some((version, fields)) = core::str::from_utf8(request).ok().and_then(read) else {
        let mut issues = Array::new();
        issues.push(&binding_issue("input", "NOT_AN_OBJECT", "the request must be an object"));
        return Some(if validate_only { issues.end() } else { Json::object().raw("issues", &issues.end()).end() });
    };
    let target = match target(version) {
        Ok(t) => t,
        Err(e) => return Some(e),
    };
    let fixed_stage = Stage::ALL.get(usize::from(shorthand).wrapping_sub(1)).map(|s| s.wire());
    let (issues, draft) = check(&fields, fixed_stage, target);
    match (issues.is_empty(), validate_only) {
        (true, true) => None,
        (true, false) => Some(built(&draft)),
        (false, true) => Some(issues.end()),
        (false, false) => Some(Json::object().raw("issues", &issues.end()).end()),
    }
}

/// A valid draft's request, not as JSON (whose first character is `{` or
/// `[`): `B` stage `\n` where the password's value lies in the body
/// (`start:end`, empty without one) `\n` body. The wrapper (api.js
/// `answer`) makes `{ stage, query, body, preview }` of it (query = body;
/// the preview is the body with that range replaced by the core's `MASK`,
/// which api.js holds too: tests/pkg_codes.rs). Nothing to escape or parse
/// (measured: a third of `buildCallControl` went to writing and reading
/// that JSON), and the body crosses once: percent-encoded text holds no
/// newline, and its offsets are JavaScript's (ASCII).
// `push_str`, not `push(char)`: at opt-level "z" the latter calls the UTF-8 encoder.
#[allow(clippy::single_char_add_str)]
fn built(draft: &CallControlDraft) -> String {
    let encoded = draft.encode_valid();
    let stage = draft.stage().unwrap_or(Stage::IngroupTransfer).wire();
    let mut out = String::with_capacity(stage.len() + encoded.body().len() + 16);
    out.push_str("B");
    out.push_str(stage);
    out.push_str("\n");
    if let Some((start, end)) = encoded.pass_in_body() {
        crate::text::push_decimal(&mut out, start);
        out.push_str(":");
        crate::text::push_decimal(&mut out, end);
    }
    out.push_str("\n");
    out.push_str(encoded.body());
    out
}

/// `decodeCallControl(encoded, { serverVersion })`: `{ ok: true, request }`
/// (with the real password: a proxy forwards it) or `{ ok: false, issues }`.
/// `stage`: the one stage a shorthand (`decodeTransfer`) accepts.
#[wasm_bindgen]
pub fn decode(encoded: &str, server_version: &str, has_version: bool, stage: &str) -> String {
    let target = match target(has_version.then_some(server_version)) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let only = Stage::from_wire(stage);
    let decoded = match (only, target) {
        (Some(Stage::IngroupTransfer), Target::AnyVersion) => decode_transfer(encoded),
        _ => decode_call_control(encoded, target),
    };
    let decoded = match decoded {
        Ok(r) if only.is_some_and(|s| s != r.stage()) => {
            Err(alloc::vec![DecodeError { param: Param::Field(Field::Stage), kind: DecodeErrorKind::UnsupportedStage }])
        }
        other => other,
    };
    match decoded {
        Ok(r) => Json::object().bool("ok", true).raw("request", &request_json(&r, true)).end(),
        Err(errors) => Json::object().bool("ok", false).raw("issues", &decode_issues(&errors)).end(),
    }
}

/// `parseReply(body, { secret })`: `{ ok, message, raw, code, ...fields }`
/// as a record: `R`, `1` or `0` for `ok`, then for each value a NUL, its
/// key's letter (`a` + its place in [`RECORD_KEYS`](super::RECORD_KEYS))
/// and the value. Nothing to escape, and the wrapper (api.js `parseReply`)
/// reads it with `indexOf` (measured against JSON: the writer's escaping
/// scan and `JSON.parse` were half of `parseReply`; keys as words cost the
/// wrapper a string-table lookup each). JSON (first character `{`) when a
/// value holds a NUL itself (a reply of binary garbage): still every byte,
/// never cut or changed.
///
/// `text`: the body, after the secret as `count:secret` (api.js
/// `parseReply`) when `has_secret`: one string to copy into wasm memory,
/// not two. Exported as [`parse_record`].
// `push_str`, not `push(char)`: at opt-level "z" the latter calls the UTF-8 encoder.
#[allow(clippy::single_char_add_str)]
pub fn parse(text: &str, has_secret: bool) -> String {
    let (secret, body) = match has_secret.then(|| counted(text)) {
        Some(Some((secret, body))) => (Some(secret), body),
        Some(None) => (None, ""), // not the wrapper's text (a wrapper bug): an empty reply
        None => (None, text),
    };
    let reply = parse_reply_with_secret(body, secret);
    let parsed = Parsed { message: reply.message(), raw: redact(body, secret, MAX_EXCERPT), reply };
    let mut out = String::with_capacity(512);
    out.push_str(if parsed.reply.is_success() { "R1" } else { "R0" });
    let mut nul = false;
    parsed.values(&mut |key, value| {
        nul |= crate::text::find_byte(value, 0).is_some();
        out.push_str("\0");
        out.push_str(&KEY_LETTERS[key as usize..=key as usize]);
        out.push_str(value);
    });
    if nul { parsed.json() } else { out }
}

/// Where [`parse_record`] leaves its answer: address, length, capacity.
struct Record(UnsafeCell<[usize; 3]>);

// SAFETY: wasm32 without atomics is single-threaded.
unsafe impl Sync for Record {}

static RECORD: Record = Record(UnsafeCell::new([0; 3]));

/// [`parse`] for the glue's `parse` (pkg-template/build.mjs `PARSE_GLUE`),
/// exported without wasm-bindgen, which would return the `String` through
/// the stack (the glue moving the stack pointer twice) after shrinking it
/// to its length (a realloc), and convert both ends: 6 functions and
/// 0.8 KB fewer for V8 to compile on a first `parseReply` (-0.04 ms,
/// interleaved) and 38 B less gzipped wasm (bench/NOTES.md).
///
/// Takes the `len` bytes at `ptr` (the text, as UTF-8) and frees them;
/// answers the address of `[address, length, capacity]` of the answer,
/// which the glue reads and frees (`__wbindgen_free(address, capacity, 1)`).
///
/// # Safety
///
/// `ptr` is a block of `len` bytes from `__wbindgen_malloc(len, 1)`
/// holding UTF-8 (`TextEncoder.encodeInto` writes nothing else), not used
/// by the caller after this call.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub unsafe extern "C" fn parse_record(ptr: *mut u8, len: usize, has_secret: u32) -> *const [usize; 3] {
    // SAFETY: the caller's promise; dropping the String frees the block.
    let text = unsafe { String::from_raw_parts(ptr, len, len) };
    let mut answer = core::mem::ManuallyDrop::new(parse(&text, has_secret != 0));
    drop(text);
    let record = RECORD.0.get();
    // SAFETY: single-threaded; the glue reads the record before it calls anything else.
    unsafe { *record = [answer.as_mut_ptr() as usize, answer.len(), answer.capacity()] };
    record
}

/// What `parse` answers: the reply, its message and the redacted body.
struct Parsed {
    reply: crate::Reply,
    message: String,
    raw: String,
}

impl Parsed {
    /// Every value with its key, in the record's order.
    fn values(&self, put: &mut dyn FnMut(Key, &str)) {
        put(Key::Message, &self.message);
        put(Key::Raw, &self.raw);
        reply_fields(&self.reply, put);
    }

    /// As JSON, for a value holding a NUL (the record's separator). Never
    /// inlined (build.mjs `NOT_INLINED`): such replies are rare, so a
    /// first parse does not compile the JSON writer.
    #[inline(never)]
    fn json(&self) -> String {
        let mut obj = Json::object().bool("ok", self.reply.is_success());
        self.values(&mut |key, value| obj.put_str(key.name(), value));
        obj.end()
    }
}

/// A record key's letter: `KEY_LETTERS[key as usize]`.
const KEY_LETTERS: &str = "abcdefghijklmnop";

/// `redactReply(body, { secret, maxBytes })`: the body without passwords,
/// at most `max_bytes` (default 512; the wrapper refuses anything but a
/// whole number from 0 to 1 MiB with a RangeError).
#[wasm_bindgen(js_name = redactReply)]
pub fn redact_reply(body: &str, secret: &str, has_secret: bool, max_bytes: Option<u32>) -> String {
    let max = max_bytes.map_or(MAX_EXCERPT, |m| (m as usize).min(1 << 20));
    redact(body, has_secret.then_some(secret), max)
}

/// How the JavaScript fetch ended (`conclude`'s `transport`).
const RESPONSE: u8 = 0;
const TIMEOUT: u8 = 1;
#[allow(dead_code)]
const NETWORK: u8 = 2;
const ABORTED: u8 = 3;
const NOT_SENT_ABORTED: u8 = 4;
const NOT_SENT_REFUSED: u8 = 5;
const NOT_SENT_INVALID_URL: u8 = 6;
/// A browser's opaque redirect: a 3xx whose status it hides.
const OPAQUE_REDIRECT: u8 = 7;

/// What an attempt came to, as the outcome JSON. The JavaScript client does
/// the fetch and keeps the memory of the calls it may have acted on
/// (`earlier`: that attempt's stage, `""` for none); nothing is kept here
/// between calls, so no failure of one call can affect the next.
/// `proxy_error`: the proxy's code, `""` for none.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn conclude(
    stage: &str,
    call_id: &str,
    transport: u8,
    status: u16,
    body: &str,
    secret: &str,
    has_secret: bool,
    earlier: &str,
    proxy_error: &str,
    retry_after: Option<u32>,
    replayed: bool,
) -> String {
    let stage = Stage::from_wire(stage).unwrap_or(Stage::IngroupTransfer);
    let mut log = TransferLog::new();
    if let Some(earlier) = Stage::from_wire(earlier) {
        // The log remembers a call after an attempt whose outcome is unknown.
        log.conclude(earlier, call_id, Transport::Timeout, None);
    }
    let opaque = transport == OPAQUE_REDIRECT;
    let response = match transport {
        OPAQUE_REDIRECT => Response::new(300, ""),
        _ => Response { status, body, proxy_error: Some(proxy_error).filter(|p| !p.is_empty()), retry_after, replayed },
    };
    let transport = match transport {
        RESPONSE | OPAQUE_REDIRECT => Transport::Response(response),
        TIMEOUT => Transport::Timeout,
        ABORTED => Transport::Aborted,
        NOT_SENT_ABORTED => Transport::NotSent(NotSent::Aborted),
        NOT_SENT_REFUSED => Transport::NotSent(NotSent::Refused),
        NOT_SENT_INVALID_URL => Transport::NotSent(NotSent::InvalidUrl),
        // NETWORK, and anything else.
        _ => Transport::Network,
    };
    let outcome = log.conclude(stage, call_id, transport, has_secret.then_some(secret));
    outcome_json(&if opaque { opaque_redirect(outcome) } else { outcome })
}

/// The core's REDIRECTED outcome without the status a browser hides.
fn opaque_redirect(mut o: Outcome) -> Outcome {
    o.http_status = None;
    o.reply = None;
    o.raw = None;
    o.message = String::from(
        "The endpoint redirected (the browser hides where); redirects are never followed (they would carry the request elsewhere); fix the endpoint URL",
    );
    o
}
