//! The core's results as JSON, in the shapes the core's serde derives
//! (camelCase; `None` left out), written by hand: serde_json would pull in
//! `core::fmt` and float formatting. `tests` (below) compare every writer
//! with serde_json of the same value.

use alloc::string::String;

use super::json::{Array, Json};
use crate::client::Outcome;
use crate::decode::{DecodeError, DecodeErrorKind, Param};
use crate::fields::{Field, FieldError};
use crate::reply::{AuthReason, Reply};
use crate::request::CallControlRequest;
use crate::version::ServerVersion;

/// The JavaScript key of a field ([`FIELD_KEYS`](super::FIELD_KEYS)).
pub(crate) const fn js_key(field: Field) -> &'static str {
    super::FIELD_KEYS[field as usize]
}

fn version(v: ServerVersion) -> String {
    let mut s = String::new();
    v.push_to(&mut s);
    s
}

/// `{ field, code, message, position?, since? }`.
pub(crate) fn field_issue(e: &FieldError) -> String {
    let obj = Json::object().str("field", js_key(e.field)).str("code", e.code()).str("message", &e.message());
    let obj = match e.position {
        Some(p) => obj.num("position", p),
        None => obj,
    };
    match e.since {
        Some(v) => obj.str("since", &version(v)).end(),
        None => obj.end(),
    }
}

/// A problem the binding finds before the core: `{ field, code, message }`.
pub(crate) fn binding_issue(field: &str, code: &str, message: &str) -> String {
    Json::object().str("field", field).str("code", code).str("message", message).end()
}

/// The shape of [`field_issue`]; `field` is the JS key or the parameter as sent.
pub(crate) fn decode_issue(e: &DecodeError) -> String {
    if let DecodeErrorKind::Field(f) = &e.kind {
        return field_issue(f);
    }
    let field = match &e.param {
        Param::Field(f) => js_key(*f),
        p => p.name(),
    };
    binding_issue(field, e.code(), &e.message())
}

pub(crate) fn decode_issues(errors: &[DecodeError]) -> String {
    let mut issues = Array::new();
    for e in errors {
        issues.push(&decode_issue(e));
    }
    issues.end()
}

/// A request as serde writes it, but with the real password (`expose`):
/// a proxy decoding a request must forward it.
pub(crate) fn request_json(r: &CallControlRequest, expose: bool) -> String {
    let mut obj = Json::object();
    for field in Field::ALL {
        let value = if field == Field::Pass && !expose {
            r.expose_password().map(|_| crate::redact::REDACTED)
        } else if field == Field::Pass {
            r.expose_password()
        } else {
            r.get(field)
        };
        obj = obj.opt_str(js_key(field), value);
    }
    obj.end()
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

/// A key of `parseReply`'s object: its name is `RECORD_KEYS[key as usize]`
/// (api.js holds the same list: tests/pkg_codes.rs compares them).
#[derive(Clone, Copy)]
pub(crate) enum Key {
    Message,
    Raw,
    Code,
    AgentUser,
    CallId,
    Ingroup,
    PhoneNumber,
    User,
    Stage,
    Reason,
    Source,
    Function,
    UserGroup,
    Line,
    Cause,
    Excerpt,
}

impl Key {
    pub(crate) fn name(self) -> &'static str {
        super::RECORD_KEYS[self as usize]
    }
}

/// Gives `put` the reply's `code` and typed fields, in the order serde
/// writes them (a `None` field left out). One list for both writers:
/// [`reply_json`] and the record of `parseReply` (bindings.rs `parse`).
pub(crate) fn reply_fields(reply: &Reply, put: &mut dyn FnMut(Key, &str)) {
    put(Key::Code, reply.code());
    match reply {
        Reply::Transferred { agent_user, call_id, ingroup, phone_number } => {
            put(Key::AgentUser, agent_user);
            put(Key::CallId, call_id);
            if let Some(v) = ingroup {
                put(Key::Ingroup, v);
            }
            if let Some(v) = phone_number {
                put(Key::PhoneNumber, v);
            }
        }
        Reply::Hungup { agent_user, call_id } => {
            put(Key::AgentUser, agent_user);
            put(Key::CallId, call_id);
        }
        _ => failure_fields(reply, put),
    }
}

