//! Parsing `ra_call_control` replies into typed outcomes.
//!
//! A reply is one line, `SUCCESS: ...` or `ERROR: ...`, ending in `\n`.
//! Real servers also bury that line among PHP `Warning:` lines, inside a
//! `format=debug` HTML page, or before a PHP fatal error (strict SQL mode:
//! the SUCCESS line is printed before the failing write, and nothing was
//! queued). Both the server's own wording and the published
//! documentation's are understood; anything else is kept, redacted, as
//! [`Reply::Unrecognized`]. Parsing never panics and keeps at most
//! [`MAX_FIELD`] bytes per field and [`MAX_EXCERPT`] bytes of raw text.

use alloc::string::String;
use core::fmt;

use crate::redact::{redact, AUTH_PREFIX, REDACTED};
use crate::text;

/// The most bytes kept of one typed field.
pub const MAX_FIELD: usize = 100;
/// The most bytes kept of raw text (unrecognized replies, fatal errors).
pub const MAX_EXCERPT: usize = 512;
/// Lines longer than this are not searched for tags.
const MAX_TAGGED_LINE: usize = 4096;

/// Why the server refused the credentials (the word after the echoed
/// `auth` flags in `ERROR: Invalid Username/Password`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum AuthReason {
    /// `BAD`: wrong user or password (counts towards the lockout).
    BadPassword,
    /// `GOOD`: the password is right but the user has no agent API access,
    /// is inactive, or has user level 0.
    NoApiAccess,
    /// `LOCK`: 10 or more failures within 15 minutes; even the right
    /// password is refused until then.
    Locked,
    /// `ERRSERVERS`: no active Asterisk server.
    NoServers,
    /// A word this crate does not know (or none).
    Other,
}

impl AuthReason {
    fn from_word(word: &str) -> AuthReason {
        match word {
            "BAD" => AuthReason::BadPassword,
            "GOOD" => AuthReason::NoApiAccess,
            "LOCK" => AuthReason::Locked,
            "ERRSERVERS" => AuthReason::NoServers,
            _ => AuthReason::Other,
        }
    }
}

