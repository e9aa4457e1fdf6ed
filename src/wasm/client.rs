//! `TransferClient`: sends a transfer with gloo-net (the global `fetch`,
//! so it works without `window`: MV3 service workers, Web Workers,
//! workerd, Node) and concludes with the core's [`TransferLog`].

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::convert::{issues_json, opt_string, outcome_json, string_entries, Issue, OwnedDraft};
use super::json::Json;
use crate::client::{Outcome, Response, TransferLog, Transport};
use crate::stage::Stage;
use crate::fields::Field;

/// A client bound to one endpoint (VICIdial's `agc/api.php` with CORS
/// enabled, or a proxy speaking the same wire format).
#[wasm_bindgen]
pub struct TransferClient {
    endpoint: String,
    get: bool,
    headers: Vec<(String, String)>,
    defaults: OwnedDraft,
    log: Rc<RefCell<TransferLog>>,
}

#[wasm_bindgen]
impl TransferClient {
    /// `new TransferClient({ endpoint, method?, headers?, defaults? })`.
    /// The timeout is applied by the JavaScript wrapper through the signal.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<TransferClient, JsValue> {
        let endpoint = opt_string(&options, "endpoint").unwrap_or_default();
        // Relative URLs fail outside pages (Node, workers): require absolute ones.
        if !(endpoint.starts_with("https://") || endpoint.starts_with("http://")) {
            return Err(js_sys::TypeError::new("endpoint must be an absolute http(s) URL").into());
        }
        let get = match opt_string(&options, "method").as_deref() {
            None | Some("POST") => false,
            Some("GET") => true,
            Some(_) => return Err(js_sys::TypeError::new("method must be \"POST\" or \"GET\"").into()),
        };
        let get_prop = |key: &str| js_sys::Reflect::get(&options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let headers = string_entries(&get_prop("headers"))?;
        let defaults = get_prop("defaults");
        let defaults = if defaults.is_undefined() || defaults.is_null() {
            OwnedDraft::default()
        } else {
            OwnedDraft::read(&defaults)?
        };
        Ok(TransferClient { endpoint, get, headers, defaults, log: Rc::new(RefCell::new(TransferLog::new())) })
    }

    /// Sends one transfer (the request's fields as `validate` takes them);
    /// resolves to the outcome as JSON for every failure (never rejects for
    /// one) and never retries.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &self,
        source: Option<String>,
        user: Option<String>,
        pass: Option<String>,
        agent_user: Option<String>,
        call_id: Option<String>,
        ingroup: Option<String>,
        status: Option<String>,
        not_strings: u32,
        signal: Option<AbortSignal>,
    ) -> js_sys::Promise {
        let values = [source, user, pass, agent_user, call_id, ingroup, status];
        let owned = OwnedDraft::new(values, not_strings).or(&self.defaults);
        let issues = owned.issues();
        // `issues` holds the draft's problems (and wrong types): empty means valid.
        if !issues.is_empty() {
            return js_sys::Promise::resolve(&JsValue::from_str(&invalid_outcome(&issues)));
        }
        let req = match owned.draft().validate() {
            Ok(req) => req,
            Err(problems) => {
                let issues: Vec<Issue<'_>> = problems.iter().map(Issue::from_field).collect();
                return js_sys::Promise::resolve(&JsValue::from_str(&invalid_outcome(&issues)));
            }
        };
        let encoded = req.encode();
        let secret = owned.get(Field::Pass).map(String::from);
        let call_id = String::from(req.call_id());
        let builder = if self.get {
            let sep = if self.endpoint.contains('?') { '&' } else { '?' };
            let mut url = self.endpoint.clone();
            url.push(sep);
            url.push_str(&encoded);
            Request::get(&url)
        } else {
            Request::post(&self.endpoint).header("Content-Type", "application/x-www-form-urlencoded")
        };
        let builder = self.headers.iter().fold(builder, |b, (k, v)| b.header(k, v)).abort_signal(signal.as_ref());
        let request = if self.get { builder.build() } else { builder.body(encoded) };
        let log = Rc::clone(&self.log);
        future_to_promise(async move {
            let transport_error;
            let body;
            let status;
            let sent = match request {
                Ok(r) => r.send().await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(resp) => {
                    status = resp.status();
                    match resp.text().await {
                        Ok(text) => {
                            body = text;
                            transport_error = None;
                        }
                        Err(e) => {
                            body = String::new();
                            transport_error = Some(classify(&e));
                        }
                    }
                }
                Err(e) => {
                    status = 0;
                    body = String::new();
                    transport_error = Some(classify(&e));
                }
            }
            let transport = transport_error.unwrap_or(Transport::Response(Response::new(status, &body)));
            let outcome: Outcome =
                log.borrow_mut().conclude(Stage::IngroupTransfer, &call_id, transport, secret.as_deref());
            Ok(JsValue::from_str(&outcome_json(&outcome)))
        })
    }
}

/// Maps a fetch failure: the wrapper aborts with a `TimeoutError` at the
/// deadline and an `AbortError` when the caller's signal fires.
fn classify(e: &gloo_net::Error) -> Transport<'static> {
    match e {
        gloo_net::Error::JsError(js) if js.name == "TimeoutError" => Transport::Timeout,
        gloo_net::Error::JsError(js) if js.name == "AbortError" => Transport::Aborted,
        _ => Transport::Network,
    }
}

fn invalid_outcome(issues: &[Issue<'_>]) -> alloc::string::String {
    Json::object()
        .bool("ok", false)
        .str("code", "INVALID_REQUEST")
        .str("message", "Invalid request: nothing was sent (see issues)")
        .bool("outcomeUnknown", false)
        .bool("likelyAlreadyTransferred", false)
        .raw("issues", &issues_json(issues))
        .end()
}
