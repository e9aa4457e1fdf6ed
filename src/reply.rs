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

use crate::line::{match_line, Kind};
use crate::redact::redact;
use crate::text;

/// The most bytes kept of one typed field: at least the longest field a
/// request can carry (a phone_number of 193), so a reply echoing a request
/// is never cut.
pub const MAX_FIELD: usize = 200;
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
    /// `IPBLOCK`: the API user's group has an IP allow list without the
    /// caller's address, or the system blocks it.
    IpBlocked,
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
            "IPBLOCK" => AuthReason::IpBlocked,
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
    /// A SUCCESS line, and then the script died: api.php prints the line
    /// BEFORE it writes anything, so the action was not queued (or not
    /// for certain; see [`Died`]). The live call may still be there.
    SuccessNotCompleted {
        /// The SUCCESS line as printed (cut to [`MAX_FIELD`]).
        line: String,
        /// What followed it.
        cause: Died,
        /// What followed the line, redacted and cut to [`MAX_EXCERPT`].
        excerpt: String,
    },
    /// A reply line whose result word was translated (languages enabled
    /// for the API user): the server's writes run only when the word is
    /// exactly `SUCCESS`, so nothing was done, whatever the line says.
    Translated {
        /// The line, redacted and cut to [`MAX_EXCERPT`].
        excerpt: String,
    },
    /// The body holds a PHP fatal error before any reply line.
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

/// What followed a SUCCESS line that was not a benign trailer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum Died {
    /// `Could not connect: {server}|{login}...`: the optional QueueMetrics
    /// connection failed (api.php 2.12-49 and newer `die()`s there, after
    /// writing the statuses and BEFORE queueing the action): nothing was
    /// queued, the call is still live.
    QueueMetricsConnect,
    /// A PHP `Fatal error` (strict SQL mode, an uncaught exception): the
    /// script stopped at a write; which writes were done is not known.
    FatalError,
    /// Any other text after the line: the script did not finish normally.
    UnexpectedOutput,
}

impl Died {
    /// Whether the action is known NOT to have been queued.
    pub const fn nothing_queued(self) -> bool {
        matches!(self, Died::QueueMetricsConnect)
    }

    /// The stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            Died::QueueMetricsConnect => "QUEUE_METRICS_CONNECT",
            Died::FatalError => "FATAL_ERROR",
            Died::UnexpectedOutput => "UNEXPECTED_OUTPUT",
        }
    }
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
/// let died = "SUCCESS: ra_call_control transfer - 1028|Y1|\nCould not connect: 10.0.0.9|qm";
/// assert_eq!(parse_reply(died).code(), "SUCCESS_NOT_COMPLETED");
/// assert_eq!(parse_reply("ÉXITO: ra_call_control transfer - 1028|Y1|\n").code(), "TRANSLATED");
/// ```
pub fn parse_reply(body: &str) -> Reply {
    parse_reply_with_secret(body, None)
}

/// [`parse_reply`], removing `secret` (the password the request carried)
/// from every excerpt BEFORE it is cut, so no fragment of it survives.
/// Typed fields echo the request's own validated values and are kept
/// exactly (a password `1234` never rewrites a call ID `Y...01234`).
pub fn parse_reply_with_secret(body: &str, secret: Option<&str>) -> Reply {
    if text::trim(body).is_empty() {
        return Reply::EmptyReply;
    }
    let found = find_reply_line(body);
    let fatal = text::find(body, "Fatal error");
    match found {
        // The common reply: an ERROR line, or a SUCCESS line with nothing
        // but white space after it, and no fatal error before it.
        Some((at, reply)) if fatal.is_none_or(|f| f >= at) && (!reply.is_success() || blank(text::tail(body, line_end(body, at)))) => reply,
        found => unusual_reply(body, found, fatal, secret),
    }
}

