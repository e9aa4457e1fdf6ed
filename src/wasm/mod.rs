//! The wasm-bindgen layer: converts JavaScript values and calls the core.
//! The npm package's hand-written wrapper exposes these under the same names.

mod client;
mod convert;
mod out;

pub use client::TransferClient;

use alloc::string::String;

use wasm_bindgen::prelude::*;

use crate::decode::decode_transfer;
use crate::redact::redact;
use crate::reply::{parse_reply, MAX_EXCERPT};
use crate::request::TransferRequest;
use convert::{issues_js, opt_string, validation_error, Issue, OwnedDraft};
use out::Obj;


/// `validateTransfer(req)`: every problem, `[]` when valid.
#[wasm_bindgen(js_name = validateTransfer)]
pub fn validate_transfer(request: JsValue) -> Result<JsValue, JsValue> {
    let draft = OwnedDraft::read(&request)?;
    Ok(issues_js(&draft.issues()))
}

/// `buildTransfer(req)`: `{ query, body, preview }`, or throws an `Error`
/// whose `issues` lists the problems.
#[wasm_bindgen(js_name = buildTransfer)]
pub fn build_transfer(request: JsValue) -> Result<JsValue, JsValue> {
    let owned = OwnedDraft::read(&request)?;
    let req = valid(&owned)?;
    let body = req.encode();
    Ok(Obj::new().str("query", &body).str("body", &body).str("preview", &req.encode_masked()).js())
}

pub(crate) fn valid(owned: &OwnedDraft) -> Result<TransferRequest, JsValue> {
    let issues = owned.issues();
    if !issues.is_empty() {
        return Err(validation_error(&issues));
    }
    owned.draft().validate().map_err(|_| validation_error(&issues))
}

/// `decodeTransfer(encoded)`: `{ ok: true, request }` or `{ ok: false, issues }`.
#[wasm_bindgen(js_name = decodeTransfer)]
pub fn decode_transfer_js(encoded: &str) -> JsValue {
    match decode_transfer(encoded) {
        Ok(r) => {
            // Unlike the core's serde form, this carries the real password:
            // a proxy must forward it (or refuse it).
            let request = Obj::new()
                .opt_str("source", r.source.as_ref().map(|v| v.as_str()))
                .opt_str("user", r.user.as_ref().map(|v| v.as_str()))
                .opt_str("pass", r.pass.as_ref().map(|v| v.expose()))
                .str("agentUser", r.agent_user.as_str())
                .str("callId", r.call_id.as_str())
                .str("ingroup", r.ingroup.as_str())
                .opt_str("status", r.status.as_ref().map(|v| v.as_str()));
            Obj::new().bool("ok", true).val("request", &request.js()).js()
        }
        Err(errors) => {
            let issues: alloc::vec::Vec<Issue<'_>> = errors.iter().map(Issue::from_decode).collect();
            Obj::new().bool("ok", false).val("issues", &issues_js(&issues)).js()
        }
    }
}

/// `parseReply(body, { secret })`: `{ ok, code, message, raw, ...fields }`.
#[wasm_bindgen(js_name = parseReply)]
pub fn parse_reply_js(body: &str, options: JsValue) -> JsValue {
    let secret = opt_string(&options, "secret");
    let secret = secret.as_deref();
    let reply = parse_reply(body).without_secret(secret);
    let obj = Obj::new()
        .bool("ok", reply.is_success())
        .str("message", &reply.message())
        .str("raw", &redact(body, secret, MAX_EXCERPT));
    out::reply(obj, &reply).js()
}

/// `redactReply(body, { secret, maxBytes })`: the body without passwords,
/// at most `maxBytes` (default 512, at most 1 MiB).
#[wasm_bindgen(js_name = redactReply)]
pub fn redact_reply_js(body: &str, options: JsValue) -> Result<String, JsValue> {
    let secret = opt_string(&options, "secret");
    let max = if options.is_object() {
        js_sys::Reflect::get(&options, &JsValue::from_str("maxBytes"))?
    } else {
        JsValue::UNDEFINED
    };
    let max = if max.is_undefined() {
        MAX_EXCERPT
    } else {
        match max.as_f64() {
            Some(m) if (0.0..=1_048_576.0).contains(&m) && m.fract() == 0.0 => m as usize,
            _ => return Err(js_sys::RangeError::new("maxBytes must be a whole number from 0 to 1048576").into()),
        }
    };
    Ok(redact(body, secret.as_deref(), max))
}
