//! What an attempt came to, whatever carried it.
//!
//! No stage is idempotent: on success the server deletes the live call, so
//! the same request again answers `no active call found`. A client must
//! therefore never retry a request that may have reached the server, and
//! must remember which calls it may already have moved or ended: a later
//! NO_ACTIVE_CALL for one of them most likely means the first attempt
//! worked. [`TransferLog`] holds that memory; [`conclude`](TransferLog::conclude)
//! turns a transport result into an [`Outcome`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::redact::redact;
use crate::reply::{parse_reply_with_secret, Reply, MAX_EXCERPT, MAX_FIELD};
use crate::stage::Stage;

/// An HTTP response, as far as the outcome depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The body (as much as was read).
    pub body: &'a str,
    /// The `X-Proxy-Error` header: the vicidial-xfer proxy refused or
    /// could not complete the request.
    pub proxy_error: Option<&'a str>,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<u32>,
    /// `X-Proxy-Replayed: true`: the proxy answered with the reply of an
    /// identical earlier request and sent nothing upstream.
    pub replayed: bool,
}

impl<'a> Response<'a> {
    /// A plain response with no proxy headers.
    pub const fn new(status: u16, body: &'a str) -> Self {
        Response { status, body, proxy_error: None, retry_after: None, replayed: false }
    }
}

/// Why a request was never sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSent {
    /// The signal was already aborted.
    Aborted,
    /// The connection was refused: nothing listened there.
    Refused,
    /// The endpoint is not a usable URL.
    InvalidUrl,
}

/// How the request ended at the transport level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport<'a> {
    /// An HTTP response arrived.
    Response(Response<'a>),
    /// The deadline passed before the whole reply arrived.
    Timeout,
    /// The connection failed after it may have carried the request (reset,
    /// DNS, CORS, ...).
    Network,
    /// The caller aborted the request while it was under way.
    Aborted,
    /// The request never left.
    NotSent(NotSent),
}

/// What an attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Outcome {
    /// True only when the server queued this stage's action: TRANSFERRED
    /// (transfers) or HUNGUP (HANGUP), with HTTP 2xx, and nothing after
    /// the SUCCESS line saying the script died.
    pub ok: bool,
    /// The stage attempted.
    pub stage: Stage,
    /// A reply code (`TRANSFERRED`, `NO_ACTIVE_CALL`, ...) or a transport
    /// code (see [`TRANSPORT_CODES`]).
    pub code: &'static str,
    /// A one-line human message.
    pub message: String,
    /// The request may have reached the server and its effect is unknown:
    /// do NOT retry; check the call's state instead.
    pub outcome_unknown: bool,
    /// A NO_ACTIVE_CALL for a call this client already transferred, or
    /// tried to with an unknown outcome: most likely the call was moved.
    pub likely_already_transferred: bool,
    /// The same after an earlier HANGUP: the call most likely already ended.
    pub likely_already_ended: bool,
    /// The HTTP status, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub http_status: Option<u16>,
    /// The parsed reply, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub reply: Option<Reply>,
    /// The body, redacted and cut to 512 bytes, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub raw: Option<String>,
    /// For PROXY_REFUSED: the proxy's code (`RATE_LIMITED`, `NOT_AGENTS_CALL`, ...).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub proxy_code: Option<String>,
    /// For PROXY_REFUSED: the proxy's detail text.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub reason: Option<String>,
    /// For PROXY_REFUSED: seconds to wait, when the proxy said.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub retry_after: Option<u32>,
    /// The proxy replayed the reply of an identical earlier request.
    pub replayed: bool,
}

/// The codes an [`Outcome`] has besides the reply codes.
pub const TRANSPORT_CODES: [&str; 6] = ["TIMEOUT", "NETWORK_ERROR", "ABORTED", "HTTP_ERROR", "REDIRECTED", "PROXY_REFUSED"];

/// Proxy codes after which the upstream may have acted (the proxy sent the
/// request and lost the answer, or an identical request is under way or
/// ended unknown): the outcome is unknown.
pub const PROXY_CODES_OUTCOME_UNKNOWN: [&str; 9] = [
    "UPSTREAM_TIMEOUT",
    "UPSTREAM_BODY_TIMEOUT",
    "UPSTREAM_CONNECTION_FAILED",
    "UPSTREAM_HTTP_ERROR",
    "UPSTREAM_SERVER_ERROR",
    "UPSTREAM_REPLY_TOO_LARGE",
    "TRANSFER_IN_PROGRESS",
    "OUTCOME_UNKNOWN",
    // The proxy's per-call memory failed mid-action.
    "PROXY_FAILURE",
];