/// A classified `ra_call_control` reply.
///
/// ```
/// use vicidial_xfer::{parse_reply, Reply};
/// let r = parse_reply("SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n");
/// assert_eq!(r.code(), "TRANSFERRED");
/// assert!(matches!(r, Reply::Transferred { ref agent_user, .. } if agent_user == "1028"));
/// assert_eq!(parse_reply("ERROR: no active call found - Y1\n").code(), "NO_ACTIVE_CALL");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase")
)]
pub enum Reply {
    /// `SUCCESS: ra_call_control transfer - {agent_user}|{value}|{phone_number}`
    /// (server) or `... transferred - {agent_user}|{value}|{ingroup}`
    /// (documentation). The server queued the Redirect and deleted the live
    /// call: the same request again answers NO_ACTIVE_CALL.
    Transferred {
        /// The agent whose call moved.
        agent_user: String,
        /// The call that moved.
        call_id: String,
        /// The in-group, when the reply names it (documented form only;
        /// the real server prints the `phone_number` parameter there).
        #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
        ingroup: Option<String>,
        /// The third field of the server's form when not empty (the number
        /// dialed by EXTENSIONTRANSFER).
        #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
        phone_number: Option<String>,
    },
    /// `SUCCESS: ra_call_control hungup - {agent_user}|{value}|HANGUP`.
    Hungup {
        /// The agent.
        agent_user: String,
        /// The call that was hung up.
        call_id: String,
    },
    /// `ERROR: ingroup is not valid - {ingroup}`: shorter than 2, unknown
    /// or inactive; empty after the dash when `DEFAULTINGROUP` had no
    /// default transfer group to resolve to.
    IngroupNotValid {
        /// The in-group as the server saw it (may be empty or `---NONE---`).
        ingroup: String,
    },
    /// `ERROR: no active call found - {value}`: no live call with that ID.
    /// After a transfer whose outcome was unknown, most likely the first
    /// attempt succeeded (or the caller hung up).
    NoActiveCall {
        /// The call ID as the server saw it.
        call_id: String,
    },
    /// `ERROR: agent_user is not logged in - {agent_user}` (server) or
    /// `ERROR: user not logged in - {agent_user}` (documentation).
    AgentNotLoggedIn {
        /// The agent user.
        agent_user: String,
    },
    /// `ERROR: no user found - {user}` (documentation).
    NoUserFound {
        /// The user.
        user: String,
    },
    /// `ERROR: ra_call_control not valid - {value}|{agent_user}|{stage}`:
    /// one of them was empty.
    NotValid {
        /// The call ID sent (may be empty).
        call_id: String,
        /// The agent user sent (may be empty).
        agent_user: String,
        /// The stage sent (may be empty).
        stage: String,
    },
    /// `ERROR: stage is not valid - {stage}`. The server echoes the stage
    /// unfiltered into an HTML reply: show it as text only.
    StageNotValid {
        /// The stage sent.
        stage: String,
    },
    /// `ERROR: phone_number is not valid - {phone_number}` (EXTENSIONTRANSFER).
    PhoneNumberNotValid {
        /// The number sent.
        phone_number: String,
    },
    /// `ERROR: Invalid Username/Password: |{user}|{pass}|...`: bad
    /// credentials, no API access, inactive or locked user. The password
    /// and SQL the server echoes are NOT kept.
    InvalidCredentials {
        /// The API user.
        user: String,
        /// Why the server refused.
        reason: AuthReason,
    },
    /// `ERROR: Invalid Source - {source}`: fewer than 2 characters left
    /// after filtering (also the answer to a multipart body or a CORS
    /// preflight).
    InvalidSource {
        /// The source as the server saw it.
        source: String,
    },
    /// `ERROR: System API NOT ACTIVE`.
    ApiNotActive,
    /// `ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - {value}|{user}|{function}|{user_group}`.
    PermissionDenied {
        /// The call ID sent.
        call_id: String,
        /// The API user.
        user: String,
        /// The function refused.
        function: String,
        /// The API user's group.
        user_group: String,
    },
    /// The body holds a PHP fatal error. Even when a SUCCESS line precedes
    /// it, nothing was queued (strict SQL mode fails after printing it).
    ServerError {
        /// The fatal error line, redacted and cut to [`MAX_EXCERPT`].
        excerpt: String,
    },
    /// An empty body: the server's answer to a missing or unknown
    /// `function` (and to array parameters, with HTTP 500).
    EmptyReply,
    /// Anything else (an HTML error page, a translated reply, another
    /// function's reply): data to show, redacted.
    Unrecognized {
        /// The start of the body, redacted and cut to [`MAX_EXCERPT`].
        excerpt: String,
    },
}

/// Classifies a reply body. Never panics.
///
/// ```
/// use vicidial_xfer::parse_reply;
/// let noisy = "\nWarning: Undefined variable $DB in api.php on line 304\n\
///              ERROR: ingroup is not valid - OLDQUEUE\n\nWarning: ...\n";
/// assert_eq!(parse_reply(noisy).code(), "INGROUP_NOT_VALID");
/// assert_eq!(parse_reply("").code(), "EMPTY_REPLY");
/// assert_eq!(parse_reply("<html>502 Bad Gateway</html>").code(), "UNRECOGNIZED");
/// ```
pub fn parse_reply(body: &str) -> Reply {
    if body.trim().is_empty() {
        return Reply::EmptyReply;
    }
    if let Some(at) = text::find(body, "Fatal error") {
        let start = text::head(body, at).rfind('\n').map(|i| i + 1).unwrap_or(0);
        return Reply::ServerError { excerpt: redact(text::tail(body, start).trim(), None, MAX_EXCERPT) };
    }
    for line in body.lines() {
        if let Some(reply) = classify_line(line.trim()) {
            return reply;
        }
    }
    // format=debug and HTML-mode errors wrap the line in tags.
    for line in body.lines().filter(|l| l.contains('<') && l.len() <= MAX_TAGGED_LINE) {
        let text = strip_tags(line);
        if let Some(reply) = classify_line(text.trim()) {
            return reply;
        }
    }
    Reply::Unrecognized { excerpt: redact(body.trim(), None, MAX_EXCERPT) }
}

