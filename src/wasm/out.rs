//! Plain JavaScript objects built from the core's values.
//!
//! Written out by hand with `Reflect::set` rather than through serde and
//! serde-wasm-bindgen: the same objects, for a smaller module (the measured
//! difference is in bench/RESULTS.md).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::client::Outcome;
use crate::reply::{AuthReason, Reply};

/// An object under construction.
pub(crate) struct Obj(Object);

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj(Object::new())
    }

    pub(crate) fn val(self, key: &str, value: &JsValue) -> Obj {
        // Setting a data property on a fresh plain object cannot throw.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), value);
        self
    }

    pub(crate) fn str(self, key: &str, value: &str) -> Obj {
        self.val(key, &JsValue::from_str(value))
    }

    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Obj {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn bool(self, key: &str, value: bool) -> Obj {
        self.val(key, &JsValue::from_bool(value))
    }

    pub(crate) fn num(self, key: &str, value: f64) -> Obj {
        self.val(key, &JsValue::from_f64(value))
    }

    pub(crate) fn js(self) -> JsValue {
        self.0.into()
    }
}

/// An array of values.
pub(crate) fn array(items: impl Iterator<Item = JsValue>) -> JsValue {
    let out = Array::new();
    for item in items {
        out.push(&item);
    }
    out.into()
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
pub(crate) fn reply(obj: Obj, reply: &Reply) -> Obj {
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
pub(crate) fn outcome(o: &Outcome) -> JsValue {
    let obj = Obj::new()
        .bool("ok", o.ok)
        .str("code", o.code)
        .str("message", &o.message)
        .bool("outcomeUnknown", o.outcome_unknown)
        .bool("likelyAlreadyTransferred", o.likely_already_transferred);
    let obj = match o.http_status {
        Some(s) => obj.num("httpStatus", f64::from(s)),
        None => obj,
    };
    let obj = match &o.reply {
        Some(r) => obj.val("reply", &reply(Obj::new(), r).js()),
        None => obj,
    };
    obj.opt_str("raw", o.raw.as_deref()).js()
}