/// How many call IDs a [`TransferLog`] remembers.
pub const LOG_CAPACITY: usize = 64;

/// The calls this client may already have moved or ended (bounded, oldest
/// dropped), with the stage of that attempt.
#[derive(Clone, Debug, Default)]
pub struct TransferLog {
    calls: Vec<(String, Stage)>,
}

impl TransferLog {
    /// An empty log.
    pub const fn new() -> Self {
        TransferLog { calls: Vec::new() }
    }

    /// The stage of an earlier attempt on `call_id` that moved or ended
    /// it, or may have (call IDs compare case-insensitively, as the
    /// database does).
    pub fn earlier(&self, call_id: &str) -> Option<Stage> {
        self.calls.iter().rev().find(|(c, _)| c.eq_ignore_ascii_case(call_id)).map(|(_, s)| *s)
    }

    /// Whether `call_id` may already have been acted on by this client.
    pub fn may_have_moved(&self, call_id: &str) -> bool {
        self.earlier(call_id).is_some()
    }

    fn remember(&mut self, call_id: &str, stage: Stage) {
        if self.may_have_moved(call_id) {
            return;
        }
        if self.calls.len() == LOG_CAPACITY {
            self.calls.remove(0);
        }
        self.calls.push((String::from(call_id), stage));
    }

    /// Classifies the transport result of `stage` on `call_id`, and
    /// remembers the call when the action happened or may have. `secret`
    /// (the password, when this client sent one) is removed from kept text
    /// before anything is cut.
    ///
    /// ```
    /// use vicidial_xfer::client::{Response, TransferLog, Transport};
    /// use vicidial_xfer::Stage;
    /// let mut log = TransferLog::new();
    /// let first = log.conclude(Stage::IngroupTransfer, "Y1", Transport::Timeout, None);
    /// assert!(first.outcome_unknown);
    /// let body = "ERROR: no active call found - Y1\n";
    /// let again = log.conclude(Stage::IngroupTransfer, "Y1", Transport::Response(Response::new(200, body)), None);
    /// assert_eq!(again.code, "NO_ACTIVE_CALL");
    /// assert!(again.likely_already_transferred);
    /// ```
    pub fn conclude(&mut self, stage: Stage, call_id: &str, transport: Transport<'_>, secret: Option<&str>) -> Outcome {
        let outcome = match transport {
            Transport::Response(r) => self.response_outcome(stage, call_id, r, secret),
            Transport::Timeout => transport_outcome(
                stage,
                "TIMEOUT",
                "Timed out: the action may or may not have happened; do not retry, check the call",
                true,
            ),
            Transport::Network => transport_outcome(
                stage,
                "NETWORK_ERROR",
                "Network error: the request may or may not have reached the server; do not retry, check the call",
                true,
            ),
            Transport::Aborted => transport_outcome(
                stage,
                "ABORTED",
                "Aborted: the request may already have reached the server; do not retry, check the call",
                true,
            ),
            Transport::NotSent(NotSent::Aborted) => {
                transport_outcome(stage, "ABORTED", "Aborted before sending: nothing was sent", false)
            }
            Transport::NotSent(NotSent::Refused) => transport_outcome(
                stage,
                "NETWORK_ERROR",
                "Connection refused: nothing was sent (is the endpoint right and the server up?)",
                false,
            ),
            Transport::NotSent(NotSent::InvalidUrl) => {
                transport_outcome(stage, "NETWORK_ERROR", "The endpoint is not a usable URL: nothing was sent", false)
            }
        };
        if outcome.ok || outcome.outcome_unknown {
            self.remember(call_id, stage);
        }
        outcome
    }