/// Classifies one trimmed line, or `None` when it is not a reply line.
pub(crate) fn classify_line(line: &str) -> Option<Reply> {
    if let Some(rest) = line.strip_prefix("SUCCESS: ra_call_control ") {
        if let Some(args) = rest.strip_prefix("transfer - ") {
            let [agent_user, call_id, third] = split3(args);
            let phone_number = if third.is_empty() { None } else { Some(third) };
            return Some(Reply::Transferred { agent_user, call_id, ingroup: None, phone_number });
        }
        if let Some(args) = rest.strip_prefix("transferred - ") {
            let [agent_user, call_id, ingroup] = split3(args);
            return Some(Reply::Transferred { agent_user, call_id, ingroup: Some(ingroup), phone_number: None });
        }
        if let Some(args) = rest.strip_prefix("hungup - ") {
            let [agent_user, call_id, _] = split3(args);
            return Some(Reply::Hungup { agent_user, call_id });
        }
        return None;
    }
    if let Some(rest) = line.strip_prefix(AUTH_PREFIX) {
        let rest = rest.trim_start();
        let mut parts = rest.strip_prefix('|').unwrap_or("").split('|');
        let user = field(parts.next().unwrap_or(""));
        // parts: pass (never kept), auth, auth_api, reason.
        let reason = AuthReason::from_word(parts.nth(3).unwrap_or(""));
        return Some(Reply::InvalidCredentials { user, reason });
    }
    let rest = line.strip_prefix("ERROR: ")?;
    let after = |prefix: &str| rest.strip_prefix(prefix).map(field);
    if let Some(ingroup) = after("ingroup is not valid -") {
        return Some(Reply::IngroupNotValid { ingroup: unspace(ingroup) });
    }
    if let Some(call_id) = after("no active call found - ") {
        return Some(Reply::NoActiveCall { call_id });
    }
    if let Some(agent_user) = after("agent_user is not logged in - ").or_else(|| after("user not logged in - ")) {
        return Some(Reply::AgentNotLoggedIn { agent_user });
    }
    if let Some(user) = after("no user found - ") {
        return Some(Reply::NoUserFound { user });
    }
    if let Some(args) = rest.strip_prefix("ra_call_control not valid - ") {
        let [call_id, agent_user, stage] = split3(args);
        return Some(Reply::NotValid { call_id, agent_user, stage });
    }
    if let Some(stage) = after("stage is not valid - ") {
        return Some(Reply::StageNotValid { stage });
    }
    if let Some(phone_number) = after("phone_number is not valid - ") {
        return Some(Reply::PhoneNumberNotValid { phone_number });
    }
    if let Some(source) = after("Invalid Source -") {
        return Some(Reply::InvalidSource { source: unspace(source) });
    }
    if rest == "System API NOT ACTIVE" {
        return Some(Reply::ApiNotActive);
    }
    if let Some(args) = rest.strip_prefix("auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ") {
        let mut parts = args.splitn(4, '|');
        let mut next = || field(parts.next().unwrap_or(""));
        let (call_id, user, function, user_group) = (next(), next(), next(), next());
        return Some(Reply::PermissionDenied { call_id, user, function, user_group });
    }
    None
}

/// Drops the one space the server prints after `-` (the line is already
/// trimmed, so an empty value leaves nothing).
fn unspace(value: String) -> String {
    match value.strip_prefix(' ') {
        Some(v) => String::from(v),
        None => value,
    }
}

fn split3(args: &str) -> [String; 3] {
    let mut parts = args.splitn(3, '|');
    let mut next = || field(parts.next().unwrap_or(""));
    [next(), next(), next()]
}

fn field(value: &str) -> String {
    String::from(text::cut(value, MAX_FIELD))
}

fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

impl Reply {
    /// Removes `secret` (when given and not empty) from the kept raw text
    /// of [`Reply::Unrecognized`] and [`Reply::ServerError`]: only free text
    /// (debug pages, PHP errors) can carry a password the server printed.
    /// Typed fields echo the request's own validated values and are kept
    /// exactly, so a short password such as `1234` never rewrites a call ID
    /// that happens to contain those digits.
    pub fn without_secret(self, secret: Option<&str>) -> Reply {
        let Some(secret) = secret.filter(|s| !s.is_empty()) else {
            return self;
        };
        let clean = |t: String| if text::contains(&t, secret) { text::replace(&t, secret, REDACTED) } else { t };
        match self {
            Reply::Unrecognized { excerpt } => Reply::Unrecognized { excerpt: clean(excerpt) },
            Reply::ServerError { excerpt } => Reply::ServerError { excerpt: clean(excerpt) },
            other => other,
        }
    }

