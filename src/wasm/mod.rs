//! The wasm-bindgen layer: converts JavaScript values and calls the core.
//! The npm package's hand-written wrapper exposes these under the same names.

mod client;
mod convert;

pub use client::TransferClient;

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::decode::decode_transfer;
use crate::redact::redact;
use crate::reply::{parse_reply, Reply, MAX_EXCERPT};
use crate::request::TransferRequest;
use convert::{opt_string, to_js, validation_error, Issue, OwnedDraft};


/// `validateTransfer(req)`: every problem, `[]` when valid.
#[wasm_bindgen(js_name = validateTransfer)]
pub fn validate_transfer(request: JsValue) -> Result<JsValue, JsValue> {
    let draft = OwnedDraft::read(&request)?;
    Ok(to_js(&draft.issues()))
}

#[derive(Serialize)]
struct Built {
    query: String,
    body: String,
    preview: String,
}

/// `buildTransfer(req)`: `{ query, body, preview }`, or throws an `Error`
/// whose `issues` lists the problems.
#[wasm_bindgen(js_name = buildTransfer)]
pub fn build_transfer(request: JsValue) -> Result<JsValue, JsValue> {
    let owned = OwnedDraft::read(&request)?;
    let req = valid(&owned)?;
    let body = req.encode();
    Ok(to_js(&Built { query: body.clone(), body, preview: req.encode_masked() }))
}

pub(crate) fn valid(owned: &OwnedDraft) -> Result<TransferRequest, JsValue> {
    let issues = owned.issues();
    if !issues.is_empty() {
        return Err(validation_error(&issues));
    }
    owned.draft().validate().map_err(|_| validation_error(&issues))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Decoded<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<DecodedRequest<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issues: Option<Vec<Issue<'a>>>,
}

/// The decoded request as JavaScript sees it; unlike the core's serde
/// form, it carries the real password (a proxy must forward it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DecodedRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pass: Option<&'a str>,
    agent_user: &'a str,
    call_id: &'a str,
    ingroup: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
}

/// `decodeTransfer(encoded)`: `{ ok: true, request }` or `{ ok: false, issues }`.
#[wasm_bindgen(js_name = decodeTransfer)]
pub fn decode_transfer_js(encoded: &str) -> JsValue {
    match decode_transfer(encoded) {
        Ok(r) => to_js(&Decoded {
            ok: true,
            request: Some(DecodedRequest {
                source: r.source.as_ref().map(|v| v.as_str()),
                user: r.user.as_ref().map(|v| v.as_str()),
                pass: r.pass.as_ref().map(|v| v.expose()),
                agent_user: r.agent_user.as_str(),
                call_id: r.call_id.as_str(),
                ingroup: r.ingroup.as_str(),
                status: r.status.as_ref().map(|v| v.as_str()),
            }),
            issues: None,
        }),
        Err(errors) => to_js(&Decoded { ok: false, request: None, issues: Some(errors.iter().map(Issue::from_decode).collect()) }),
    }
}

#[derive(Serialize)]
struct Parsed<'a> {
    ok: bool,
    message: String,
    raw: String,
    #[serde(flatten)]
    reply: &'a Reply,
}

/// `parseReply(body, { secret })`: `{ ok, code, message, raw, ...fields }`.
#[wasm_bindgen(js_name = parseReply)]
pub fn parse_reply_js(body: &str, options: JsValue) -> JsValue {
    let secret = opt_string(&options, "secret");
    let secret = secret.as_deref();
    let reply = parse_reply(body).without_secret(secret);
    to_js(&Parsed { ok: reply.is_success(), message: reply.message(), raw: redact(body, secret, MAX_EXCERPT), reply: &reply })
}

/// `redactReply(body, { secret, maxBytes })`: the body without passwords.
#[wasm_bindgen(js_name = redactReply)]
pub fn redact_reply_js(body: &str, options: JsValue) -> String {
    let secret = opt_string(&options, "secret");
    let max = if options.is_object() {
        js_sys::Reflect::get(&options, &JsValue::from_str("maxBytes")).ok().and_then(|v| v.as_f64())
    } else {
        None
    };
    let max = match max {
        Some(m) if m >= 0.0 && m <= 1_048_576.0 => m as usize,
        _ => MAX_EXCERPT,
    };
    redact(body, secret.as_deref(), max)
}