/// [`parse_reply_with_secret`] for every other body (PHP errors, text
/// after a SUCCESS line, no reply line). A function of its own, never
/// inlined (build.mjs `NOT_INLINED`): V8 compiles a wasm function whole
/// the first time it runs, so the first parse of a common reply does not
/// compile this.
#[inline(never)]
fn unusual_reply(body: &str, found: Option<(usize, Reply)>, fatal: Option<usize>, secret: Option<&str>) -> Reply {
    let excerpt = |t: &str| redact(text::trim(t), secret, MAX_EXCERPT);
    match found {
        Some((at, _)) if fatal.is_some_and(|f| f < at) => {
            Reply::ServerError { excerpt: excerpt(text::tail(body, line_start(body, fatal.unwrap_or(0)))) }
        }
        Some((at, reply)) if reply.is_success() => {
            let end = line_end(body, at);
            let after = text::tail(body, end);
            match died_after(after) {
                None => reply,
                Some(cause) => Reply::SuccessNotCompleted {
                    line: field(text::trim(text::head(text::tail(body, at), end - at))),
                    cause,
                    excerpt: excerpt(after),
                },
            }
        }
        Some((_, reply)) => reply,
        None => match fatal {
            Some(f) => Reply::ServerError { excerpt: excerpt(text::tail(body, line_start(body, f))) },
            // (`trim` drops the `\r` that `lines` would.)
            None => match text::split(body, b'\n').find(|l| match_line(text::trim(l)).is_some_and(|m| m.translated)) {
                Some(line) => Reply::Translated { excerpt: excerpt(line) },
                None => Reply::Unrecognized { excerpt: excerpt(body) },
            },
        },
    }
}

/// The offset just after the line that starts at `at` (its `\n` included).
fn line_end(body: &str, at: usize) -> usize {
    text::find_byte(text::tail(body, at), b'\n').map(|i| at + i + 1).unwrap_or(body.len())
}

/// Only ASCII white space (or nothing).
fn blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

fn line_start(body: &str, at: usize) -> usize {
    text::head(body, at).bytes().rposition(|b| b == b'\n').map(|i| i + 1).unwrap_or(0)
}

/// The first untranslated reply line: its byte offset and meaning. Lines
/// wrapped in tags (`format=debug`, HTML-mode errors) are read without them.
fn find_reply_line(body: &str) -> Option<(usize, Reply)> {
    let mut offset = 0;
    for line in text::split(body, b'\n') {
        let at = offset;
        offset += line.len() + 1;
        if let Some(reply) = classify_line(text::trim(line)) {
            return Some((at, reply));
        }
        if text::find_byte(line, b'<').is_some() && line.len() <= MAX_TAGGED_LINE {
            if let Some(reply) = classify_line(text::trim(&strip_tags(line))) {
                return Some((at, reply));
            }
        }
    }
    None
}

/// What the text after a SUCCESS line says about how the script ended:
/// `None` when it is empty or only benign trailers (the close-window link
/// of `close_window_link=1`, `format=debug`'s HTML comments, PHP warnings
/// and notices, after which the script goes on).
fn died_after(after: &str) -> Option<Died> {
    if blank(after) {
        return None;
    }
    if text::contains(after, "Fatal error") || text::contains(after, "Uncaught ") {
        return Some(Died::FatalError);
    }
    if text::contains(after, "Could not connect: ") {
        return Some(Died::QueueMetricsConnect);
    }
    let benign = |l: &str| {
        let l = text::trim(l);
        if l.is_empty() || (l.starts_with("<!--") && l.ends_with("-->")) || l == CLOSE_WINDOW_LINK {
            return true;
        }
        let plain = strip_tags(l);
        let plain = text::trim(&plain);
        plain.is_empty() || ["Warning: ", "Notice: ", "Deprecated: "].iter().any(|p| plain.starts_with(p))
    };
    if text::split(after, b'\n').all(benign) {
        None
    } else {
        Some(Died::UnexpectedOutput)
    }
}

/// The trailer `close_window_link=1` appends after the reply line.
const CLOSE_WINDOW_LINK: &str = "<a href=\"javascript:window.opener='x';window.close();\">Close This Window</a>";

/// Classifies one trimmed line, or `None` when it is not an untranslated
/// reply line.
fn classify_line(line: &str) -> Option<Reply> {
    let m = match_line(line)?;
    if m.translated {
        return None;
    }
    let args = m.args;
    Some(match m.kind {
        Kind::Transfer | Kind::Transferred | Kind::Hungup => classify_success(m.kind, args),
        kind => classify_error(kind, args),
    })
}

