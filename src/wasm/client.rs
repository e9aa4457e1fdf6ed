//! [`FetchClient`]: sends validated requests from Rust compiled to wasm
//! (Leptos, Yew or plain wasm-bindgen web apps) with gloo-net over the
//! global `fetch`, so it works in pages, Web Workers and MV3 service
//! workers alike. Its outcomes follow the npm package's `TransferClient`:
//!
//! - redirects are never followed (`redirect: "manual"`): any 3xx, or the
//!   opaque redirect a browser reports, is `REDIRECT`, outcome unknown;
//! - the reply is read up to [`MAX_REPLY_BYTES`], then cut: `REPLY_TOO_LARGE`,
//!   outcome unknown;
//! - a proxy refusal (`X-Proxy-Error`) is `PROXY_REFUSED` with the proxy's
//!   code ([`Sent::proxy_refusal`]); outcome unknown only for the codes where
//!   the upstream may have acted;
//! - `TIMEOUT`, `ABORTED` and `NETWORK_ERROR` are outcome unknown, except an
//!   abort before sending. Browsers report a refused connection as any other
//!   network failure, so it cannot be told apart here.
//!
//! ```no_run
//! # async fn demo(request: vicidial_xfer::TransferRequest) -> Result<(), vicidial_xfer::wasm::client::ClientError> {
//! use vicidial_xfer::wasm::client::FetchClient;
//! let client = FetchClient::new("https://proxy.example.com/agc/api.php")?
//!     .header("Authorization", "Bearer <token>")?
//!     .timeout_ms(10_000);
//! let sent = client.transfer(&request, None).await;
//! if sent.outcome.outcome_unknown { /* do not retry: check the call */ }
//! # Ok(()) }
//! ```

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;

use gloo_net::http::{Request, Response};
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader, RequestRedirect, ResponseType};

use crate::client::{Outcome, TransferLog, Transport};
use crate::redact::redact;
use crate::reply::MAX_EXCERPT;
use crate::request::TransferRequest;

/// Replies are read up to this many bytes (as the proxy does).
pub const MAX_REPLY_BYTES: usize = 256 * 1024;
const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Proxy codes for which the upstream may have acted.
const UPSTREAM_FAULTS: [&str; 6] = [
    "UPSTREAM_TIMEOUT",
    "UPSTREAM_BODY_TIMEOUT",
    "UPSTREAM_CONNECTION_FAILED",
    "UPSTREAM_HTTP_ERROR",
    "UPSTREAM_SERVER_ERROR",
    "UPSTREAM_REPLY_TOO_LARGE",
];
/// Headers the runtime sets itself or browsers silently drop, and Content-Type.
const RESERVED_HEADERS: [&str; 22] = [
    "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
    "connection", "content-length", "content-type", "cookie", "cookie2", "date", "dnt", "expect", "host",
    "keep-alive", "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
];

/// Why a [`FetchClient`] could not be configured. Never holds a header's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The endpoint is not an absolute `http(s)://` URL without user info or fragment.
    Endpoint,
    /// Not a valid HTTP header name.
    HeaderName(String),
    /// The value has a character that is not printable ASCII (or tab) at this index.
    HeaderValue(String, usize),
    /// Leading or trailing whitespace, which fetch would silently remove.
    HeaderWhitespace(String),
    /// A header the runtime sets itself or browsers silently drop.
    ReservedHeader(String),
    /// The same header twice (names are case-insensitive).
    DuplicateHeader(String),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Endpoint => f.write_str("endpoint must be an absolute http(s) URL without user info or #fragment"),
            ClientError::HeaderName(n) => write!(f, "header name {n:?} is not a valid HTTP header name"),
            ClientError::HeaderValue(n, i) => write!(f, "header {n}: its value has a character that is not printable ASCII at position {i}"),
            ClientError::HeaderWhitespace(n) => write!(f, "header {n}: its value has leading or trailing whitespace"),
            ClientError::ReservedHeader(n) => write!(f, "header {n} cannot be set: the runtime sets it itself or browsers silently drop it"),
            ClientError::DuplicateHeader(n) => write!(f, "header {n} is given twice (header names are case-insensitive)"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ClientError {}

/// A proxy's refusal (`ERROR: proxy <CODE> - <detail>` with `X-Proxy-Error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyRefusal {
    /// The proxy's code (`RATE_LIMITED`, `UPSTREAM_TIMEOUT`, ...).
    pub code: String,
    /// The detail after the dash, redacted.
    pub reason: String,
    /// `Retry-After`, in seconds, when the proxy sent one.
    pub retry_after: Option<u32>,
}

/// What one send came to: the outcome, and the proxy's refusal when its code is `PROXY_REFUSED`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The outcome (the core's [`Outcome`], plus the transport codes of this module).
    pub outcome: Outcome,
    /// Set when `outcome.code` is `PROXY_REFUSED`.
    pub proxy_refusal: Option<ProxyRefusal>,
}