    fn response_outcome(&self, stage: Stage, call_id: &str, r: Response<'_>, secret: Option<&str>) -> Outcome {
        let reply = parse_reply_with_secret(r.body, secret);
        let raw = Some(redact(r.body, secret, MAX_EXCERPT));
        let success_status = (200..300).contains(&r.status);
        let mut out = Outcome {
            ok: false,
            stage,
            code: reply.code(),
            message: reply.message(),
            outcome_unknown: false,
            likely_already_transferred: false,
            likely_already_ended: false,
            http_status: Some(r.status),
            reply: None,
            raw,
            proxy_code: None,
            reason: None,
            retry_after: None,
            replayed: r.replayed,
        };
        if let Some(code) = r.proxy_error {
            out.code = "PROXY_REFUSED";
            out.outcome_unknown = PROXY_CODES_OUTCOME_UNKNOWN.contains(&code);
            let reason = proxy_reason(r.body);
            let mut m = String::from("The proxy refused (");
            m.push_str(crate::text::cut(code, MAX_FIELD));
            m.push(')');
            if !reason.is_empty() {
                m.push_str(": ");
                m.push_str(&reason);
            }
            out.message = m;
            out.proxy_code = Some(String::from(crate::text::cut(code, MAX_FIELD)));
            out.reason = Some(reason);
            out.retry_after = r.retry_after;
            out.reply = Some(reply);
            return out;
        }
        if (300..400).contains(&r.status) {
            out.code = "REDIRECTED";
            out.message = http_message(r.status, ": the endpoint redirected; redirects are never followed (they would carry the request elsewhere); fix the endpoint URL");
            out.reply = Some(reply);
            return out;
        }
        if !success_status {
            match &reply {
                Reply::Transferred { .. } | Reply::Hungup { .. } | Reply::SuccessNotCompleted { .. } => {
                    // Strict SQL mode prints SUCCESS, then fails: HTTP 500.
                    out.code = "SUCCESS_NOT_COMPLETED";
                    out.outcome_unknown = true;
                    out.message = http_message(
                        r.status,
                        ": the server printed SUCCESS, then failed; the action was most likely not queued; do not retry, check the call",
                    );
                }
                Reply::ServerError { .. } | Reply::Unrecognized { .. } | Reply::EmptyReply | Reply::Translated { .. } => {
                    out.code = "HTTP_ERROR";
                    out.outcome_unknown = r.status >= 500;
                    out.message = http_message(
                        r.status,
                        if r.status >= 500 {
                            ": the server failed; do not retry, check the call"
                        } else {
                            ": the request was refused"
                        },
                    );
                }
                // A refusal line: the server decided before acting, then
                // failed while logging it (2.14-56 answers a bad password so).
                _ => {}
            }
            out.reply = Some(reply);
            return out;
        }
        out.outcome_unknown = match &reply {
            Reply::ServerError { .. } | Reply::Unrecognized { .. } => true,
            Reply::SuccessNotCompleted { cause, .. } => !cause.nothing_queued(),
            _ => false,
        };
        out.ok = match stage {
            Stage::IngroupTransfer | Stage::ExtensionTransfer => matches!(reply, Reply::Transferred { .. }),
            Stage::Hangup => matches!(reply, Reply::Hungup { .. }),
        };
        if reply.is_success() && !out.ok {
            // A success line of another stage: not what was asked.
            out.outcome_unknown = true;
            out.message.push_str(" (but the request was ");
            out.message.push_str(stage.wire());
            out.message.push_str(": check the call)");
        }
        if matches!(reply, Reply::NoActiveCall { .. }) {
            match self.earlier(call_id) {
                Some(Stage::Hangup) => {
                    out.likely_already_ended = true;
                    out.message.push_str(": this call most likely already ended by an earlier hang-up attempt (or the caller hung up)");
                }
                Some(_) => {
                    out.likely_already_transferred = true;
                    out.message.push_str(": this call was most likely already transferred by an earlier attempt (or the caller hung up)");
                }
                None => {}
            }
        }
        out.reply = Some(reply);
        out
    }
}

fn http_message(status: u16, rest: &str) -> String {
    let mut m = String::from("HTTP error ");
    crate::text::push_decimal(&mut m, usize::from(status));
    m.push_str(rest);
    m
}

/// The detail of a proxy line `ERROR: proxy CODE - detail`.
fn proxy_reason(body: &str) -> String {
    // The first line (`trim` also drops the `\r` that `lines` would).
    let line = crate::text::trim(crate::text::split(body, b'\n').next().unwrap_or(""));
    let detail = match crate::text::find(line, " - ") {
        Some(at) if line.starts_with("ERROR: proxy ") => crate::text::tail(line, at + 3),
        _ => "",
    };
    redact(detail, None, MAX_EXCERPT)
}

fn transport_outcome(stage: Stage, code: &'static str, message: &str, outcome_unknown: bool) -> Outcome {
    Outcome {
        ok: false,
        stage,
        code,
        message: String::from(message),
        outcome_unknown,
        likely_already_transferred: false,
        likely_already_ended: false,
        http_status: None,
        reply: None,
        raw: None,
        proxy_code: None,
        reason: None,
        retry_after: None,
        replayed: false,
    }
}
