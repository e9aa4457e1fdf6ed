//! Keeping secrets out of everything the library returns.
//!
//! The server's auth error echoes the password, and when the password is
//! wrong it also prints the SQL statement that contains it:
//! `ERROR: Invalid Username/Password: |6666|wrongpass|0|1|BAD|0|api|SELECT
//! ... pass='wrongpass' ...|`. Debug pages and PHP errors can carry
//! `pass=...` too. [`redact`] removes all of these, and any known secret,
//! before text is kept or shown.

use alloc::string::String;

use crate::line::echoes_request_only;
use crate::text;

/// What stands in place of a removed secret.
pub const REDACTED: &str = "[REDACTED]";

/// The reasons of the servers' auth error lines, after their result word
/// (`ERROR`, or a translation of it: the line is redacted either way):
/// api.php's, and non_agent_api.php's (`|user|pass|BAD|`).
pub const AUTH_REASONS: [&str; 2] = ["Invalid Username/Password:", "Login incorrect, please try again:"];

/// Returns at most `max` bytes of `text` with every password removed
/// first:
/// the password and SQL of an auth error line, every `pass=` value, and
/// every occurrence of `secret` (when given and not empty) outside the
/// server's own reply lines. Those lines (other than the auth error) only
/// echo the request's validated values, never the password, and are kept
/// exactly: a short password such as `1234` must not rewrite a call ID
/// `Y1125092437500041234`.
///
/// ```
/// use vicidial_xfer::redact::redact;
/// let line = "ERROR: Invalid Username/Password: |6666|hunter2|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user='6666' and pass='hunter2';|";
/// let out = redact(line, None, 512);
/// assert_eq!(out, "ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|");
/// assert_eq!(redact("url=?user=a&pass=hunter2&x=1", None, 512), "url=?user=a&pass=[REDACTED]&x=1");
/// assert_eq!(redact("hello hunter2", Some("hunter2"), 512), "hello [REDACTED]");
/// ```
pub fn redact(text: &str, secret: Option<&str>, max: usize) -> String {
    let secret = secret.filter(|s| !s.is_empty());
    // Most replies hold nothing to remove: then the result is the text,
    // cut, without taking every line apart (a third of `parseReply`).
    let clean = secret.is_none_or(|s| !text::contains(text, s))
        && !text::contains(text, PASS_KEY)
        && AUTH_REASONS.iter().all(|r| !text::contains(text, r));
    if clean {
        return String::from(text::cut(text, max));
    }
    redact_lines(text, secret, max)
}

/// [`redact`] line by line (the test `nothing_to_remove_is_the_text_cut`
/// pins the shortcut above to it). Never inlined (build.mjs
/// `NOT_INLINED`): a first parse of a reply with nothing to remove does
/// not compile it.
#[inline(never)]
fn redact_lines(text: &str, secret: Option<&str>, max: usize) -> String {
    let mut out = String::new();
    // Each line is redacted whole and only then added: the cut at `max`
    // can only fall in text that no longer holds a secret.
    for (i, line) in text::split(text, b'\n').enumerate() {
        if out.len() >= max {
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        let line = redact_auth_line(line);
        let line = redact_pass_params(&line);
        match secret {
            Some(s) if text::contains(&line, s) && !echoes_request_only(&line) => out.push_str(&text::replace(&line, s, REDACTED)),
            _ => out.push_str(&line),
        }
    }
    out.truncate(text::floor_boundary(&out, max));
    out
}

/// Rewrites an auth error line to `...: |{user}|[REDACTED]|{auth}|{auth_api}|{reason}|`.
fn redact_auth_line(line: &str) -> String {
    let Some((at, reason)) = AUTH_REASONS.iter().find_map(|r| text::find(line, r).map(|at| (at, r))) else {
        return String::from(line);
    };
    let (before, rest) = (text::head(line, at + reason.len()), text::tail(line, at + reason.len()));
    let mut out = String::from(before);
    let mut parts = text::split(text::trim_start(rest).strip_prefix('|').unwrap_or(""), b'|');
    let user = parts.next().unwrap_or("");
    let _password = parts.next();
    out.push_str(" |");
    out.push_str(text::cut(user, 100));
    out.push('|');
    out.push_str(REDACTED);
    out.push('|');
    // auth, auth_api and the one-word reason; the SQL after it is dropped.
    for part in parts.take(3) {
        if part.len() > 16 || part.chars().any(|c| c.is_whitespace() || c == '\'') {
            break;
        }
        out.push_str(part);
        out.push('|');
    }
    out
}

/// What precedes a password in a query string or SQL.
const PASS_KEY: &str = "pass=";

/// Replaces the value of every `pass=` (query string or SQL) with [`REDACTED`].
fn redact_pass_params(line: &str) -> String {
    const KEY: &str = PASS_KEY;
    if !text::contains(line, KEY) {
        return String::from(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = text::find(rest, KEY) {
        let (head, tail) = (text::head(rest, at + KEY.len()), text::tail(rest, at + KEY.len()));
        out.push_str(head);
        let quote = tail.chars().next().filter(|c| *c == '\'' || *c == '"');
        let end = match quote {
            // (`q` is ASCII: ' or ".)
            Some(q) => text::find_byte(text::tail(tail, 1), q as u8).map(|i| i + 2).unwrap_or(tail.len()),
            None => tail
                .char_indices()
                .find(|&(_, c)| c == '&' || c == '|' || c == ';' || c == '<' || c == '"' || c == '\'' || c.is_whitespace())
                .map_or(tail.len(), |(i, _)| i),
        };
        if let Some(q) = quote {
            out.push(q);
            out.push_str(REDACTED);
            out.push(q);
        } else {
            out.push_str(REDACTED);
        }
        rest = text::tail(tail, end);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn nothing_to_remove_is_the_text_cut(
            parts in proptest::collection::vec(proptest::sample::select(alloc::vec![
                "SUCCESS: ra_call_control transfer - 1028|Y1|", "\n", "\r\n", "é😀", "pass", "pass=", "=x", "Invalid Username/Password:", "hunter2", "hunt", "|", " ", "<b>",
            ]), 0..12),
            secret in proptest::option::of(proptest::sample::select(alloc::vec!["hunter2", "", "1028", "é"])),
            max in 0usize..120,
        ) {
            let text: String = parts.concat();
            prop_assert_eq!(redact(&text, secret, max), redact_lines(&text, secret.filter(|s| !s.is_empty()), max));
        }
    }
}