/// A client bound to one endpoint (VICIdial's `agc/api.php` with CORS, or the proxy).
pub struct FetchClient {
    endpoint: String,
    get: bool,
    headers: Vec<(String, String)>,
    timeout_ms: u32,
    log: RefCell<TransferLog>,
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl FetchClient {
    /// A client POSTing to `endpoint` (absolute `http(s)://`).
    pub fn new(endpoint: &str) -> Result<FetchClient, ClientError> {
        let rest = endpoint.strip_prefix("https://").or_else(|| endpoint.strip_prefix("http://")).ok_or(ClientError::Endpoint)?;
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        let bad = authority.is_empty() || authority.contains('@') || endpoint.contains('#');
        if bad || endpoint.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(ClientError::Endpoint);
        }
        Ok(FetchClient {
            endpoint: String::from(endpoint),
            get: false,
            headers: Vec::new(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            log: RefCell::new(TransferLog::new()),
        })
    }

    /// Sends the encoding as a GET query instead of a POST body (the password then is in the URL).
    pub fn get(mut self) -> FetchClient {
        self.get = true;
        self
    }

    /// The deadline for the whole exchange, reply body included (default 15000).
    pub fn timeout_ms(mut self, ms: u32) -> FetchClient {
        self.timeout_ms = ms.max(1);
        self
    }

    /// Adds a request header, checked now so that no send can fail on it.
    pub fn header(mut self, name: &str, value: &str) -> Result<FetchClient, ClientError> {
        if name.is_empty() || !name.bytes().all(is_token_char) {
            return Err(ClientError::HeaderName(name.chars().take(64).collect()));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-") {
            return Err(ClientError::ReservedHeader(String::from(name)));
        }
        if self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(ClientError::DuplicateHeader(String::from(name)));
        }
        if let Some(i) = value.chars().position(|c| c != '\t' && !(' '..='~').contains(&c)) {
            return Err(ClientError::HeaderValue(String::from(name), i));
        }
        if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
            return Err(ClientError::HeaderWhitespace(String::from(name)));
        }
        self.headers.push((String::from(name), String::from(value)));
        Ok(self)
    }

    fn remember_unknown(&self, call_id: &str) {
        // The core's log remembers a call after an outcome-unknown attempt.
        self.log.borrow_mut().conclude(call_id, Transport::Timeout, None);
    }

    /// Sends one transfer. Never retries; every failure is an outcome.
    pub async fn transfer(&self, request: &TransferRequest, signal: Option<&AbortSignal>) -> Sent {
        let call_id = request.call_id.as_str();
        let secret = request.pass.as_ref().map(|p| p.expose());
        let plain = |outcome| Sent { outcome, proxy_refusal: None };
        if signal.is_some_and(AbortSignal::aborted) {
            return plain(transport("ABORTED", "Aborted before sending: nothing was sent", false, None, None));
        }
        let sent = self.exchange(&request.encode(), secret, signal).await;
        let sent = match sent {
            Exchange::Failed(outcome) => plain(outcome),
            Exchange::Refused(refusal, outcome) => Sent { outcome, proxy_refusal: Some(refusal) },
            Exchange::Replied(status, body) => {
                let transport = Transport::Response { status, body: &body };
                return plain(self.log.borrow_mut().conclude(call_id, transport, secret));
            }
        };
        if sent.outcome.outcome_unknown {
            self.remember_unknown(call_id);
        }
        sent
    }

    async fn exchange(&self, encoded: &str, secret: Option<&str>, signal: Option<&AbortSignal>) -> Exchange {
        let Ok(controller) = AbortController::new() else {
            return Exchange::Failed(transport("NETWORK_ERROR", "AbortController is unavailable: nothing was sent", false, None, None));
        };
        // 1 = timed out, 2 = aborted by the caller. Abort reasons reaching
        // gloo-net are always DOMExceptions (a string reason would trap it).
        let why = Rc::new(Cell::new(0u8));
        let on_timeout = {
            let (why, c) = (Rc::clone(&why), controller.clone());
            Closure::<dyn FnMut()>::new(move || {
                if why.get() == 0 {
                    why.set(1);
                }
                c.abort_with_reason(&dom_exception("The request timed out", "TimeoutError"));
            })
        };
        let on_abort = {
            let (why, c) = (Rc::clone(&why), controller.clone());
            Closure::<dyn FnMut()>::new(move || {
                if why.get() == 0 {
                    why.set(2);
                }
                c.abort_with_reason(&dom_exception("The request was aborted", "AbortError"));
            })
        };
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), self.timeout_ms);
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        let result = self.fetch(encoded, &controller.signal(), secret, &why).await;
        clear_timeout(timer);
        if let Some(s) = signal {
            let _ = s.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        result
    }

    async fn fetch(&self, encoded: &str, signal: &AbortSignal, secret: Option<&str>, why: &Cell<u8>) -> Exchange {
        let builder = if self.get {
            let mut url = self.endpoint.clone();
            url.push(if self.endpoint.contains('?') { '&' } else { '?' });
            url.push_str(encoded);
            Request::get(&url)
        } else {
            Request::post(&self.endpoint).header("Content-Type", "application/x-www-form-urlencoded")
        };
        let builder = self.headers.iter().fold(builder, |b, (k, v)| b.header(k, v));
        let builder = builder.redirect(RequestRedirect::Manual).abort_signal(Some(signal));
        let request = if self.get { builder.build() } else { builder.body(String::from(encoded)) };
        let Ok(request) = request else {
            return Exchange::Failed(transport("NOT_CONNECTED", "The runtime refused to build the request: nothing was sent", false, None, None));
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) => return Exchange::Failed(failure(why.get(), None)),
        };
        let status = response.status();
        if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
            let status = (response.type_() != ResponseType::Opaqueredirect).then_some(status);
            return Exchange::Failed(transport(
                "REDIRECT",
                "The endpoint answered with a redirect, which is never followed (it would re-send the request, password included, elsewhere); the server that answered may have acted: do not retry, check the call and the endpoint",
                true,
                status,
                None,
            ));
        }
        let (body, cut) = match read_capped(&response).await {
            Ok(r) => r,
            Err(_) => return Exchange::Failed(failure(why.get(), Some(status))),
        };
        if cut {
            return Exchange::Failed(transport(
                "REPLY_TOO_LARGE",
                "The reply is longer than 262144 bytes and was cut: it is not a VICIdial reply; the server may have acted: do not retry, check the call",
                true,
                Some(status),
                Some(redact(&body, secret, MAX_EXCERPT)),
            ));
        }
        if let Some(code) = response.headers().get("X-Proxy-Error") {
            return proxy_refusal(&response, code.trim(), &body, secret);
        }
        Exchange::Replied(status, body)
    }
}

