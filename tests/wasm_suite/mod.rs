//! One suite for every JavaScript environment: the bindings' conversions,
//! and `TransferClient` doing real fetches to the replay server
//! (`tests/support/replay-server.mjs`, URL given at compile time in
//! `VX_REPLAY_URL`).

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use vicidial_xfer::wasm::{build, decode, parse, redact_reply, TransferClient};

const REPLAY: &str = match option_env!("VX_REPLAY_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:18931",
};
const PASSWORD: &str = "Pw9Zx7Qk3";

fn obj(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

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

async fn transfer(client: &TransferClient, req: &[(&str, &str)], signal: Option<web_sys::AbortSignal>) -> JsValue {
    let [a, b, c, d, e, f, g] = fields(req);
    let p: Promise = client.transfer(a, b, c, d, e, f, g, 0, signal);
    let out = JsFuture::from(p).await.unwrap();
    js_sys::JSON::parse(&out.as_string().expect("the outcome is JSON text")).unwrap()
}

fn client(path: &str, method: &str) -> TransferClient {
    let options = obj(&[("endpoint", &format!("{REPLAY}{path}")), ("method", method)]);
    let defaults = obj(&[("source", "crm"), ("user", "6666"), ("pass", PASSWORD)]);
    Reflect::set(&options, &"defaults".into(), &defaults).unwrap();
    TransferClient::new(options).unwrap()
}

async fn outcome_for(scenario: &str) -> JsValue {
    transfer(&client(&format!("/reply/{scenario}"), "POST"), REQ, None).await
}

#[wasm_bindgen_test]
async fn a_recorded_success_is_transferred() {
    let o = outcome_for("success_named_out").await;
    assert_eq!(get(&o, "ok"), JsValue::TRUE, "{}", json(&o));
    assert_eq!(text(&o, "code"), "TRANSFERRED");
    assert_eq!(get(&o, "httpStatus").as_f64(), Some(200.0));
}

#[wasm_bindgen_test]
async fn each_recorded_error_gets_its_code() {
    for (scenario, code) in [
        ("no_active_call", "NO_ACTIVE_CALL"),
        ("ingroup_inactive", "INGROUP_NOT_VALID"),
        ("agent_not_logged_in", "AGENT_NOT_LOGGED_IN"),
        ("api_not_active", "API_NOT_ACTIVE"),
        ("user_function_not_allowed", "PERMISSION_DENIED"),
        ("source_one_char", "INVALID_SOURCE"),
        ("bad_password", "INVALID_CREDENTIALS"),
        ("function_missing", "EMPTY_REPLY"),
        ("12b_warn_ingroup_invalid", "INGROUP_NOT_VALID"),
    ] {
        let o = outcome_for(scenario).await;
        assert_eq!(text(&o, "code"), code, "{scenario}: {}", json(&o));
        assert_eq!(get(&o, "ok"), JsValue::FALSE);
        assert!(!json(&o).contains("SELECT"), "{scenario}");
    }
}

#[wasm_bindgen_test]
async fn a_strict_sql_success_with_http_500_is_an_http_error() {
    let o = outcome_for("13a_strict_success_IN").await;
    assert_eq!((text(&o, "code"), get(&o, "ok")), ("HTTP_ERROR".into(), JsValue::FALSE));
    assert_eq!(get(&o, "outcomeUnknown"), JsValue::TRUE);
    assert_eq!(get(&o, "httpStatus").as_f64(), Some(500.0));
}

#[wasm_bindgen_test]
async fn an_html_502_is_an_http_error() {
    let o = transfer(&client("/fault/html502", "POST"), REQ, None).await;
    assert_eq!(text(&o, "code"), "HTTP_ERROR");
    assert_eq!(get(&o, "httpStatus").as_f64(), Some(502.0));
}

#[wasm_bindgen_test]
async fn a_reply_slower_than_the_deadline_is_a_timeout_with_unknown_outcome() {
    let signal = web_sys::AbortSignal::timeout_with_u32(300);
    let o = transfer(&client("/fault/slow", "POST"), REQ, Some(signal)).await;
    assert_eq!(text(&o, "code"), "TIMEOUT", "{}", json(&o));
    assert_eq!(get(&o, "outcomeUnknown"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn a_connection_reset_is_a_network_error_with_unknown_outcome() {
    let o = transfer(&client("/fault/reset", "POST"), REQ, None).await;
    assert_eq!(text(&o, "code"), "NETWORK_ERROR", "{}", json(&o));
    assert_eq!(get(&o, "outcomeUnknown"), JsValue::TRUE);
}

/// A call ID of its own per environment run, so runs cannot collide.
fn fresh_call(tag: &str) -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{tag}{n:012}")[..20.min(tag.len() + 12)].to_string()
}

#[wasm_bindgen_test]
async fn no_active_call_after_a_success_is_likely_already_transferred() {
    let call = fresh_call("Z03152016");
    let req = [("agentUser", "1028"), ("callId", call.as_str()), ("ingroup", "SALESLINE")];
    let c = client("/once", "POST");
    let first = transfer(&c, &req, None).await;
    assert_eq!(text(&first, "code"), "TRANSFERRED", "{}", json(&first));
    assert_eq!(get(&first, "likelyAlreadyTransferred"), JsValue::FALSE);
    let again = transfer(&c, &req, None).await;
    assert_eq!(text(&again, "code"), "NO_ACTIVE_CALL");
    assert_eq!(get(&again, "likelyAlreadyTransferred"), JsValue::TRUE, "{}", json(&again));
    // Another client never saw the first attempt.
    let other = transfer(&client("/once", "POST"), &req, None).await;
    assert_eq!(get(&other, "likelyAlreadyTransferred"), JsValue::FALSE);
}

#[wasm_bindgen_test]
async fn an_invalid_request_is_not_sent() {
    let o = transfer(&client("/reply/success_named_out", "POST"), &[("agentUser", "1028"), ("callId", "Y1"), ("ingroup", "A")], None).await;
    assert_eq!(text(&o, "code"), "INVALID_REQUEST");
    assert_eq!(get(&o, "outcomeUnknown"), JsValue::FALSE);
}

#[wasm_bindgen_test]
async fn post_keeps_the_password_out_of_the_url_and_outcomes() {
    let marker = "Y0315201639000402099";
    let req = [("agentUser", "1028"), ("callId", marker), ("ingroup", "SALESLINE")];
    let o = transfer(&client("/reply/bad_password", "POST"), &req, None).await;
    assert!(!json(&o).contains(PASSWORD));
    let log = JsFuture::from(js_sys::Reflect::get(&js_sys::global(), &"fetch".into()).unwrap()
        .dyn_into::<js_sys::Function>().unwrap()
        .call1(&JsValue::UNDEFINED, &format!("{REPLAY}/log").into()).unwrap()
        .dyn_into::<Promise>().unwrap()).await.unwrap();
    let body = JsFuture::from(Reflect::get(&log, &"text".into()).unwrap().dyn_into::<js_sys::Function>().unwrap().call0(&log).unwrap().dyn_into::<Promise>().unwrap()).await.unwrap();
    let seen = body.as_string().unwrap();
    let mine: Vec<&str> = seen.split("},{").filter(|r| r.contains(marker)).collect();
    assert!(!mine.is_empty(), "the request reached the server");
    for r in mine {
        let url = r.split("\"url\":\"").nth(1).unwrap_or("").split('"').next().unwrap_or("");
        assert!(!url.contains(PASSWORD), "password in URL: {url}");
        assert!(r.contains("pass=Pw9Zx7Qk3"), "password in the POST body");
    }
}

#[wasm_bindgen_test]
async fn get_sends_the_same_encoding_as_a_query() {
    let o = transfer(&client("/reply/success_named_out", "GET"), REQ, None).await;
    assert_eq!(text(&o, "code"), "TRANSFERRED");
}
