//! From JavaScript arguments to the core's types, and the core's results to
//! JSON. The wrapper (pkg-template/api.js) passes a request's seven fields
//! as strings (or undefined) plus a bitmask of the fields that held
//! something else; a serde deserializer of the object would cost ~13 KB.

use alloc::string::String;
use alloc::vec::Vec;

use super::json::{array, Json};
use crate::client::Outcome;
use crate::decode::DecodeError;
use crate::fields::{Field, FieldError};
use crate::reply::{AuthReason, Reply};
use crate::request::TransferDraft;

/// A request's fields, copied out of JavaScript.
#[derive(Default)]
pub(crate) struct OwnedDraft {
    values: [Option<String>; 7],
    /// Fields given as something other than a string (or null/undefined).
    not_strings: u32,
}

impl OwnedDraft {
    /// The fields in `Field::ALL` order, and the bitmask (bit = field
    /// index) of fields that were neither strings nor absent.
    pub(crate) fn new(values: [Option<String>; 7], not_strings: u32) -> OwnedDraft {
        OwnedDraft { values, not_strings }
    }

    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.values[field as usize].as_deref()
    }

    fn is_string_or_absent(&self, field: Field) -> bool {
        self.not_strings & (1 << field as u32) == 0
    }

    pub(crate) fn draft(&self) -> TransferDraft<'_> {
        TransferDraft {
            source: self.get(Field::Source),
            user: self.get(Field::User),
            pass: self.get(Field::Pass),
            agent_user: self.get(Field::AgentUser),
            call_id: self.get(Field::CallId),
            ingroup: self.get(Field::Ingroup),
            status: self.get(Field::Status),
        }
    }

    /// Every problem, wrong types first.
    pub(crate) fn issues(&self) -> Vec<Issue<'static>> {
        let mut out: Vec<Issue<'static>> =
            Field::ALL.into_iter().filter(|f| !self.is_string_or_absent(*f)).map(Issue::not_a_string).collect();
        out.extend(
            self.draft().problems().iter().filter(|p| self.is_string_or_absent(p.field)).map(Issue::from_field),
        );
        out
    }
}

/// One problem, in the shape JavaScript sees.
pub(crate) struct Issue<'a> {
    field: &'a str,
    code: &'static str,
    message: &'static str,
    position: Option<usize>,
}

impl Issue<'static> {
    pub(crate) fn from_field(e: &FieldError) -> Self {
        Issue { field: e.field.name(), code: e.code(), message: e.message(), position: e.position }
    }

    fn not_a_string(field: Field) -> Self {
        let message = match field {
            Field::Source => "source must be a string",
            Field::User => "user must be a string",
            Field::Pass => "pass must be a string",
            Field::AgentUser => "agentUser must be a string (call IDs and users are text: \"1028\", not 1028)",
            Field::CallId => "callId must be a string",
            Field::Ingroup => "ingroup must be a string",
            Field::Status => "status must be a string",
        };
        Issue { field: field.name(), code: "NOT_A_STRING", message, position: None }
    }
}

impl<'a> Issue<'a> {
    pub(crate) fn from_decode(e: &'a DecodeError) -> Self {
        Issue { field: e.param.name(), code: e.code(), message: e.message(), position: None }
    }

    /// `{ field, code, message, position? }`.
    fn json(&self) -> String {
        let obj = Json::object().str("field", self.field).str("code", self.code).str("message", self.message);
        match self.position {
            Some(p) => obj.num("position", p).end(),
            None => obj.end(),
        }
    }
}

/// `[{ field, code, message, position? }, ...]`.
pub(crate) fn issues_json(issues: &[Issue<'_>]) -> String {
    array(issues.iter().map(Issue::json))
}

fn reason(r: AuthReason) -> &'static str {
    match r {
        AuthReason::BadPassword => "BAD_PASSWORD",
        AuthReason::NoApiAccess => "NO_API_ACCESS",
        AuthReason::Locked => "LOCKED",
        AuthReason::NoServers => "NO_SERVERS",
        AuthReason::Other => "OTHER",
    }
}

/// Adds `code` and the reply's typed fields (camelCase, as the serde form).
pub(crate) fn reply_json(obj: Json, reply: &Reply) -> Json {
    let obj = obj.str("code", reply.code());
    match reply {
        Reply::Transferred { agent_user, call_id, ingroup, phone_number } => obj
            .str("agentUser", agent_user)
            .str("callId", call_id)
            .opt_str("ingroup", ingroup.as_deref())
            .opt_str("phoneNumber", phone_number.as_deref()),
        Reply::Hungup { agent_user, call_id } => obj.str("agentUser", agent_user).str("callId", call_id),
        Reply::IngroupNotValid { ingroup } => obj.str("ingroup", ingroup),
        Reply::NoActiveCall { call_id } => obj.str("callId", call_id),
        Reply::AgentNotLoggedIn { agent_user } => obj.str("agentUser", agent_user),
        Reply::NoUserFound { user } => obj.str("user", user),
        Reply::NotValid { call_id, agent_user, stage } => {
            obj.str("callId", call_id).str("agentUser", agent_user).str("stage", stage)
        }
        Reply::StageNotValid { stage } => obj.str("stage", stage),
        Reply::PhoneNumberNotValid { phone_number } => obj.str("phoneNumber", phone_number),
        Reply::InvalidCredentials { user, reason: r } => obj.str("user", user).str("reason", reason(*r)),
        Reply::InvalidSource { source } => obj.str("source", source),
        Reply::PermissionDenied { call_id, user, function, user_group } => obj
            .str("callId", call_id)
            .str("user", user)
            .str("function", function)
            .str("userGroup", user_group),
        Reply::ServerError { excerpt } | Reply::Unrecognized { excerpt } => obj.str("excerpt", excerpt),
        Reply::ApiNotActive | Reply::EmptyReply => obj,
    }
}

/// `{ ok, code, message, outcomeUnknown, likelyAlreadyTransferred, httpStatus?, reply?, raw? }`.
pub(crate) fn outcome_json(o: &Outcome) -> String {
    let obj = Json::object()
        .bool("ok", o.ok)
        .str("code", o.code)
        .str("message", &o.message)
        .bool("outcomeUnknown", o.outcome_unknown)
        .bool("likelyAlreadyTransferred", o.likely_already_transferred);
    let obj = match o.http_status {
        Some(s) => obj.num("httpStatus", usize::from(s)),
        None => obj,
    };
    let obj = match &o.reply {
        Some(r) => obj.raw("reply", &reply_json(Json::object(), r).end()),
        None => obj,
    };
    obj.opt_str("raw", o.raw.as_deref()).end()
}

