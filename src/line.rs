//! The grammar of one `ra_call_control` reply line, as a table.
//!
//! api.php prints `{result}: {reason} - {fields}` where `result` and
//! `reason` pass through its translation function `_QXZ()` (2.10-42 and
//! newer). Each row of [`LINES`] is one line the server (or the published
//! documentation) prints. A line whose reason matches a row but whose
//! result word is not the row's `SUCCESS`/`ERROR` was translated: the
//! server's writes run only `if ($result == 'SUCCESS')` on the translated
//! word, so such a reply never means anything was done.

/// Which reply line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `SUCCESS: ra_call_control transfer - {agent_user}|{value}|{phone_number}`.
    Transfer,
    /// `SUCCESS: ra_call_control transferred - {agent_user}|{value}|{ingroup}` (documentation).
    Transferred,
    /// `SUCCESS: ra_call_control hungup - {agent_user}|{value}|HANGUP`.
    Hungup,
    /// `ERROR: Invalid Username/Password: |{user}|{pass}|{auth}|{auth_api}|{reason}|...`.
    Auth,
    /// `ERROR: ingroup is not valid - {ingroup}`.
    IngroupNotValid,
    /// `ERROR: phone_number is not valid - {phone_number}`.
    PhoneNumberNotValid,
    /// `ERROR: no active call found - {value}`.
    NoActiveCall,
    /// `ERROR: agent_user is not logged in - {agent_user}` (and the documented `user not logged in`).
    AgentNotLoggedIn,
    /// `ERROR: no user found - {user}` (documentation).
    NoUserFound,
    /// `ERROR: ra_call_control not valid - {value}|{agent_user}|{stage}`.
    NotValid,
    /// `ERROR: stage is not valid - {stage}`.
    StageNotValid,
    /// `ERROR: Invalid Source - {source}`.
    InvalidSource,
    /// `ERROR: System API NOT ACTIVE`.
    ApiNotActive,
    /// `ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - {value}|{user}|{function}|{user_group}`.
    PermissionDenied,
}

/// One row: the untranslated result word, the reason text up to the
/// fields, and the kind.
pub(crate) struct Row {
    pub(crate) word: &'static str,
    pub(crate) reason: &'static str,
    pub(crate) kind: Kind,
}

const fn row(word: &'static str, reason: &'static str, kind: Kind) -> Row {
    Row { word, reason, kind }
}

/// Every reply line, in the order they are tried. Reasons that end in
/// `-` take the rest of the line after one optional space (an empty
/// value leaves `- ` or `-` at the end).
pub(crate) const LINES: [Row; 15] = [
    row("SUCCESS", "ra_call_control transfer - ", Kind::Transfer),
    row("SUCCESS", "ra_call_control transferred - ", Kind::Transferred),
    row("SUCCESS", "ra_call_control hungup - ", Kind::Hungup),
    row("ERROR", "Invalid Username/Password:", Kind::Auth),
    row("ERROR", "ingroup is not valid -", Kind::IngroupNotValid),
    row("ERROR", "phone_number is not valid -", Kind::PhoneNumberNotValid),
    row("ERROR", "no active call found - ", Kind::NoActiveCall),
    row("ERROR", "agent_user is not logged in - ", Kind::AgentNotLoggedIn),
    row("ERROR", "user not logged in - ", Kind::AgentNotLoggedIn),
    row("ERROR", "no user found - ", Kind::NoUserFound),
    row("ERROR", "ra_call_control not valid - ", Kind::NotValid),
    row("ERROR", "stage is not valid - ", Kind::StageNotValid),
    row("ERROR", "Invalid Source -", Kind::InvalidSource),
    row("ERROR", "System API NOT ACTIVE", Kind::ApiNotActive),
    row("ERROR", "auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - ", Kind::PermissionDenied),
];

/// A matched line.
pub(crate) struct Matched<'a> {
    pub(crate) kind: Kind,
    /// The text after the reason.
    pub(crate) args: &'a str,
    /// The result word was not the row's (`ERROR`/`SUCCESS`): translated.
    pub(crate) translated: bool,
}

/// The longest result word read as a (possibly translated) result.
const MAX_WORD: usize = 40;

/// Matches one trimmed line against [`LINES`].
pub(crate) fn match_line(line: &str) -> Option<Matched<'_>> {
    let colon = crate::text::find(line, ": ")?;
    if colon == 0 || colon > MAX_WORD {
        return None;
    }
    let word = crate::text::head(line, colon);
    if word.bytes().any(|b| b == b'|' || b == b'<' || b == b'>') {
        return None;
    }
    let rest = crate::text::tail(line, colon + 2);
    let row = LINES.iter().find(|r| {
        rest.starts_with(r.reason) && (r.kind != Kind::ApiNotActive || rest.len() == r.reason.len())
    })?;
    Some(Matched { kind: row.kind, args: crate::text::tail(rest, row.reason.len()), translated: word != row.word })
}

/// Whether `line` is one of the server's reply lines that echo only
/// request values (any reply line but the auth error, which echoes the
/// password).
pub(crate) fn echoes_request_only(line: &str) -> bool {
    match_line(crate::text::trim(line)).is_some_and(|m| m.kind != Kind::Auth)
}
