//! Building an INGROUPTRANSFER request.
//!
//! The server reads every parameter from the query first, then from an
//! `application/x-www-form-urlencoded` body, so one encoded string serves
//! as a GET query and as a POST body. POST keeps credentials out of URLs
//! (and so out of access logs, proxies and browser history).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::fields::{check, AgentUser, CallId, Field, FieldError, FieldErrorKind, Ingroup, Password, Source, Status, User};

/// The API function this crate speaks.
pub const FUNCTION: &str = "ra_call_control";
/// The stage that moves the call into an in-group (compared exactly,
/// case-sensitively, by the server).
pub const STAGE: &str = "INGROUPTRANSFER";

/// A validated `ra_call_control` INGROUPTRANSFER request.
///
/// Credentials (`source`, `user`, `pass`) are optional: a proxy that holds
/// them may add them. `user` and `pass` go together.
///
/// ```
/// use vicidial_xfer::TransferDraft;
/// let req = TransferDraft {
///     agent_user: Some("1028"),
///     call_id: Some("Y0315201639000402027"),
///     ingroup: Some("SALESLINE"),
///     ..TransferDraft::default()
/// }
/// .validate()
/// .unwrap();
/// assert_eq!(
///     req.encode(),
///     "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER\
///      &value=Y0315201639000402027&ingroup_choices=SALESLINE"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct TransferRequest {
    /// `source`, if this client sends it.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub source: Option<Source>,
    /// `user`, if this client sends credentials.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub user: Option<User>,
    /// `pass`, if this client sends credentials.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub pass: Option<Password>,
    /// The remote agent.
    pub agent_user: AgentUser,
    /// The live call.
    pub call_id: CallId,
    /// The destination in-group, or `DEFAULTINGROUP`.
    pub ingroup: Ingroup,
    /// The disposition; the server writes `RAXFER` when absent.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    pub status: Option<Status>,
}

/// Unvalidated request fields, as they arrive from a form or another
/// language. `None` means "not given".
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferDraft<'a> {
    /// `source`.
    pub source: Option<&'a str>,
    /// `user`.
    pub user: Option<&'a str>,
    /// `pass`.
    pub pass: Option<&'a str>,
    /// `agent_user` (required).
    pub agent_user: Option<&'a str>,
    /// `value`, the call ID (required).
    pub call_id: Option<&'a str>,
    /// `ingroup_choices` (required).
    pub ingroup: Option<&'a str>,
    /// `status`.
    pub status: Option<&'a str>,
}

impl fmt::Debug for TransferDraft<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferDraft")
            .field("source", &self.source)
            .field("user", &self.user)
            .field("pass", &self.pass.map(|_| crate::redact::REDACTED))
            .field("agent_user", &self.agent_user)
            .field("call_id", &self.call_id)
            .field("ingroup", &self.ingroup)
            .field("status", &self.status)
            .finish()
    }
}

impl<'a> TransferDraft<'a> {
    /// The value given for `field`.
    pub fn get(&self, field: Field) -> Option<&'a str> {
        match field {
            Field::Source => self.source,
            Field::User => self.user,
            Field::Pass => self.pass,
            Field::AgentUser => self.agent_user,
            Field::CallId => self.call_id,
            Field::Ingroup => self.ingroup,
            Field::Status => self.status,
        }
    }

    /// Every problem with the draft, in field order (empty when valid).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        for field in Field::ALL {
            match self.get(field) {
                Some(v) => {
                    if let Err(e) = check(field, v) {
                        out.push(e);
                    }
                }
                None => {
                    let required = match field {
                        Field::AgentUser | Field::CallId | Field::Ingroup => true,
                        Field::User => self.pass.is_some(),
                        Field::Pass => self.user.is_some(),
                        Field::Source | Field::Status => false,
                    };
                    if required {
                        out.push(FieldError::new(field, FieldErrorKind::Missing));
                    }
                }
            }
        }
        out
    }

    /// Validates every field; on failure returns all problems at once.
    pub fn validate(&self) -> Result<TransferRequest, Vec<FieldError>> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(self.checked())
    }

    /// The request, for a draft whose [`problems`](Self::problems) the
    /// caller has already found empty (so it is not computed twice).
    pub(crate) fn checked(&self) -> TransferRequest {
        let ok = |field: Field| self.get(field).map(String::from);
        TransferRequest {
            source: ok(Field::Source).map(Source::trusted),
            user: ok(Field::User).map(User::trusted),
            pass: ok(Field::Pass).map(Password::trusted),
            agent_user: AgentUser::trusted(ok(Field::AgentUser).unwrap_or_default()),
            call_id: CallId::trusted(ok(Field::CallId).unwrap_or_default()),
            ingroup: Ingroup::trusted(ok(Field::Ingroup).unwrap_or_default()),
            status: ok(Field::Status).map(Status::trusted),
        }
    }
}

/// How the password appears in [`TransferRequest::encode_masked`].
pub const MASK: &str = "********";

impl TransferRequest {
    /// The request as `application/x-www-form-urlencoded`, usable as a GET
    /// query (after `?`) or a POST body. Parameter order is fixed: `source,
    /// user, pass, agent_user, function, stage, value, ingroup_choices,
    /// status`; absent optional parameters are left out.
    pub fn encode(&self) -> String {
        self.encode_with(self.pass.as_ref().map(Password::expose))
    }

    /// The same encoding with the password replaced by [`MASK`], for
    /// previews and logs.
    pub fn encode_masked(&self) -> String {
        self.encode_with(self.pass.as_ref().map(|_| MASK))
    }

    fn encode_with(&self, pass: Option<&str>) -> String {
        let mut out = String::with_capacity(160);
        let mut put = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                if !out.is_empty() {
                    out.push('&');
                }
                out.push_str(k);
                out.push('=');
                // Validated values are mostly letters and digits: copy those
                // as they are; anything else goes through form_urlencoded.
                if v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*')) {
                    out.push_str(v);
                } else {
                    out.extend(form_urlencoded::byte_serialize(v.as_bytes()));
                }
            }
        };
        put("source", self.source.as_ref().map(Source::as_str));
        put("user", self.user.as_ref().map(User::as_str));
        put("pass", pass);
        put("agent_user", Some(self.agent_user.as_str()));
        put("function", Some(FUNCTION));
        put("stage", Some(STAGE));
        put("value", Some(self.call_id.as_str()));
        put("ingroup_choices", Some(self.ingroup.as_str()));
        put("status", self.status.as_ref().map(Status::as_str));
        out
    }

    /// Whether the request carries any of `source`, `user`, `pass`.
    pub fn has_credentials(&self) -> bool {
        self.source.is_some() || self.user.is_some() || self.pass.is_some()
    }
}
