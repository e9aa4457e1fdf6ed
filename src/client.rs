//! What a transfer attempt came to, whatever carried it.
//!
//! A transfer is NOT idempotent: on success the server deletes the live
//! call, so the same request again answers `no active call found`. A client
//! must therefore never retry a request that may have reached the server,
//! and must remember which calls it may already have moved: a later
//! NO_ACTIVE_CALL for one of them most likely means the first attempt
//! succeeded. [`TransferLog`] holds that memory; [`conclude`](TransferLog::conclude)
//! turns a transport result into an [`Outcome`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::redact::redact;
use crate::reply::{parse_reply, Reply, MAX_EXCERPT};

/// How the request ended at the transport level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport<'a> {
    /// An HTTP response arrived, body read in full.
    Response {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: &'a str,
    },
    /// The deadline passed before the whole reply arrived.
    Timeout,
    /// The connection failed (refused, reset, DNS, CORS...). The request
    /// may or may not have reached the server.
    Network,
    /// The caller aborted the request.
    Aborted,
}

/// What a transfer attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Outcome {
    /// True only for TRANSFERRED with HTTP 2xx and no PHP fatal error.
    pub ok: bool,
    /// A reply code (`TRANSFERRED`, `NO_ACTIVE_CALL`, ...) or a transport
    /// code: `TIMEOUT`, `NETWORK_ERROR`, `ABORTED`, `HTTP_ERROR`.
    pub code: &'static str,
    /// A one-line human message.
    pub message: String,
    /// The request may have reached the server and its effect is unknown:
    /// do NOT retry; check the call's state instead.
    pub outcome_unknown: bool,
    /// A NO_ACTIVE_CALL for a call this client already transferred, or
    /// tried to with an unknown outcome: most likely the call was moved.
    pub likely_already_transferred: bool,
    /// The HTTP status, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub http_status: Option<u16>,
    /// The parsed reply, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub reply: Option<Reply>,
    /// The body, redacted and cut to 512 bytes, when a response arrived.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub raw: Option<String>,
}

/// How many call IDs a [`TransferLog`] remembers.
pub const LOG_CAPACITY: usize = 64;

/// The calls this client may already have moved (bounded, oldest dropped).
#[derive(Clone, Debug, Default)]
pub struct TransferLog {
    calls: Vec<String>,
}

impl TransferLog {
    /// An empty log.
    pub const fn new() -> Self {
        TransferLog { calls: Vec::new() }
    }

    /// Whether `call_id` may already have been transferred by this client.
    pub fn may_have_moved(&self, call_id: &str) -> bool {
        self.calls.iter().any(|c| c.eq_ignore_ascii_case(call_id))
    }

    fn remember(&mut self, call_id: &str) {
        if self.may_have_moved(call_id) {
            return;
        }
        if self.calls.len() == LOG_CAPACITY {
            self.calls.remove(0);
        }
        self.calls.push(String::from(call_id));
    }

    /// Classifies the transport result of a transfer of `call_id`, and
    /// remembers the call when it moved or may have. `secret` (the
    /// password, when this client sent one) is removed from kept text.
    ///
    /// ```
    /// use vicidial_xfer::client::{TransferLog, Transport};
    /// let mut log = TransferLog::new();
    /// let first = log.conclude("Y1", Transport::Timeout, None);
    /// assert!(first.outcome_unknown);
    /// let again = log.conclude(
    ///     "Y1",
    ///     Transport::Response { status: 200, body: "ERROR: no active call found - Y1\n" },
    ///     None,
    /// );
    /// assert_eq!(again.code, "NO_ACTIVE_CALL");
    /// assert!(again.likely_already_transferred);
    /// ```
    pub fn conclude(&mut self, call_id: &str, transport: Transport<'_>, secret: Option<&str>) -> Outcome {
        let outcome = match transport {
            Transport::Response { status, body } => self.response_outcome(call_id, status, body, secret),
            Transport::Timeout => transport_outcome(
                "TIMEOUT",
                "Timed out: the transfer may or may not have happened; do not retry, check the call",
            ),
            Transport::Network => transport_outcome(
                "NETWORK_ERROR",
                "Network error: the request may or may not have reached the server; do not retry, check the call",
            ),
            Transport::Aborted => transport_outcome(
                "ABORTED",
                "Aborted: the request may already have reached the server; do not retry, check the call",
            ),
        };
        if outcome.ok || outcome.outcome_unknown {
            self.remember(call_id);
        }
        outcome
    }

    fn response_outcome(&self, call_id: &str, status: u16, body: &str, secret: Option<&str>) -> Outcome {
        let reply = parse_reply(body);
        let reply = reply.without_secret(secret);
        let raw = Some(redact(body, secret, MAX_EXCERPT));
        let success_status = (200..300).contains(&status);
        let (code, mut message, outcome_unknown) = if !success_status {
            let mut m = String::from("HTTP error ");
            crate::text::push_decimal(&mut m, usize::from(status));
            m.push_str(if status >= 500 {
                ": the server failed; a SUCCESS line in such a reply does not count; do not retry, check the call"
            } else {
                ": the request was refused"
            });
            // A 5xx may come after the server acted (strict SQL mode prints
            // SUCCESS, then fails); a proxy's 502/504 may hide anything.
            ("HTTP_ERROR", m, status >= 500)
        } else {
            let unknown = matches!(reply, Reply::ServerError { .. } | Reply::Unrecognized { .. });
            (reply.code(), reply.message(), unknown)
        };
        let likely_already_transferred =
            success_status && matches!(reply, Reply::NoActiveCall { .. }) && self.may_have_moved(call_id);
        if likely_already_transferred {
            message.push_str(
                ": this call was most likely already transferred by an earlier attempt (or the caller hung up)",
            );
        }
        Outcome {
            ok: success_status && matches!(reply, Reply::Transferred { .. }),
            code,
            message,
            outcome_unknown,
            likely_already_transferred,
            http_status: Some(status),
            reply: Some(reply),
            raw,
        }
    }
}

fn transport_outcome(code: &'static str, message: &str) -> Outcome {
    Outcome {
        ok: false,
        code,
        message: String::from(message),
        outcome_unknown: true,
        likely_already_transferred: false,
        http_status: None,
        reply: None,
        raw: None,
    }
}
