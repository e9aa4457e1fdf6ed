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
//!   code, reason and `Retry-After`; outcome unknown only for the codes where
//!   the upstream may have acted;
//! - `TIMEOUT`, `ABORTED` and `NETWORK_ERROR` are outcome unknown, except an
//!   abort before sending. Browsers report a refused connection as any other
//!   network failure, so it cannot be told apart here.
//!
//! Every outcome but REPLY_TOO_LARGE and an opaque redirect's comes from the
//! core's [`TransferLog::conclude`].
//!
//! ```no_run
//! # async fn demo(request: vicidial_xfer::CallControlRequest) -> Result<(), vicidial_xfer::wasm::client::ClientError> {
//! use vicidial_xfer::wasm::client::FetchClient;
//! let client = FetchClient::new("https://proxy.example.com/agc/api.php")?
//!     .header("Authorization", "Bearer <token>")?
//!     .timeout_ms(10_000);
//! let outcome = client.send(&request, None).await;
//! if outcome.outcome_unknown { /* do not retry: check the call */ }
//! # Ok(()) }
//! ```

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;

use gloo_net::http::{Request, Response as HttpResponse};
use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader, RequestRedirect, ResponseType};

use crate::client::{NotSent, Outcome, Response as Reply, TransferLog, Transport};
use crate::redact::redact;
use crate::reply::MAX_EXCERPT;
use crate::request::CallControlRequest;

/// Replies are read up to this many bytes (as the proxy does).
pub const MAX_REPLY_BYTES: usize = 256 * 1024;
const DEFAULT_TIMEOUT_MS: u32 = 15_000;
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

    /// Sends one request (any stage). Never retries; every failure is an outcome.
    pub async fn send(&self, request: &CallControlRequest, signal: Option<&AbortSignal>) -> Outcome {
        let (stage, call_id, secret) = (request.stage(), request.call_id(), request.expose_password());
        let exchange = if signal.is_some_and(AbortSignal::aborted) {
            Exchange::Ended(Transport::NotSent(NotSent::Aborted))
        } else {
            self.exchange(&request.encode(), signal).await
        };
        let mut log = self.log.borrow_mut();
        match exchange {
            Exchange::Ended(t) => log.conclude(stage, call_id, t, secret),
            Exchange::Replied { status, body, proxy_error, retry_after, replayed } => {
                let response = Reply { status, body: &body, proxy_error: proxy_error.as_deref(), retry_after, replayed };
                log.conclude(stage, call_id, Transport::Response(response), secret)
            }
            Exchange::OpaqueRedirect => {
                let mut o = log.conclude(stage, call_id, Transport::Response(Reply::new(300, "")), None);
                o.http_status = None;
                o.reply = None;
                o.raw = None;
                o.message = String::from("The endpoint redirected (the browser hides where); redirects are never followed (they would carry the request elsewhere); fix the endpoint URL");
                o
            }
            Exchange::TooLarge { status, head } => {
                // Remembered as an unknown outcome, as the core would.
                log.conclude(stage, call_id, Transport::Timeout, None);
                Outcome {
                    ok: false,
                    stage,
                    code: "REPLY_TOO_LARGE",
                    message: String::from("The reply is longer than 262144 bytes and was cut: it is not a VICIdial reply; the server may have acted: do not retry, check the call"),
                    outcome_unknown: true,
                    likely_already_transferred: false,
                    likely_already_ended: false,
                    http_status: Some(status),
                    reply: None,
                    raw: Some(redact(&head, secret, MAX_EXCERPT)),
                    proxy_code: None,
                    reason: None,
                    retry_after: None,
                    replayed: false,
                }
            }
        }
    }

    async fn exchange(&self, encoded: &str, signal: Option<&AbortSignal>) -> Exchange {
        let Ok(controller) = AbortController::new() else {
            return Exchange::Ended(Transport::NotSent(NotSent::InvalidUrl));
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
        let result = self.fetch(encoded, &controller.signal(), &why).await;
        clear_timeout(timer);
        if let Some(s) = signal {
            let _ = s.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        result
    }

    async fn fetch(&self, encoded: &str, signal: &AbortSignal, why: &Cell<u8>) -> Exchange {
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
            return Exchange::Ended(Transport::NotSent(NotSent::InvalidUrl));
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(_) => return Exchange::Ended(failure(why.get())),
        };
        if response.type_() == ResponseType::Opaqueredirect {
            return Exchange::OpaqueRedirect;
        }
        let status = response.status();
        let (body, cut) = if (300..400).contains(&status) {
            (String::new(), false)
        } else {
            match read_capped(&response).await {
                Ok(r) => r,
                Err(_) => return Exchange::Ended(failure(why.get())),
            }
        };
        if cut {
            return Exchange::TooLarge { status, head: body };
        }
        let headers = response.headers();
        Exchange::Replied {
            status,
            body,
            proxy_error: headers.get("X-Proxy-Error").map(|v| String::from(v.trim())),
            retry_after: headers.get("Retry-After").and_then(|v| v.trim().parse::<u32>().ok()),
            replayed: headers.get("X-Proxy-Replayed").is_some_and(|v| v.trim() == "true"),
        }
    }
}

enum Exchange {
    Ended(Transport<'static>),
    Replied { status: u16, body: String, proxy_error: Option<String>, retry_after: Option<u32>, replayed: bool },
    OpaqueRedirect,
    TooLarge { status: u16, head: String },
}

fn failure(why: u8) -> Transport<'static> {
    match why {
        1 => Transport::Timeout,
        2 => Transport::Aborted,
        _ => Transport::Network,
    }
}

/// Reads at most [`MAX_REPLY_BYTES`] of the body (UTF-8, invalid bytes replaced, as `text()`); cancels the rest.
async fn read_capped(response: &HttpResponse) -> Result<(String, bool), JsValue> {
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