/// [`reply_fields`] of every reply but the two successes, after `code`
/// (never inlined: build.mjs `NOT_INLINED`; a first successful parse
/// does not compile it).
#[inline(never)]
fn failure_fields(reply: &Reply, put: &mut dyn FnMut(Key, &str)) {
    match reply {
        Reply::Transferred { .. } | Reply::Hungup { .. } => {}
        Reply::IngroupNotValid { ingroup } => put(Key::Ingroup, ingroup),
        Reply::NoActiveCall { call_id } => put(Key::CallId, call_id),
        Reply::AgentNotLoggedIn { agent_user } => put(Key::AgentUser, agent_user),
        Reply::NoUserFound { user } => put(Key::User, user),
        Reply::NotValid { call_id, agent_user, stage } => {
            put(Key::CallId, call_id);
            put(Key::AgentUser, agent_user);
            put(Key::Stage, stage);
        }
        Reply::StageNotValid { stage } => put(Key::Stage, stage),
        Reply::PhoneNumberNotValid { phone_number } => put(Key::PhoneNumber, phone_number),
        Reply::InvalidCredentials { user, reason: r } => {
            put(Key::User, user);
            put(Key::Reason, reason(*r));
        }
        Reply::InvalidSource { source } => put(Key::Source, source),
        Reply::PermissionDenied { call_id, user, function, user_group } => {
            put(Key::CallId, call_id);
            put(Key::User, user);
            put(Key::Function, function);
            put(Key::UserGroup, user_group);
        }
        Reply::SuccessNotCompleted { line, cause, excerpt } => {
            put(Key::Line, line);
            put(Key::Cause, cause.code());
            put(Key::Excerpt, excerpt);
        }
        Reply::ServerError { excerpt } | Reply::Unrecognized { excerpt } | Reply::Translated { excerpt } => put(Key::Excerpt, excerpt),
        Reply::ApiNotActive | Reply::EmptyReply => {}
    }
}

/// Adds `code` and the reply's typed fields.
pub(crate) fn reply_json(mut obj: Json, reply: &Reply) -> Json {
    reply_fields(reply, &mut |key, value| obj.put_str(key.name(), value));
    obj
}

