//! One suite for every JavaScript environment: the bindings' conversions
//! and `conclude`, and (feature `client`) the Rust-side `FetchClient` doing
//! real fetches to the replay server (`tests/support/replay-server.mjs`,
//! URL given at compile time in `VX_REPLAY_URL`).

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use vicidial_xfer::wasm::{build, conclude, decode, parse, redact_reply};

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

/// A request's seven fields as the wrapper passes them (`Field::ALL` order).
fn fields(req: &[(&str, &str)]) -> [Option<String>; 7] {
    let names = ["source", "user", "pass", "agentUser", "callId", "ingroup", "status"];
    names.map(|n| req.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
}

fn validate_req(req: &[(&str, &str)], not_strings: u32) -> JsValue {
    let [a, b, c, d, e, f, g] = fields(req);
    js_sys::JSON::parse(&build(a, b, c, d, e, f, g, not_strings, true)).unwrap()
}

fn build_req(req: &[(&str, &str)]) -> JsValue {
    let [a, b, c, d, e, f, g] = fields(req);
    js_sys::JSON::parse(&build(a, b, c, d, e, f, g, 0, false)).unwrap()
}

fn parsed(json: String) -> JsValue {
    js_sys::JSON::parse(&json).unwrap()
}

const REQ: &[(&str, &str)] = &[("agentUser", "1028"), ("callId", "Y0315201639000402027"), ("ingroup", "SALESLINE")];

#[wasm_bindgen_test]
fn validate_transfer_names_each_field_and_code() {
    let issues: Array = validate_req(&[("agentUser", "1028"), ("callId", "Y1."), ("ingroup", "SALESLINE ")], 0).into();
    assert_eq!(issues.length(), 2);
    assert_eq!(text(&issues.get(0), "field"), "callId");
    assert_eq!(text(&issues.get(0), "code"), "INVALID_CHARACTER");
    assert_eq!(get(&issues.get(0), "position").as_f64(), Some(2.0));
    assert_eq!(text(&issues.get(1), "code"), "SURROUNDING_SPACE");
    assert!(text(&issues.get(1), "message").starts_with("ingroup"));
}

#[wasm_bindgen_test]
fn validate_transfer_refuses_numbers_instead_of_converting_them() {
    // Bit 3 = agentUser held a number (the wrapper never converts it).
    let issues: Array = validate_req(&[("callId", "Y1"), ("ingroup", "SALESLINE")], 1 << 3).into();
    assert_eq!(issues.length(), 1);
    assert_eq!(text(&issues.get(0), "field"), "agentUser");
    assert_eq!(text(&issues.get(0), "code"), "NOT_A_STRING");
}

#[wasm_bindgen_test]
fn build_transfer_returns_query_body_and_masked_preview() {
    let mut pairs = REQ.to_vec();
    pairs.extend([("user", "6666"), ("pass", "12+34")]);
    let built = build_req(&pairs);
    assert!(text(&built, "body").contains("pass=12%2B34"));
    assert_eq!(text(&built, "query"), text(&built, "body"));
    assert!(!text(&built, "preview").contains("12"));
}

#[wasm_bindgen_test]
fn build_transfer_returns_issues_for_an_invalid_request() {
    let built = build_req(&[("agentUser", "1028"), ("callId", "Y1"), ("ingroup", "SALES.LINE")]);
    let issues: Array = get(&built, "issues").into();
    assert_eq!(text(&issues.get(0), "field"), "ingroup");
    assert!(get(&built, "body").is_undefined());
}

#[wasm_bindgen_test]
fn json_results_escape_quotes_backslashes_and_control_characters() {
    let r = parsed(parse("ERROR: stage is not valid - a\"b\\c\u{1}d\n", None));
    assert_eq!(text(&r, "stage"), "a\"b\\c\u{1}d");
}

#[wasm_bindgen_test]
fn decode_transfer_round_trips_and_reports_problems() {
    let built = build_req(REQ);
    let decoded = parsed(decode(&text(&built, "body")));
    assert_eq!(get(&decoded, "ok"), JsValue::TRUE);
    assert_eq!(text(&get(&decoded, "request"), "callId"), "Y0315201639000402027");
    let bad = parsed(decode("function=ra_call_control&stage=HANGUP&value=Y1&agent_user=1028&ingroup_choices=AB"));
    assert_eq!(get(&bad, "ok"), JsValue::FALSE);
    assert!(json(&get(&bad, "issues")).contains("UNSUPPORTED_STAGE"));
}

#[wasm_bindgen_test]
fn parse_reply_returns_plain_fields_and_redacts_the_auth_echo() {
    let r = parsed(parse("ERROR: Invalid Username/Password: |6666|Pw9Zx7Qk3|0|1|BAD|0|api|SELECT x where pass='Pw9Zx7Qk3';|\n", None));
    assert_eq!(text(&r, "code"), "INVALID_CREDENTIALS");
    assert_eq!(text(&r, "reason"), "BAD_PASSWORD");
    assert_eq!(get(&r, "ok"), JsValue::FALSE);
    assert!(!json(&r).contains(PASSWORD) && !json(&r).contains("SELECT"));
    let r = parsed(parse("SUCCESS: ra_call_control transfer - 1028|Y1|\n", None));
    assert_eq!((text(&r, "code"), text(&r, "agentUser"), get(&r, "ok")), ("TRANSFERRED".into(), "1028".into(), JsValue::TRUE));
}

#[wasm_bindgen_test]
fn redact_reply_removes_a_known_secret_and_refuses_a_bad_limit() {
    let out = redact_reply(&format!("<pre>debug {PASSWORD} x</pre>"), Some(PASSWORD.into()), None).unwrap();
    assert_eq!(out, "<pre>debug [REDACTED] x</pre>");
    let err = redact_reply("x", None, Some(-1.0)).unwrap_err();
    assert!(err.is_instance_of::<js_sys::RangeError>());
    assert!(redact_reply("x", None, Some(1.5)).is_err());
    assert_eq!(redact_reply("abcdef", None, Some(3.0)).unwrap(), "abc");
}

#[wasm_bindgen_test]
fn conclude_types_a_response_and_redacts_its_raw_text() {
    let o = parsed(conclude("Y1", 200, "SUCCESS: ra_call_control transfer - 1028|Y1|\n", Some(PASSWORD.into()), false));
    assert_eq!((text(&o, "code"), get(&o, "ok"), get(&o, "outcomeUnknown")), ("TRANSFERRED".into(), JsValue::TRUE, JsValue::FALSE));
    assert_eq!(text(&get(&o, "reply"), "callId"), "Y1");
    let o = parsed(conclude("Y1", 200, &format!("<pre>{PASSWORD}</pre>"), Some(PASSWORD.into()), false));
    assert_eq!((text(&o, "code"), get(&o, "outcomeUnknown")), ("UNRECOGNIZED".into(), JsValue::TRUE));
    assert!(!json(&o).contains(PASSWORD), "{}", json(&o));
}

#[wasm_bindgen_test]
fn conclude_flags_no_active_call_after_an_earlier_attempt_only() {
    let body = "ERROR: no active call found - Y1\n";
    let first = parsed(conclude("Y1", 200, body, None, false));
    assert_eq!((text(&first, "code"), get(&first, "likelyAlreadyTransferred")), ("NO_ACTIVE_CALL".into(), JsValue::FALSE));
    let again = parsed(conclude("Y1", 200, body, None, true));
    assert_eq!(get(&again, "likelyAlreadyTransferred"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn conclude_makes_5xx_an_unknown_http_error_and_4xx_a_known_one() {
    let o = parsed(conclude("Y1", 500, "SUCCESS: ra_call_control transfer - 1028|Y1|\n", None, false));
    assert_eq!((text(&o, "code"), get(&o, "ok"), get(&o, "outcomeUnknown")), ("HTTP_ERROR".into(), JsValue::FALSE, JsValue::TRUE));
    assert_eq!(get(&o, "httpStatus").as_f64(), Some(500.0));
    let o = parsed(conclude("Y1", 404, "not found", None, false));
    assert_eq!((text(&o, "code"), get(&o, "outcomeUnknown")), ("HTTP_ERROR".into(), JsValue::FALSE));
}
