//! One suite for every JavaScript environment: the bindings' conversions
//! and `conclude`, and (feature `client`) the Rust-side `FetchClient` doing
//! real fetches to the replay server (`tests/support/replay-server.mjs`,
//! URL given at compile time in `VX_REPLAY_URL`).

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use vicidial_xfer::wasm::{call_control, conclude, decode, parse, redact_reply};

#[cfg(feature = "client")]
mod fetch_client;

const PASSWORD: &str = "Pw9Zx7Qk3";

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn json(v: &JsValue) -> String {
    js_sys::JSON::stringify(v).map(String::from).unwrap_or_default()
}


/// A request given as JSON, in the text the wrapper sends (api.js
/// `requestText`): a field's letter (`a` + its place in `Field::ALL`) or
/// `length:key`, then `=length:value`, or `!` for a value that is not a
/// string; lengths in UTF-16 units.
fn wire(json: &str) -> String {
    let obj: js_sys::Object = js_sys::JSON::parse(json).unwrap().into();
    let mut out = String::new();
    for key in js_sys::Object::keys(&obj).iter() {
        let key = js_sys::JsString::from(key);
        let value = Reflect::get(&obj, &key).unwrap();
        if value.is_null() {
            continue;
        }
        let name = String::from(&key);
        match vicidial_xfer::wasm::FIELD_KEYS.iter().position(|k| *k == name) {
            Some(i) => out.push(char::from(b'a' + i as u8)),
            None => out += &format!("{}:{name}", key.length()),
        }
        match value.dyn_ref::<js_sys::JsString>() {
            Some(v) => out += &format!("={}:{}", v.length(), String::from(v)),
            None => out += "!",
        }
    }
    out
}

/// `callControl` as api.js calls it: the request's text as bytes, the version (`!length:version`) after it, a
/// shorthand's stage as its place in `Stage::ALL` plus one. A valid request, validated only, answers nothing: `[]`.
fn call_control_(req: &str, shorthand: u8, version: Option<&str>, validate_only: bool) -> Option<String> {
    let version = version.map(|v| format!("!{}:{v}", v.encode_utf16().count())).unwrap_or_default();
    call_control((wire(req) + &version).as_bytes(), shorthand, validate_only)
}

fn validate_req(req: &str) -> JsValue {
    parsed(call_control_(req, 1, None, true).unwrap_or_else(|| "[]".into()))
}

fn validated(req: &str, version: Option<&str>) -> JsValue {
    parsed(call_control_(req, 0, version, true).unwrap_or_else(|| "[]".into()))
}

/// A built request comes back as `B` stage `\n` the password's range in the body (`start:end`) `\n` body
/// (not JSON; the preview is the body with that range masked, as api.js makes it), anything else as JSON.
fn build_req(req: &str, version: Option<&str>) -> JsValue {
    let out = call_control_(req, 0, version, false).expect("building always answers");
    let Some(built) = out.strip_prefix('B') else { return js_sys::JSON::parse(&out).unwrap() };
    let parts: Vec<&str> = built.split('\n').collect();
    let [stage, range, body] = parts[..] else { panic!("not three lines: {out:?}") };
    let preview = match range.split_once(':') {
        Some((start, end)) => format!("{}{}{}", &body[..start.parse().unwrap()], vicidial_xfer::request::MASK, &body[end.parse().unwrap()..]),
        None => body.to_string(),
    };
    let preview = preview.as_str();
    let obj = js_sys::Object::new();
    for (k, v) in [("stage", stage), ("query", body), ("body", body), ("preview", preview)] {
        Reflect::set(&obj, &k.into(), &v.into()).unwrap();
    }
    obj.into()
}

fn parsed(json: String) -> JsValue {
    js_sys::JSON::parse(&json).unwrap()
}

/// `parseReply` as api.js calls it (the secret as `count:secret` ahead of the body) and reads its
/// record: `R`, `1` or `0`, then NUL, a key's letter and the value, each.
fn parse_reply(body: &str, secret: Option<&str>) -> JsValue {
    let out = match secret {
        Some(s) => parse(&format!("{}:{s}{body}", s.encode_utf16().count()), true),
        None => parse(body, false),
    };
    let Some(rest) = out.strip_prefix('R') else { return parsed(out) };
    let obj = js_sys::Object::new();
    Reflect::set(&obj, &"ok".into(), &JsValue::from_bool(rest.starts_with('1'))).unwrap();
    for entry in rest[1..].split('\0').skip(1) {
        let key = vicidial_xfer::wasm::RECORD_KEYS[usize::from(entry.as_bytes()[0] - b'a')];
        Reflect::set(&obj, &key.into(), &entry[1..].into()).unwrap();
    }
    obj.into()
}

/// `conclude` as api.js calls it: no earlier attempt or proxy code is `""`.
#[allow(clippy::too_many_arguments)]
fn conclude_(stage: &str, call_id: &str, kind: u8, status: u16, body: &str, secret: Option<&str>, earlier: &str, proxy: &str, retry_after: Option<u32>) -> JsValue {
    parsed(conclude(stage, call_id, kind, status, body, secret.unwrap_or(""), secret.is_some(), earlier, proxy, retry_after, false))
}