enum Exchange {
    Failed(Outcome),
    Refused(ProxyRefusal, Outcome),
    Replied(u16, String),
}

fn proxy_refusal(response: &Response, code: &str, body: &str, secret: Option<&str>) -> Exchange {
    let line = body.strip_suffix('\n').unwrap_or(body);
    let reason = line
        .strip_prefix("ERROR: proxy ")
        .and_then(|rest| rest.strip_prefix(code))
        .and_then(|rest| rest.strip_prefix(" - "))
        .unwrap_or(line);
    let reason = redact(reason, secret, MAX_EXCERPT);
    let retry_after = response.headers().get("Retry-After").and_then(|v| v.trim().parse::<u32>().ok());
    let unknown = UPSTREAM_FAULTS.contains(&code);
    let mut message = String::from(if unknown {
        "The proxy refused: the server may have acted; do not retry, check the call ("
    } else {
        "The proxy refused the request ("
    });
    message.push_str(code);
    message.push(')');
    let outcome = transport("PROXY_REFUSED", &message, unknown, Some(response.status()), Some(redact(body, secret, MAX_EXCERPT)));
    Exchange::Refused(ProxyRefusal { code: String::from(code), reason, retry_after }, outcome)
}

fn transport(code: &'static str, message: &str, unknown: bool, status: Option<u16>, raw: Option<String>) -> Outcome {
    Outcome {
        ok: false,
        code,
        message: String::from(message),
        outcome_unknown: unknown,
        likely_already_transferred: false,
        http_status: status,
        reply: None,
        raw,
    }
}

fn failure(why: u8, status: Option<u16>) -> Outcome {
    match why {
        1 => transport("TIMEOUT", "Timed out: the request may or may not have been acted on; do not retry, check the call", true, status, None),
        2 => transport("ABORTED", "Aborted: the request may already have reached the server; do not retry, check the call", true, status, None),
        _ => transport(
            "NETWORK_ERROR",
            "Network error: the request may or may not have reached the server; do not retry, check the call",
            true,
            status,
            None,
        ),
    }
}

/// Reads at most [`MAX_REPLY_BYTES`] of the body (UTF-8, invalid bytes replaced, as `text()`); cancels the rest.
async fn read_capped(response: &Response) -> Result<(String, bool), JsValue> {
    let Some(stream) = response.body() else { return Ok((String::new(), false)) };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))?.as_bool() != Some(false) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))?.unchecked_into();
        let room = MAX_REPLY_BYTES - bytes.len();
        let n = value.length() as usize;
        if n > room {
            bytes.extend(value.subarray(0, room as u32).to_vec());
            let _ = reader.cancel();
            return Ok((String::from_utf8_lossy(&bytes).into_owned(), true));
        }
        bytes.extend(value.to_vec());
    }
    Ok((String::from_utf8_lossy(&bytes).into_owned(), false))
}

fn dom_exception(message: &str, name: &str) -> JsValue {
    web_sys::DomException::new_with_message_and_name(message, name).map(JsValue::from).unwrap_or_else(|e| e)
}

fn global_fn(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?.dyn_into().ok()
}

fn set_timeout(callback: &Function, ms: u32) -> JsValue {
    global_fn("setTimeout")
        .and_then(|f| f.call2(&JsValue::UNDEFINED, callback, &JsValue::from(ms)).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

fn clear_timeout(id: JsValue) {
    if let Some(f) = global_fn("clearTimeout") {
        let _ = f.call1(&JsValue::UNDEFINED, &id);
    }
}