/// The SUCCESS lines of [`classify_line`] (never inlined, as
/// [`classify_error`]: a first reply compiles only its own kind's half).
#[inline(never)]
fn classify_success(kind: Kind, args: &str) -> Reply {
    // One split for the three kinds: one call site, so split_ends is inlined (a first parse compiles
    // one function and 72 B less).
    let [agent_user, call_id, third] = split_ends(args);
    match kind {
        Kind::Transfer => {
            let phone_number = if third.is_empty() { None } else { Some(third) };
            Reply::Transferred { agent_user, call_id, ingroup: None, phone_number }
        }
        Kind::Transferred => Reply::Transferred { agent_user, call_id, ingroup: Some(third), phone_number: None },
        // Kind::Hungup (classify_line passes only the SUCCESS kinds here); the third field is `HANGUP`.
        _ => Reply::Hungup { agent_user, call_id },
    }
}

/// The ERROR lines of [`classify_line`] (never inlined: build.mjs `NOT_INLINED`).
#[inline(never)]
fn classify_error(kind: Kind, args: &str) -> Reply {
    match kind {
        Kind::Auth => {
            let mut parts = text::split(text::trim_start(args).strip_prefix('|').unwrap_or(""), b'|');
            let user = field(parts.next().unwrap_or(""));
            // parts: pass (never kept), auth, auth_api, reason.
            let reason = AuthReason::from_word(parts.nth(3).unwrap_or(""));
            Reply::InvalidCredentials { user, reason }
        }
        Kind::IngroupNotValid => Reply::IngroupNotValid { ingroup: unspace(field(args)) },
        Kind::PhoneNumberNotValid => Reply::PhoneNumberNotValid { phone_number: unspace(field(args)) },
        Kind::NoActiveCall => Reply::NoActiveCall { call_id: field(args) },
        Kind::AgentNotLoggedIn => Reply::AgentNotLoggedIn { agent_user: field(args) },
        Kind::NoUserFound => Reply::NoUserFound { user: field(args) },
        Kind::NotValid => {
            let [call_id, agent_user, stage] = split3(args);
            Reply::NotValid { call_id, agent_user, stage }
        }
        Kind::StageNotValid => Reply::StageNotValid { stage: field(args) },
        Kind::InvalidSource => Reply::InvalidSource { source: unspace(field(args)) },
        Kind::ApiNotActive => Reply::ApiNotActive,
        Kind::PermissionDenied => {
            let mut parts = text::splitn(args, 4, b'|');
            let mut next = || field(parts.next().unwrap_or(""));
            let (call_id, user, function, user_group) = (next(), next(), next(), next());
            Reply::PermissionDenied { call_id, user, function, user_group }
        }
        // (classify_line sends these to classify_success.)
        Kind::Transfer | Kind::Transferred | Kind::Hungup => classify_success(kind, args),
    }
}

/// Drops the one space the server prints after `-` (the line is already
/// trimmed, so an empty value leaves nothing).
fn unspace(value: String) -> String {
    match value.strip_prefix(' ') {
        Some(v) => String::from(v),
        None => value,
    }
}

/// `{agent_user}|{value}|{third}` of a SUCCESS line: agent_user and the
/// third field (phone_number, or `HANGUP`) never hold a `|` (their filters
/// delete it), the call ID may (value keeps `|` from 2.14-67): so the call ID
/// is everything between the first and the last `|` (recorded:
/// realserver-extra-2.14-82.jsonl `*_callid_with_pipe`).
fn split_ends(args: &str) -> [String; 3] {
    // Bytes, not `str::find` / `rfind` (their char searcher costs the wasm 0.5 KB): `|` is ASCII.
    match (text::find_byte(args, b'|'), args.bytes().rposition(|b| b == b'|')) {
        (Some(first), Some(last)) if first < last => {
            // `|` is ASCII: every index here is a char boundary (`get`: no panic path in the wasm).
            [field(text::head(args, first)), field(args.get(first + 1..last).unwrap_or("")), field(text::tail(args, last + 1))]
        }
        _ => split3(args),
    }
}

