//! From JavaScript arguments to the core's types, and the core's results to
//! JSON. The wrapper (pkg-template/api.js) passes a request's seven fields
//! as strings (or undefined) plus a bitmask of the fields that held
//! something else; a serde deserializer of the object would cost ~13 KB.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::json::{array, Json};
use crate::client::Outcome;
use crate::decode::DecodeError;
use crate::decode::Param;
use crate::fields::{Field, FieldError};
use crate::reply::{AuthReason, Reply};
use crate::request::TransferDraft;
use crate::version::Target;

/// The INGROUPTRANSFER fields the wrapper passes, in argument order.
const ARGS: [Field; 7] =
    [Field::Source, Field::User, Field::Pass, Field::AgentUser, Field::CallId, Field::Ingroup, Field::Status];

/// The JavaScript key of each field (the core names only wire parameters
/// and labels).
pub(crate) const fn js_key(field: Field) -> &'static str {
    match field {
        Field::Stage => "stage",
        Field::Source => "source",
        Field::User => "user",
        Field::Pass => "pass",
        Field::AgentUser => "agentUser",
        Field::CallId => "callId",
        Field::Ingroup => "ingroup",
        Field::PhoneNumber => "phoneNumber",
        Field::Status => "status",
    }
}

/// The argument index of `field`.
fn arg(field: Field) -> Option<usize> {
    ARGS.iter().position(|f| *f == field)
}

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

    /// Reads `source, user, pass, agentUser, callId, ingroup, status` from
    /// an object (the client's defaults); `undefined` and `null` mean "not given".
    pub(crate) fn read(obj: &JsValue) -> Result<OwnedDraft, JsValue> {
        if !obj.is_object() {
            return Err(js_sys::TypeError::new("defaults must be an object").into());
        }
        let mut draft = OwnedDraft::default();
        for (i, field) in ARGS.into_iter().enumerate() {
            let v = Reflect::get(obj, &JsValue::from_str(js_key(field)))?;
            if v.is_undefined() || v.is_null() {
                continue;
            }
            match v.as_string() {
                Some(s) => draft.values[i] = Some(s),
                None => draft.not_strings |= 1 << i,
            }
        }
        Ok(draft)
    }

    /// Fills every field not given here from `defaults`.
    pub(crate) fn or(mut self, defaults: &OwnedDraft) -> OwnedDraft {
        for (i, (mine, theirs)) in self.values.iter_mut().zip(&defaults.values).enumerate() {
            let bit = 1 << i;
            if mine.is_none() && self.not_strings & bit == 0 {
                mine.clone_from(theirs);
                self.not_strings |= defaults.not_strings & bit;
            }
        }
        self
    }

    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        arg(field).and_then(|i| self.values[i].as_deref())
    }

    fn is_string_or_absent(&self, field: Field) -> bool {
        arg(field).is_none_or(|i| self.not_strings & (1 << i) == 0)
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
            ARGS.into_iter().filter(|f| !self.is_string_or_absent(*f)).map(Issue::not_a_string).collect();
        out.extend(
            self.draft()
                .call_control()
                .problems(Target::AnyVersion)
                .iter()
                .filter(|p| self.is_string_or_absent(p.field))
                .map(Issue::from_field),
        );
        out
    }
}

/// One problem, in the shape JavaScript sees.
pub(crate) struct Issue<'a> {
    field: &'a str,
    code: &'static str,
    message: String,
    position: Option<usize>,
}

impl Issue<'static> {
    pub(crate) fn from_field(e: &FieldError) -> Self {
        Issue { field: js_key(e.field), code: e.code(), message: e.message(), position: e.position }
    }

    fn not_a_string(field: Field) -> Self {
        let mut message = String::from(field.label());
        message.push_str(" must be a string (users and call IDs are text: \"1028\", not 1028)");
        Issue { field: js_key(field), code: "NOT_A_STRING", message, position: None }
    }
}

impl<'a> Issue<'a> {
    pub(crate) fn from_decode(e: &'a DecodeError) -> Self {
        let field = match &e.param {
            Param::Field(f) => js_key(*f),
            p => p.name(),
        };
        Issue { field, code: e.code(), message: e.message(), position: None }
    }

    /// `{ field, code, message, position? }`.
    fn json(&self) -> String {
        let obj = Json::object().str("field", self.field).str("code", self.code).str("message", &self.message);
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
        AuthReason::IpBlocked => "IP_BLOCKED",
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
        Reply::SuccessNotCompleted { line, cause, excerpt } => {
            obj.str("line", line).str("cause", cause.code()).str("excerpt", excerpt)
        }
        Reply::ServerError { excerpt } | Reply::Unrecognized { excerpt } | Reply::Translated { excerpt } => {
            obj.str("excerpt", excerpt)
        }
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
        .bool("likelyAlreadyTransferred", o.likely_already_transferred)
        .bool("likelyAlreadyEnded", o.likely_already_ended);
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

/// Reads an optional string property of an options object.
pub(crate) fn opt_string(options: &JsValue, key: &str) -> Option<String> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

/// Reads a plain object's own string-valued entries.
pub(crate) fn string_entries(obj: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return Ok(Vec::new());
    }
    let obj: &Object = obj.dyn_ref().ok_or_else(|| js_sys::TypeError::new("headers must be an object"))?;
    let mut out = Vec::new();
    for entry in Object::entries(obj).iter() {
        let pair: Array = entry.into();
        let (k, v) = (pair.get(0).as_string(), pair.get(1).as_string());
        match (k, v) {
            (Some(k), Some(v)) => out.push((k, v)),
            _ => return Err(js_sys::TypeError::new("header values must be strings").into()),
        }
    }
    Ok(out)
}