/// The core's [`Outcome`] as serde writes it.
pub(crate) fn outcome_json(o: &Outcome) -> String {
    let obj = Json::object()
        .bool("ok", o.ok)
        .str("stage", o.stage.wire())
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
    let obj = obj.opt_str("raw", o.raw.as_deref()).opt_str("proxyCode", o.proxy_code.as_deref()).opt_str("reason", o.reason.as_deref());
    let obj = match o.retry_after {
        Some(s) => obj.num("retryAfter", s as usize),
        None => obj,
    };
    obj.bool("replayed", o.replayed).end()
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    //! One serialization shape: every writer above against serde_json.
    use super::*;
    use crate::client::{NotSent, Response, TransferLog, Transport};
    use crate::reply::{parse_reply, parse_reply_with_secret};
    use crate::stage::Stage;
    use crate::version::Target;
    use crate::{decode_call_control, CallControlDraft};
    use serde_json::Value;

    fn same(mine: &str, theirs: impl serde::Serialize) {
        let mine: Value = serde_json::from_str(mine).expect("the writer's output is JSON");
        assert_eq!(mine, serde_json::to_value(theirs).unwrap());
    }

    const REPLIES: &[&str] = &[
        "SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n",
        "SUCCESS: ra_call_control transfer - ra_1028|Y1|AGENT1028\n",
        "SUCCESS: ra_call_control transferred - 1028|Y1|SALESLINE\n",
        "SUCCESS: ra_call_control hungup - 1028|Y1|HANGUP\n",
        "SUCCESS: ra_call_control transfer - 1028|Y1|\nCould not connect: 10.0.0.5|qm\n",
        "SUCCESS: ra_call_control transfer - 1028|Y1|\n<b>Fatal error</b>: x\n",
        "ERROR: ingroup is not valid - SALES\n",
        "ERROR: no active call found - Y1\n",
        "ERROR: agent_user is not logged in - 1028\n",
        "ERROR: no user found - 6666\n",
        "ERROR: ra_call_control not valid - Y1|1028|\n",
        "ERROR: stage is not valid - a\"b\\c\u{1}d\n",
        "ERROR: phone_number is not valid - \n",
        "ERROR: Invalid Username/Password: |6666|Pw9|0|1|BAD|0|api|SELECT pass='Pw9';|\n",
        "ERROR: Invalid Username/Password: |6666|Pw9|0|1|IPBLOCK|\n",
        "ERROR: Invalid Source - c\n",
        "ERROR: System API NOT ACTIVE\n",
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - Y1|6666|ra_call_control|ADMIN\n",
        "ERFOLG: ra_call_control transfer - 1028|Y1|\n",
        "<b>Fatal error</b>: Uncaught mysqli_sql_exception\n",
        "",
        "<html>502 Bad Gateway</html>",
        "ÿ\u{fffd}é\u{7f}",
    ];

    #[test]
    fn replies_match_serde() {
        for body in REPLIES {
            let reply = parse_reply(body);
            same(&reply_json(Json::object(), &reply).end(), &reply);
        }
    }

    #[test]
    fn outcomes_match_serde() {
        let mut bodies: alloc::vec::Vec<Transport<'_>> = REPLIES.iter().map(|b| Transport::Response(Response::new(200, b))).collect();
        bodies.extend([
            Transport::Response(Response::new(500, REPLIES[0])),
            Transport::Response(Response::new(307, "")),
            Transport::Response(Response {
                status: 429,
                body: "ERROR: proxy RATE_LIMITED - slow down\n",
                proxy_error: Some("RATE_LIMITED"),
                retry_after: Some(7),
                replayed: false,
            }),
            Transport::Response(Response { replayed: true, ..Response::new(200, REPLIES[0]) }),
            Transport::Timeout,
            Transport::Network,
            Transport::Aborted,
            Transport::NotSent(NotSent::Aborted),
            Transport::NotSent(NotSent::Refused),
            Transport::NotSent(NotSent::InvalidUrl),
        ]);
        for stage in Stage::ALL {
            let mut log = TransferLog::new();
            for t in &bodies {
                let o = log.conclude(stage, "Y1", *t, Some("Pw9"));
                same(&outcome_json(&o), &o);
            }
        }
    }

    #[test]
    fn issues_and_requests_match_serde() {
        let bad = CallControlDraft {
            stage: Some("EXTENSIONTRANSFER"),
            agent_user: Some("ra-1028"),
            call_id: Some("Y1."),
            ingroup: Some("SALESLINE"),
            phone_number: Some("+15551234"),
            ..CallControlDraft::default()
        };
        let problems = bad.problems(Target::AnyVersion);
        assert!(problems.len() >= 3);
        for p in &problems {
            same(&field_issue(p), p);
        }
        let errors = decode_call_control("function=ra_call_control&stage=HANGUP&value=Y1&agent_user=1028&x=1&value=Y2&pass=%zz", Target::AnyVersion).unwrap_err();
        for e in &errors {
            same(&decode_issue(e), e);
        }
        let req = CallControlDraft {
            stage: Some("INGROUPTRANSFER"),
            source: Some("crm"),
            user: Some("6666"),
            pass: Some("Pw9Zx7Qk3"),
            agent_user: Some("1028"),
            call_id: Some("Y1"),
            ingroup: Some("SALESLINE"),
            status: Some("SALE"),
            ..CallControlDraft::default()
        }
        .validate(Target::AnyVersion)
        .unwrap();
        same(&request_json(&req, false), &req);
        let exposed: Value = serde_json::from_str(&request_json(&req, true)).unwrap();
        assert_eq!(exposed["pass"], "Pw9Zx7Qk3");
    }

    /// `parse`'s answer as api.js `record` reads it (JSON when it is not a record).
    fn record(out: &str) -> Value {
        let Some(rest) = out.strip_prefix('R') else { return serde_json::from_str(out).expect("JSON when not a record") };
        let mut obj = serde_json::Map::new();
        obj.insert("ok".into(), rest.starts_with('1').into());
        for entry in rest[1..].split('\0').skip(1) {
            let key = super::super::RECORD_KEYS[usize::from(entry.as_bytes()[0] - b'a')];
            assert!(obj.insert(key.into(), entry[1..].into()).is_none(), "{key} twice in {out:?}");
        }
        Value::Object(obj)
    }

    #[test]
    fn parsed_replies_are_the_serde_reply_plus_ok_message_raw() {
        let with_nul = ["ERROR: stage is not valid - a\0b\n", "SUCCESS: ra_call_control transfer - 1028|Y1|\n\0"];
        for body in REPLIES.iter().chain(&with_nul) {
            let out = super::super::parse(&alloc::format!("3:Pw9{body}"), true);
            assert_eq!(out.starts_with('{'), body.contains('\0'), "JSON exactly when a value holds a NUL: {out:?}");
            let mine = record(&out);
            let mut theirs = serde_json::to_value(parse_reply_with_secret(body, Some("Pw9"))).unwrap();
            let reply = parse_reply_with_secret(body, Some("Pw9"));
            theirs["ok"] = reply.is_success().into();
            theirs["message"] = reply.message().into();
            theirs["raw"] = crate::redact::redact(body, Some("Pw9"), crate::reply::MAX_EXCERPT).into();
            assert_eq!(mine, theirs, "{body:?}");
        }
    }
}