fn split3(args: &str) -> [String; 3] {
    let mut parts = text::splitn(args, 3, b'|');
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
    /// Every reply code, in declaration order (bindings and type
    /// declarations are checked against this list).
    pub const CODES: [&'static str; 18] = [
        "TRANSFERRED",
        "HUNGUP",
        "INGROUP_NOT_VALID",
        "NO_ACTIVE_CALL",
        "AGENT_NOT_LOGGED_IN",
        "NO_USER_FOUND",
        "NOT_VALID",
        "STAGE_NOT_VALID",
        "PHONE_NUMBER_NOT_VALID",
        "INVALID_CREDENTIALS",
        "INVALID_SOURCE",
        "API_NOT_ACTIVE",
        "PERMISSION_DENIED",
        "SUCCESS_NOT_COMPLETED",
        "TRANSLATED",
        "SERVER_ERROR",
        "EMPTY_REPLY",
        "UNRECOGNIZED",
    ];

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
            Reply::SuccessNotCompleted { .. } => "SUCCESS_NOT_COMPLETED",
            Reply::Translated { .. } => "TRANSLATED",
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
            Reply::Transferred { agent_user, call_id, ingroup, phone_number } => {
                put(&["Transferred: the server queued the move of call ", call_id, " of agent ", agent_user]);
                if let Some(g) = ingroup {
                    put(&[" into in-group ", g]);
                }
                if let Some(n) = phone_number {
                    put(&[" to ", n]);
                }
            }
            Reply::Hungup { agent_user, call_id } => put(&["Hung up: call ", call_id, " of agent ", agent_user]),
            _ => self.failure_message(&mut m),
        }
        m
    }

    /// [`Reply::message`] of every reply but the two successes (never
    /// inlined: build.mjs `NOT_INLINED`).
    #[inline(never)]
    fn failure_message(&self, m: &mut String) {
        let mut put = |parts: &[&str]| parts.iter().for_each(|p| m.push_str(p));
        match self {
            Reply::Transferred { .. } | Reply::Hungup { .. } => {}
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
            Reply::PhoneNumberNotValid { phone_number } if phone_number.is_empty() => {
                put(&["Phone number is not valid: fewer than 2 characters were left after the server's filter"])
            }
            Reply::PhoneNumberNotValid { phone_number } => put(&["Phone number is not valid: ", phone_number]),
            Reply::InvalidCredentials { user, reason } => {
                put(&["Invalid credentials for API user ", user]);
                put(&[match reason {
                    AuthReason::BadPassword => ": wrong user or password",
                    AuthReason::NoApiAccess => ": the user has no agent API access or is inactive",
                    AuthReason::Locked => ": locked after too many failed logins (wait 15 minutes)",
                    AuthReason::NoServers => ": no active Asterisk server",
                    AuthReason::IpBlocked => ": the caller's IP address is not allowed for this user",
                    AuthReason::Other => "",
                }]);
            }
            Reply::InvalidSource { source } => put(&["Invalid source \"", source, "\" (at least 2 letters or digits)"]),
            Reply::ApiNotActive => put(&["The VICIdial agent API is not active on this system"]),
            Reply::PermissionDenied { user, function, .. } => {
                put(&["API user ", user, " has no permission to use ", function])
            }
            Reply::SuccessNotCompleted { cause, .. } => put(&[match cause {
                Died::QueueMetricsConnect => "Not done: the server printed SUCCESS, then failed to connect to QueueMetrics before queueing the action; the call is still live",
                Died::FatalError => "Not confirmed: the server printed SUCCESS, then failed with a PHP fatal error; do not retry, check the call",
                Died::UnexpectedOutput => "Not confirmed: the server printed SUCCESS, then something unexpected; do not retry, check the call",
            }]),
            Reply::Translated { .. } => put(&["Translated reply: the server did nothing (its actions run only on the untranslated word SUCCESS); turn languages off for the API user"]),
            Reply::ServerError { .. } => put(&["Server error: PHP failed while handling the request"]),
            Reply::EmptyReply => put(&["Empty reply: the server did not recognise the function"]),
            Reply::Unrecognized { .. } => put(&["Unrecognized reply (shown raw)"]),
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