const REQ: &str = r#"{"stage":"INGROUPTRANSFER","agentUser":"1028","callId":"Y0315201639000402027","ingroup":"SALESLINE"}"#;

#[wasm_bindgen_test]
fn validate_names_each_field_and_code() {
    let issues: Array = validate_req(r#"{"agentUser":"1028","callId":"Y1.","ingroup":"SALESLINE "}"#).into();
    assert_eq!(issues.length(), 2, "{}", json(&issues));
    assert_eq!(text(&issues.get(0), "field"), "callId");
    assert_eq!(text(&issues.get(0), "code"), "INVALID_CHARACTER");
    assert_eq!(get(&issues.get(0), "position").as_f64(), Some(2.0));
    assert_eq!(text(&issues.get(1), "code"), "SURROUNDING_SPACE");
    assert!(text(&issues.get(1), "message").starts_with("In-group"));
}

#[wasm_bindgen_test]
fn validate_refuses_non_strings_and_unknown_keys_by_name() {
    let issues: Array = validate_req(r#"{"agentUser":1028,"callId":"Y1","ingroup":"SALESLINE","callID":"x"}"#).into();
    let got: Vec<String> = issues.iter().map(|i| format!("{}:{}", text(&i, "field"), text(&i, "code"))).collect();
    assert_eq!(got, ["callID:UNKNOWN_FIELD", "agentUser:NOT_A_STRING"]);
}

#[wasm_bindgen_test]
fn a_server_version_selects_its_rules_and_a_bad_one_is_an_error() {
    let req = r#"{"stage":"HANGUP","agentUser":"ra-1028","callId":"Y1"}"#;
    let any: Array = validated(req, None).into();
    assert_eq!(text(&any.get(0), "code"), "NEEDS_NEWER_VERSION");
    let v82: Array = validated(req, Some("2.14-82")).into();
    assert_eq!(v82.length(), 0);
    let bad = validated(req, Some("2.4-20"));
    assert_eq!(text(&get(&bad, "versionError"), "code"), "VERSION_TOO_OLD");
}

#[wasm_bindgen_test]
fn build_returns_stage_query_body_and_masked_preview() {
    let req = r#"{"stage":"INGROUPTRANSFER","source":"crm","user":"6666","pass":"12+34","agentUser":"1028","callId":"Y1","ingroup":"SALESLINE"}"#;
    let built = build_req(req, Some("2.14-82"));
    assert!(text(&built, "body").contains("pass=12%2B34"), "{}", json(&built));
    assert_eq!(text(&built, "stage"), "INGROUPTRANSFER");
    assert_eq!(text(&built, "preview"), text(&built, "body").replace("12%2B34", "********"));
}

#[wasm_bindgen_test]
fn build_returns_issues_for_an_invalid_request() {
    let built = build_req(r#"{"stage":"INGROUPTRANSFER","agentUser":"1028","callId":"Y1","ingroup":"SALES.LINE"}"#, None);
    let issues: Array = get(&built, "issues").into();
    assert_eq!(text(&issues.get(0), "field"), "ingroup");
    assert!(get(&built, "body").is_undefined());
}

#[wasm_bindgen_test]
fn replies_keep_quotes_backslashes_control_characters_and_nuls() {
    let r = parse_reply("ERROR: stage is not valid - a\"b\\c\u{1}d\n", None);
    assert_eq!(text(&r, "stage"), "a\"b\\c\u{1}d");
    // A NUL in a value: the answer is JSON, still every character.
    let r = parse_reply("ERROR: stage is not valid - a\0b\n", None);
    assert_eq!((text(&r, "stage"), text(&r, "code")), ("a\0b".into(), "STAGE_NOT_VALID".into()));
}

#[wasm_bindgen_test]
fn decode_round_trips_and_reports_problems() {
    let built = build_req(REQ, None);
    let decoded = parsed(decode(&text(&built, "body"), "", false, ""));
    assert_eq!(get(&decoded, "ok"), JsValue::TRUE);
    assert_eq!(text(&get(&decoded, "request"), "callId"), "Y0315201639000402027");
    let hangup = "function=ra_call_control&stage=HANGUP&value=Y1&agent_user=1028";
    assert_eq!(text(&get(&parsed(decode(hangup, "", false, "")), "request"), "stage"), "HANGUP");
    let bad = parsed(decode(hangup, "", false, "INGROUPTRANSFER"));
    assert_eq!(get(&bad, "ok"), JsValue::FALSE);
    assert!(json(&get(&bad, "issues")).contains("UNSUPPORTED_STAGE"));
}

#[wasm_bindgen_test]
fn parse_reply_returns_plain_fields_and_redacts_the_auth_echo() {
    let r = parse_reply("ERROR: Invalid Username/Password: |6666|Pw9Zx7Qk3|0|1|BAD|0|api|SELECT x where pass='Pw9Zx7Qk3';|\n", None);
    assert_eq!(text(&r, "code"), "INVALID_CREDENTIALS");
    assert_eq!(text(&r, "reason"), "BAD_PASSWORD");
    assert_eq!(get(&r, "ok"), JsValue::FALSE);
    assert!(!json(&r).contains(PASSWORD) && !json(&r).contains("SELECT"));
    let r = parse_reply("SUCCESS: ra_call_control transfer - 1028|Y1|\n", None);
    assert_eq!((text(&r, "code"), text(&r, "agentUser"), get(&r, "ok")), ("TRANSFERRED".into(), "1028".into(), JsValue::TRUE));
}

#[wasm_bindgen_test]
fn redact_reply_removes_a_known_secret_and_keeps_at_most_max_bytes() {
    let out = redact_reply(&format!("<pre>debug {PASSWORD} x</pre>"), PASSWORD, true, None);
    assert_eq!(out, "<pre>debug [REDACTED] x</pre>");
    assert_eq!(redact_reply("abcdef", "", false, Some(3)), "abc");
}

#[wasm_bindgen_test]
fn conclude_types_a_response_and_redacts_its_raw_text() {
    let o = conclude_("INGROUPTRANSFER", "Y1", 0, 200, "SUCCESS: ra_call_control transfer - 1028|Y1|\n", Some(PASSWORD), "", "", None);
    assert_eq!((text(&o, "code"), get(&o, "ok"), get(&o, "outcomeUnknown")), ("TRANSFERRED".into(), JsValue::TRUE, JsValue::FALSE));
    assert_eq!(text(&get(&o, "reply"), "callId"), "Y1");
    let o = conclude_("INGROUPTRANSFER", "Y1", 0, 200, &format!("<pre>{PASSWORD}</pre>"), Some(PASSWORD), "", "", None);
    assert_eq!((text(&o, "code"), get(&o, "outcomeUnknown")), ("UNRECOGNIZED".into(), JsValue::TRUE));
    assert!(!json(&o).contains(PASSWORD), "{}", json(&o));
}

#[wasm_bindgen_test]
fn conclude_flags_no_active_call_after_an_earlier_attempt_only() {
    let body = "ERROR: no active call found - Y1\n";
    let first = conclude_("HANGUP", "Y1", 0, 200, body, None, "", "", None);
    assert_eq!((text(&first, "code"), get(&first, "likelyAlreadyTransferred")), ("NO_ACTIVE_CALL".into(), JsValue::FALSE));
    let again = conclude_("INGROUPTRANSFER", "Y1", 0, 200, body, None, "INGROUPTRANSFER", "", None);
    assert_eq!(get(&again, "likelyAlreadyTransferred"), JsValue::TRUE);
    let ended = conclude_("HANGUP", "Y1", 0, 200, body, None, "HANGUP", "", None);
    assert_eq!((get(&ended, "likelyAlreadyEnded"), get(&ended, "likelyAlreadyTransferred")), (JsValue::TRUE, JsValue::FALSE));
}

#[wasm_bindgen_test]
fn conclude_makes_5xx_an_unknown_http_error_and_4xx_a_known_one() {
    let o = conclude_("INGROUPTRANSFER", "Y1", 0, 500, "SUCCESS: ra_call_control transfer - 1028|Y1|\n", None, "", "", None);
    assert_eq!((text(&o, "code"), get(&o, "ok"), get(&o, "outcomeUnknown")), ("SUCCESS_NOT_COMPLETED".into(), JsValue::FALSE, JsValue::TRUE));
    assert_eq!(get(&o, "httpStatus").as_f64(), Some(500.0));
    let o = conclude_("INGROUPTRANSFER", "Y1", 0, 404, "not found", None, "", "", None);
    assert_eq!((text(&o, "code"), get(&o, "outcomeUnknown")), ("HTTP_ERROR".into(), JsValue::FALSE));
}

#[wasm_bindgen_test]
fn conclude_types_transport_failures_proxy_refusals_and_opaque_redirects() {
    let kind = |k: u8| conclude_("HANGUP", "Y1", k, 0, "", None, "", "", None);
    for (k, code, unknown) in [(1, "TIMEOUT", true), (2, "NETWORK_ERROR", true), (3, "ABORTED", true), (4, "ABORTED", false), (5, "NETWORK_ERROR", false), (6, "NETWORK_ERROR", false), (7, "REDIRECTED", false)] {
        let o = kind(k);
        assert_eq!((text(&o, "code"), get(&o, "outcomeUnknown").as_bool()), (code.to_string(), Some(unknown)), "{k}: {}", json(&o));
        assert_eq!(text(&o, "stage"), "HANGUP");
    }
    assert!(get(&kind(7), "httpStatus").is_undefined());
    let o = conclude_("INGROUPTRANSFER", "Y1", 0, 429, "ERROR: proxy RATE_LIMITED - slow down\n", None, "", "RATE_LIMITED", Some(7));
    assert_eq!((text(&o, "code"), text(&o, "proxyCode"), get(&o, "retryAfter").as_f64()), ("PROXY_REFUSED".into(), "RATE_LIMITED".into(), Some(7.0)));
}
