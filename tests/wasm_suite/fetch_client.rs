//! `FetchClient` (feature `client`) doing real fetches to the replay server.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use vicidial_xfer::wasm::client::{ClientError, FetchClient};
use vicidial_xfer::{CallControlRequest, Outcome, TransferDraft};

use super::PASSWORD;

const REPLAY: &str = match option_env!("VX_REPLAY_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:18931",
};

fn request(call_id: &str) -> CallControlRequest {
    TransferDraft {
        source: Some("crm"),
        user: Some("6666"),
        pass: Some(PASSWORD),
        agent_user: Some("1028"),
        call_id: Some(call_id),
        ingroup: Some("SALESLINE"),
        status: None,
    }
    .validate()
    .expect("a valid request")
}

fn client(path: &str) -> FetchClient {
    FetchClient::new(&format!("{REPLAY}{path}")).unwrap().timeout_ms(3000)
}

async fn send(c: &FetchClient, call_id: &str) -> Outcome {
    c.send(&request(call_id), None).await
}

/// A call ID of its own per environment run, so runs cannot collide.
fn fresh_call(tag: &str) -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{tag}{n:012}")[..20.min(tag.len() + 12)].to_string()
}

async fn replay_log() -> String {
    let fetch: Function = Reflect::get(&js_sys::global(), &"fetch".into()).unwrap().dyn_into().unwrap();
    let res = JsFuture::from(fetch.call1(&JsValue::UNDEFINED, &format!("{REPLAY}/log").into()).unwrap().dyn_into::<Promise>().unwrap())
        .await
        .unwrap();
    let text: Function = Reflect::get(&res, &"text".into()).unwrap().dyn_into().unwrap();
    JsFuture::from(text.call0(&res).unwrap().dyn_into::<Promise>().unwrap()).await.unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
async fn client_a_recorded_success_is_transferred() {
    let o = send(&client("/reply/success_named_out"), "Y0315201639000402027").await;
    assert!(o.ok, "{o:?}");
    assert_eq!((o.code, o.http_status, o.proxy_code), ("TRANSFERRED", Some(200), None));
}

#[wasm_bindgen_test]
async fn client_each_recorded_error_gets_its_code_without_secrets() {
    for (scenario, code) in [
        ("no_active_call", "NO_ACTIVE_CALL"),
        ("ingroup_inactive", "INGROUP_NOT_VALID"),
        ("agent_not_logged_in", "AGENT_NOT_LOGGED_IN"),
        ("bad_password", "INVALID_CREDENTIALS"),
        ("function_missing", "EMPTY_REPLY"),
    ] {
        let o = send(&client(&format!("/reply/{scenario}")), "Y0315201639000402027").await;
        assert_eq!(o.code, code, "{scenario}: {o:?}");
        assert!(!o.ok && !o.outcome_unknown, "{scenario}");
        let shown = format!("{o:?}");
        assert!(!shown.contains("SELECT") && !shown.contains(&format!("|{PASSWORD}|")), "{scenario}: {shown}");
    }
}

#[wasm_bindgen_test]
async fn client_http_errors_5xx_unknown() {
    let o = send(&client("/reply/13a_strict_success_IN"), "Y1").await;
    assert_eq!((o.code, o.ok, o.outcome_unknown, o.http_status), ("SUCCESS_NOT_COMPLETED", false, true, Some(500)));
    let o = send(&client("/fault/html502"), "Y1").await;
    assert_eq!((o.code, o.http_status), ("HTTP_ERROR", Some(502)));
}

#[wasm_bindgen_test]
async fn client_a_reply_slower_than_the_deadline_is_a_timeout() {
    let o = send(&client("/fault/slow").timeout_ms(300), "Y1").await;
    assert_eq!((o.code, o.outcome_unknown), ("TIMEOUT", true), "{o:?}");
}

#[wasm_bindgen_test]
async fn client_a_reset_is_a_network_error_with_unknown_outcome() {
    let o = send(&client("/fault/reset"), "Y1").await;
    assert_eq!((o.code, o.outcome_unknown), ("NETWORK_ERROR", true), "{o:?}");
}

#[wasm_bindgen_test]
async fn client_redirects_are_refused_not_followed() {
    for status in [301, 302, 307, 308] {
        let marker = fresh_call("R");
        let o = send(&client(&format!("/fault/redirect/{status}")), &marker).await;
        assert_eq!((o.code, o.ok, o.outcome_unknown), ("REDIRECTED", false, false), "{status}: {o:?}");
        // Browsers only see an opaque redirect, without its status.
        assert!(o.http_status.is_none() || o.http_status == Some(status), "{o:?}");
    }
}

#[wasm_bindgen_test]
async fn client_a_huge_reply_is_cut_and_typed() {
    let o = send(&client("/fault/huge"), "Y1").await;
    assert_eq!((o.code, o.outcome_unknown, o.http_status), ("REPLY_TOO_LARGE", true, Some(200)));
    assert!(o.raw.as_deref().is_some_and(|r| r.len() <= 512));
}

#[wasm_bindgen_test]
async fn client_proxy_refusals_are_typed() {
    let o = send(&client("/proxy/refuse/RATE_LIMITED"), "Y1").await;
    assert_eq!((o.code, o.outcome_unknown, o.http_status), ("PROXY_REFUSED", false, Some(429)));
    assert_eq!((o.proxy_code.as_deref(), o.reason.as_deref(), o.retry_after), (Some("RATE_LIMITED"), Some("refused by the test proxy"), Some(7)));
    let o = send(&client("/proxy/refuse/UPSTREAM_TIMEOUT"), "Y1").await;
    assert_eq!((o.code, o.outcome_unknown), ("PROXY_REFUSED", true));
}

#[wasm_bindgen_test]
async fn client_no_active_call_after_a_success_is_likely_already_transferred() {
    let call = fresh_call("Z03152016");
    let c = client("/once");
    let first = send(&c, &call).await;
    assert_eq!(first.code, "TRANSFERRED", "{first:?}");
    let again = send(&c, &call).await;
    assert_eq!((again.code, again.likely_already_transferred), ("NO_ACTIVE_CALL", true));
    let other = send(&client("/once"), &call).await;
    assert!(!other.likely_already_transferred);
}

#[wasm_bindgen_test]
async fn client_hangup_twice_is_likely_already_ended() {
    let call = fresh_call("H03152016");
    let hangup = vicidial_xfer::CallControlDraft { stage: Some("HANGUP"), agent_user: Some("1028"), call_id: Some(&call), ..Default::default() }
        .validate(vicidial_xfer::Target::AnyVersion)
        .unwrap();
    let c = client("/once");
    assert_eq!(c.send(&hangup, None).await.code, "HUNGUP");
    let again = c.send(&hangup, None).await;
    assert_eq!((again.code, again.likely_already_ended, again.stage.wire()), ("NO_ACTIVE_CALL", true, "HANGUP"));
}

#[wasm_bindgen_test]
async fn client_an_abort_with_a_string_reason_is_aborted_and_does_not_trap() {
    let controller = web_sys::AbortController::new().unwrap();
    let pre = web_sys::AbortController::new().unwrap();
    pre.abort();
    let c = client("/fault/slow");
    let o = c.send(&request("Y1"), Some(&pre.signal())).await;
    assert_eq!((o.code, o.outcome_unknown), ("ABORTED", false));
    let signal = controller.signal();
    let abort = Closure::once_into_js(move || controller.abort_with_reason(&JsValue::from_str("a string reason")));
    let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().dyn_into().unwrap();
    set_timeout.call2(&JsValue::UNDEFINED, &abort, &JsValue::from(100)).unwrap();
    let o = c.send(&request("Y1"), Some(&signal)).await;
    assert_eq!((o.code, o.outcome_unknown), ("ABORTED", true), "{o:?}");
    // The same client still works.
    let o = send(&client("/reply/success_named_out"), "Y1").await;
    assert_eq!(o.code, "TRANSFERRED");
}

#[wasm_bindgen_test]
async fn client_post_keeps_the_password_out_of_the_url_and_get_sends_the_query() {
    let marker = fresh_call("P");
    let o = send(&client("/reply/bad_password"), &marker).await;
    assert!(!format!("{o:?}").contains(PASSWORD));
    let get = FetchClient::new(&format!("{REPLAY}/reply/success_named_out")).unwrap().get();
    assert_eq!(send(&get, "Y1").await.code, "TRANSFERRED");
    let seen = replay_log().await;
    let mine: Vec<&str> = seen.split("},{").filter(|r| r.contains(&marker)).collect();
    assert!(!mine.is_empty(), "the request reached the server");
    for r in mine {
        let url = r.split("\"url\":\"").nth(1).unwrap_or("").split('"').next().unwrap_or("");
        assert!(!url.contains(PASSWORD), "password in URL: {url}");
        assert!(r.contains("pass=Pw9Zx7Qk3"), "password in the POST body");
    }
}

#[wasm_bindgen_test]
fn client_headers_and_endpoint_are_checked_at_construction() {
    let c = || FetchClient::new("https://proxy.example/agc/api.php").unwrap();
    assert!(matches!(FetchClient::new("/agc/api.php"), Err(ClientError::Endpoint)));
    assert!(matches!(FetchClient::new("https://u:p@x/agc/api.php"), Err(ClientError::Endpoint)));
    assert!(matches!(c().header("X Trace", "a"), Err(ClientError::HeaderName(_))));
    assert!(matches!(c().header("Content-Length", "1"), Err(ClientError::ReservedHeader(_))));
    assert!(matches!(c().header("X-A", "a").unwrap().header("x-a", "b"), Err(ClientError::DuplicateHeader(_))));
    let e = c().header("Authorization", &format!("Bearer {PASSWORD}\u{e9}")).err().unwrap();
    assert_eq!(e, ClientError::HeaderValue("Authorization".into(), 16));
    assert!(!e.to_string().contains(PASSWORD));
    assert!(matches!(c().header("X-A", " a"), Err(ClientError::HeaderWhitespace(_))));
    assert!(c().header("Authorization", "Bearer t0k3n").is_ok());
}