    /// The stable machine code of this reply.
    pub const fn code(&self) -> &'static str {
        match self {
            Reply::Transferred { .. } => "TRANSFERRED",
            Reply::Hungup { .. } => "HUNGUP",
            Reply::IngroupNotValid { .. } => "INGROUP_NOT_VALID",
            Reply::NoActiveCall { .. } => "NO_ACTIVE_CALL",
            Reply::AgentNotLoggedIn { .. } => "AGENT_NOT_LOGGED_IN",
            Reply::NoUserFound { .. } => "NO_USER_FOUND",
            Reply::NotValid { .. } => "NOT_VALID",
            Reply::StageNotValid { .. } => "STAGE_NOT_VALID",
            Reply::PhoneNumberNotValid { .. } => "PHONE_NUMBER_NOT_VALID",
            Reply::InvalidCredentials { .. } => "INVALID_CREDENTIALS",
            Reply::InvalidSource { .. } => "INVALID_SOURCE",
            Reply::ApiNotActive => "API_NOT_ACTIVE",
            Reply::PermissionDenied { .. } => "PERMISSION_DENIED",
            Reply::ServerError { .. } => "SERVER_ERROR",
            Reply::EmptyReply => "EMPTY_REPLY",
            Reply::Unrecognized { .. } => "UNRECOGNIZED",
        }
    }

    /// Whether the server reports success (TRANSFERRED or HUNGUP).
    pub const fn is_success(&self) -> bool {
        matches!(self, Reply::Transferred { .. } | Reply::Hungup { .. })
    }

    /// A one-line human message (the same text as `Display`), built
    /// without `core::fmt`.
    pub fn message(&self) -> String {
        let mut m = String::with_capacity(96);
        let mut put = |parts: &[&str]| parts.iter().for_each(|p| m.push_str(p));
        match self {
            Reply::Transferred { agent_user, call_id, ingroup, .. } => {
                put(&["Transferred: call ", call_id, " of agent ", agent_user, " was queued into the in-group"]);
                if let Some(g) = ingroup {
                    put(&[" ", g]);
                }
            }
            Reply::Hungup { agent_user, call_id } => put(&["Hung up: call ", call_id, " of agent ", agent_user]),
            Reply::IngroupNotValid { ingroup } if ingroup.is_empty() => {
                put(&["In-group is not valid: none was given, or DEFAULTINGROUP found no default transfer group"])
            }
            Reply::IngroupNotValid { ingroup } => {
                put(&["In-group is not valid: \"", ingroup, "\" is unknown, inactive or too short"])
            }
            Reply::NoActiveCall { call_id } => put(&["No active call found with call ID ", call_id]),
            Reply::AgentNotLoggedIn { agent_user } => put(&["Agent ", agent_user, " is not logged in"]),
            Reply::NoUserFound { user } => put(&["No user found: ", user]),
            Reply::NotValid { call_id, agent_user, stage } => put(&[
                "Request not valid: call ID, agent user or stage is empty (call ID \"",
                call_id,
                "\", agent \"",
                agent_user,
                "\", stage \"",
                stage,
                "\")",
            ]),
            Reply::StageNotValid { stage } => put(&["Stage is not valid: ", stage]),
            Reply::PhoneNumberNotValid { phone_number } => put(&["Phone number is not valid: ", phone_number]),
            Reply::InvalidCredentials { user, reason } => {
                put(&["Invalid credentials for API user ", user]);
                put(&[match reason {
                    AuthReason::BadPassword => ": wrong user or password",
                    AuthReason::NoApiAccess => ": the user has no agent API access or is inactive",
                    AuthReason::Locked => ": locked after too many failed logins (wait 15 minutes)",
                    AuthReason::NoServers => ": no active Asterisk server",
                    AuthReason::Other => "",
                }]);
            }
            Reply::InvalidSource { source } => put(&["Invalid source \"", source, "\" (at least 2 letters or digits)"]),
            Reply::ApiNotActive => put(&["The VICIdial agent API is not active on this system"]),
            Reply::PermissionDenied { user, function, .. } => {
                put(&["API user ", user, " has no permission to use ", function])
            }
            Reply::ServerError { .. } => put(&["Server error: PHP failed while handling the request (a SUCCESS line before the error does not count)"]),
            Reply::EmptyReply => put(&["Empty reply: the server did not recognise the function"]),
            Reply::Unrecognized { .. } => put(&["Unrecognized reply (shown raw)"]),
        }
        m
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
