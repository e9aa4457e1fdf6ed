//! The exports: convert JavaScript arguments, call the core, return
//! results as JSON text.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use crate::decode::decode_transfer;
use crate::redact::redact;
use crate::reply::{parse_reply, MAX_EXCERPT};
use crate::client::{TransferLog, Transport};
use super::convert::{issues_json, outcome_json, reply_json, Issue, OwnedDraft};
use super::json::Json;

/// `buildTransfer(req)` and `validateTransfer(req)`. The request's fields
/// come as the wrapper passes them: `source, user, pass, agentUser, callId,
/// ingroup, status` (strings or undefined) and a bitmask of the fields that
/// held something else. Returns JSON: with `validate_only`, every problem
/// (`[]` when valid); otherwise `{ query, body, preview }`, or `{ issues }`
/// (the wrapper throws an `Error` carrying them).
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn build(
    source: Option<String>,
    user: Option<String>,
    pass: Option<String>,
    agent_user: Option<String>,
    call_id: Option<String>,
    ingroup: Option<String>,
    status: Option<String>,
    not_strings: u32,
    validate_only: bool,
) -> String {
    let owned = OwnedDraft::new([source, user, pass, agent_user, call_id, ingroup, status], not_strings);
    let issues = owned.issues();
    if validate_only {
        return issues_json(&issues);
    }
    // `issues` holds the draft's problems (and wrong types): empty means valid.
    if !issues.is_empty() {
        return Json::object().raw("issues", &issues_json(&issues)).end();
    }
    let req = owned.draft().checked();
    let body = req.encode();
    Json::object().str("query", &body).str("body", &body).str("preview", &req.encode_masked()).end()
}

/// `decodeTransfer(encoded)`: JSON `{ ok: true, request }` or `{ ok: false, issues }`.
#[wasm_bindgen]
pub fn decode(encoded: &str) -> String {
    match decode_transfer(encoded) {
        Ok(r) => {
            // Unlike the core's serde form, this carries the real password:
            // a proxy must forward it (or refuse it).
            let request = Json::object()
                .opt_str("source", r.source.as_ref().map(|v| v.as_str()))
                .opt_str("user", r.user.as_ref().map(|v| v.as_str()))
                .opt_str("pass", r.pass.as_ref().map(|v| v.expose()))
                .str("agentUser", r.agent_user.as_str())
                .str("callId", r.call_id.as_str())
                .str("ingroup", r.ingroup.as_str())
                .opt_str("status", r.status.as_ref().map(|v| v.as_str()))
                .end();
            Json::object().bool("ok", true).raw("request", &request).end()
        }
        Err(errors) => {
            let issues: Vec<Issue<'_>> = errors.iter().map(Issue::from_decode).collect();
            Json::object().bool("ok", false).raw("issues", &issues_json(&issues)).end()
        }
    }
}

/// `parseReply(body, { secret })`: JSON `{ ok, message, raw, code, ...fields }`.
#[wasm_bindgen]
pub fn parse(body: &str, secret: Option<String>) -> String {
    let secret = secret.as_deref();
    let reply = parse_reply(body).without_secret(secret);
    let obj = Json::object()
        .bool("ok", reply.is_success())
        .str("message", &reply.message())
        .str("raw", &redact(body, secret, MAX_EXCERPT));
    reply_json(obj, &reply).end()
}

/// `redactReply(body, { secret, maxBytes })`: the body without passwords,
/// at most `max_bytes` (default 512, at most 1 MiB).
#[wasm_bindgen(js_name = redactReply)]
pub fn redact_reply(body: &str, secret: Option<String>, max_bytes: Option<f64>) -> Result<String, JsValue> {
    let max = match max_bytes {
        None => MAX_EXCERPT,
        Some(m) if (0.0..=1_048_576.0).contains(&m) && m.fract() == 0.0 => m as usize,
        Some(_) => return Err(js_sys::RangeError::new("maxBytes must be a whole number from 0 to 1048576").into()),
    };
    Ok(redact(body, secret.as_deref(), max))
}

/// `conclude(callId, httpStatus, body, secret, earlier)`: what a response
/// to a transfer of `call_id` means, as the outcome JSON (`{ ok, code,
/// message, outcomeUnknown, likelyAlreadyTransferred, httpStatus, reply,
/// raw }`). The JavaScript client does the fetch and keeps the memory of
/// calls it may already have moved (`earlier`); nothing is kept here
/// between calls, so no failure of one call can affect the next.
#[wasm_bindgen]
pub fn conclude(call_id: &str, status: u16, body: &str, secret: Option<String>, earlier: bool) -> String {
    let mut log = TransferLog::new();
    if earlier {
        // The core's log remembers a call after an outcome-unknown attempt.
        log.conclude(call_id, Transport::Timeout, None);
    }
    let outcome = log.conclude(call_id, Transport::Response { status, body }, secret.as_deref());
    outcome_json(&outcome)
}
