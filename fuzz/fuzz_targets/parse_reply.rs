//! parse_reply / redact on arbitrary bytes.
//!
//! Properties checked on every input:
//! 1. `parse_reply` never panics (valid UTF-8 as is, anything else lossily).
//! 2. Bounds: every typed field <= MAX_FIELD bytes, excerpts <= MAX_EXCERPT,
//!    `message()` <= MESSAGE_BOUND and `Display` == `message()`;
//!    `redact(body, secret, max)` <= max bytes.
//! 3. An auth error line `ERROR: Invalid Username/Password: |u|<pass>|a|b|r|<rest>`
//!    built from the input (user and pass in the server's filtered charsets,
//!    `rest` may repeat the password anywhere, like the SQL the real server
//!    prints) never leaks its password slot: the parsed reply and the
//!    redacted text are identical whatever the password is, and with the
//!    password given as `secret` no whole copy of it survives outside the
//!    `[REDACTED]` markers (when the rest of the body does not itself
//!    contain the password).
//! 4. A SUCCESS line of either stage (fields from the input, filtered as the
//!    server's are) followed by arbitrary text: the reply is that success
//!    when the text is empty or blank, SUCCESS_NOT_COMPLETED otherwise or
//!    TRANSFERRED/HUNGUP with exactly those fields; never anything else; a
//!    "Fatal error" after the line is FATAL_ERROR, "Could not connect: "
//!    (without one) QUEUE_METRICS_CONNECT; `line` is the SUCCESS line; with
//!    the password as secret, no excerpt keeps it.
//! 5. The same line with its result word replaced by another word from the
//!    input (a translation) is TRANSLATED, never a success.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vicidial_xfer::redact::{redact, REDACTED};
use vicidial_xfer::reply::{parse_reply, parse_reply_with_secret, Died, Reply, MAX_EXCERPT, MAX_FIELD};

/// The longest fixed text of a message plus three fields (NotValid).
const MESSAGE_BOUND: usize = 3 * MAX_FIELD + 128;

fn texts(r: &Reply) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    macro_rules! f {
        ($name:expr, $v:expr) => {
            out.push(($name, $v.as_str()))
        };
    }
    match r {
        Reply::Transferred { agent_user, call_id, ingroup, phone_number } => {
            f!("agent_user", agent_user);
            f!("call_id", call_id);
            if let Some(g) = ingroup {
                f!("ingroup", g);
            }
            if let Some(p) = phone_number {
                f!("phone_number", p);
            }
        }
        Reply::Hungup { agent_user, call_id } => {
            f!("agent_user", agent_user);
            f!("call_id", call_id);
        }
        Reply::IngroupNotValid { ingroup } => f!("ingroup", ingroup),
        Reply::NoActiveCall { call_id } => f!("call_id", call_id),
        Reply::AgentNotLoggedIn { agent_user } => f!("agent_user", agent_user),
        Reply::NoUserFound { user } => f!("user", user),
        Reply::NotValid { call_id, agent_user, stage } => {
            f!("call_id", call_id);
            f!("agent_user", agent_user);
            f!("stage", stage);
        }
        Reply::StageNotValid { stage } => f!("stage", stage),
        Reply::PhoneNumberNotValid { phone_number } => f!("phone_number", phone_number),
        Reply::InvalidCredentials { user, .. } => f!("user", user),
        Reply::InvalidSource { source } => f!("source", source),
        Reply::PermissionDenied { call_id, user, function, user_group } => {
            f!("call_id", call_id);
            f!("user", user);
            f!("function", function);
            f!("user_group", user_group);
        }
        Reply::ServerError { excerpt } | Reply::Unrecognized { excerpt } | Reply::Translated { excerpt } => f!("excerpt", excerpt),
        Reply::SuccessNotCompleted { line, excerpt, .. } => {
            out.push(("line", line.as_str()));
            out.push(("excerpt", excerpt.as_str()));
        }
        Reply::ApiNotActive | Reply::EmptyReply => {}
    }
    out
}

fn check_bounds(body: &str) -> Reply {
    let reply = parse_reply(body);
    for (name, v) in texts(&reply) {
        let bound = if name == "excerpt" { MAX_EXCERPT } else { MAX_FIELD };
        assert!(v.len() <= bound, "{} field {name} is {} bytes (> {bound})", reply.code(), v.len());
    }
    let message = reply.message();
    assert!(message.len() <= MESSAGE_BOUND, "message is {} bytes (> {MESSAGE_BOUND})", message.len());
    assert_eq!(reply.to_string(), message, "Display differs from message()");
    assert!(!reply.code().is_empty());
    reply
}

/// The server keeps only these in `user` (and the echoed user is filtered).
fn user_char(b: u8) -> u8 {
    const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    SET[b as usize % SET.len()]
}

/// The server keeps only these in `pass`.
const PASS_SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=";

fn pass_char(b: u8) -> u8 {
    PASS_SET[b as usize % PASS_SET.len()]
}

/// The same password shape with every character moved to another one of
/// the set: a different password of the same length.
fn other_pass(p: &str) -> String {
    p.bytes()
        .map(|c| {
            let i = PASS_SET.iter().position(|&x| x == c).unwrap();
            PASS_SET[(i + 17) % PASS_SET.len()] as char
        })
        .collect()
}

/// Text outside the `[REDACTED]` markers contains `secret` whole.
fn leaks(text: &str, secret: &str) -> bool {
    text.replace(REDACTED, "\u{0}").contains(secret)
}

/// Splits the input into the parts of an auth error body. Layout:
/// `noise_before \x00 user \x00 pass \x00 auth \x00 auth_api \x00 reason \x00 rest \x00 noise_after`;
/// in `rest`, byte 0x01 stands for the quoted password (as in the server's SQL).
fn auth_body(data: &[u8], pass: &str) -> Option<(String, String)> {
    let mut parts = data.split(|&b| b == 0);
    let before = String::from_utf8_lossy(parts.next()?).into_owned();
    let user: String = parts.next()?.iter().take(40).map(|&b| user_char(b) as char).collect();
    let _pass_bytes = parts.next()?;
    // The server's own words: no `|` (it would shift the slots) and no line break.
    let word = |b: &[u8]| -> String {
        String::from_utf8_lossy(b).chars().filter(|c| *c != '|' && *c != '\n').take(40).collect()
    };
    let auth = word(parts.next()?);
    let auth_api = word(parts.next()?);
    let reason = word(parts.next()?);
    let rest: String = String::from_utf8_lossy(parts.next()?)
        .chars()
        .filter(|c| *c != '\n')
        .collect::<String>()
        // Quoted, as the server's SQL prints it (`pass='...'`): the password
        // never runs into neighbouring text (an unquoted "...F" + "atal error"
        // tail made "Fatal error", which the real server cannot print).
        .replace('\u{1}', &format!("'{pass}'"));
    let after = parts.next().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let line = format!("ERROR: Invalid Username/Password: |{user}|{pass}|{auth}|{auth_api}|{reason}|{rest}");
    let before = if before.is_empty() { before } else { before + "\n" };
    let after = if after.is_empty() { after } else { "\n".to_string() + &after };
    Some((format!("{before}{line}{after}"), user))
}

fn auth_pass(data: &[u8]) -> Option<String> {
    let pass_bytes = data.split(|&b| b == 0).nth(2)?;
    let pass: String = pass_bytes.iter().take(100).map(|&b| pass_char(b) as char).collect();
    if pass.is_empty() {
        None
    } else {
        Some(pass)
    }
}

/// Properties 4 and 5. Layout: `stage_byte agent \x00 call \x00 word \x00 after`.
fn success_line(data: &[u8]) {
    let Some((&stage, rest)) = data.split_first() else { return };
    let mut parts = rest.splitn(4, |&b| b == 0);
    let (Some(a), Some(c), Some(w), Some(after)) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return };
    let agent: String = a.iter().take(20).map(|&b| user_char(b) as char).collect();
    let call: String = c.iter().take(20).map(|&b| user_char(b) as char).collect();
    if agent.is_empty() || call.is_empty() {
        return;
    }
    let hangup = stage % 2 == 1;
    let line = if hangup {
        format!("SUCCESS: ra_call_control hungup - {agent}|{call}|HANGUP")
    } else {
        format!("SUCCESS: ra_call_control transfer - {agent}|{call}|")
    };
    let after = String::from_utf8_lossy(after);
    let body = format!("{line}\n{after}");
    let secret = "s3cr3t-Pw";
    let reply = parse_reply_with_secret(&body, Some(secret));
    let blank = after.split('\n').all(|l| l.trim().is_empty());
    match &reply {
        Reply::Transferred { agent_user, call_id, .. } if !hangup => assert!(agent_user == &agent && call_id == &call, "{body:?}"),
        Reply::Hungup { agent_user, call_id } if hangup => assert!(agent_user == &agent && call_id == &call, "{body:?}"),
        Reply::SuccessNotCompleted { line: l, cause, excerpt } => {
            assert!(!blank, "blank text after a SUCCESS line made it not completed: {body:?}");
            assert_eq!(l, &line);
            if after.contains("Fatal error") {
                assert_eq!(*cause, Died::FatalError, "{body:?}");
            } else if after.contains("Could not connect: ") && !after.contains("Uncaught ") {
                assert_eq!(*cause, Died::QueueMetricsConnect, "{body:?}");
            }
            // (A reply line in the text keeps its echoed values: every such line has ": ".)
            if !after.split('\n').any(|l| l.contains(": ")) {
                assert!(!leaks(excerpt, secret), "the excerpt keeps the secret: {excerpt:?}");
            }
        }
        other => panic!("a SUCCESS line followed by text gave {}: {body:?}", other.code()),
    }
    if blank {
        assert!(reply.is_success(), "{body:?}");
    }
    // 5: a translated result word.
    let word: String = String::from_utf8_lossy(w).chars().filter(|c| !c.is_whitespace() && !matches!(c, '|' | '<' | '>' | ':')).take(10).collect();
    if word.is_empty() || word == "SUCCESS" || word.contains("Fatal") {
        return;
    }
    let translated = format!("{word}{}\n", &line["SUCCESS".len()..]);
    let r = check_bounds(&translated);
    assert_eq!(r.code(), "TRANSLATED", "{translated:?}");
}

fuzz_target!(|data: &[u8]| {
    success_line(data);
    // 1 + 2: the input itself, as UTF-8 when it is, else lossily.
    let body = match std::str::from_utf8(data) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(data),
    };
    check_bounds(&body);
    let max = data.first().map(|&b| b as usize * 3).unwrap_or(0);
    assert!(redact(&body, None, MAX_EXCERPT).len() <= MAX_EXCERPT);
    assert!(redact(&body, None, max).len() <= max);
    let secret = body.get(..body.len().min(8)).unwrap_or("");
    assert!(redact(&body, Some(secret), max).len() <= max);

    // 3: an auth error line around a password slot.
    let Some(pass) = auth_pass(data) else { return };
    let Some((with_p, _user)) = auth_body(data, &pass) else { return };
    let q = other_pass(&pass);
    let (with_q, _) = auth_body(data, &q).unwrap();
    let (rp, rq) = (check_bounds(&with_p), check_bounds(&with_q));
    assert_eq!(rp, rq, "the parsed reply depends on the password slot:\n{with_p:?}");
    let (xp, xq) = (redact(&with_p, None, MAX_EXCERPT), redact(&with_q, None, MAX_EXCERPT));
    assert_eq!(xp, xq, "the redacted text depends on the password slot:\n{with_p:?}");
    // With the password known as the secret, no copy of it that came from
    // the password slot (or its SQL repetitions) survives. Checked only when
    // the rest of the body does not contain the password by itself (the
    // library removes a known secret from free text only, never from the
    // server's reply lines, which echo request values such as call IDs), and
    // when the password is not a part of the marker itself (e.g. "C": the
    // marker, or the marker cut at the 512-byte limit, contains it).
    if REDACTED.contains(pass.as_str()) {
        return;
    }
    let (neutral, _) = auth_body(data, "\u{2}").unwrap();
    if neutral.contains(pass.as_str()) {
        return;
    }
    let reply = parse_reply_with_secret(&with_p, Some(&pass));
    for (name, v) in texts(&reply) {
        assert!(!leaks(v, &pass), "field {name} keeps the password {pass:?}: {v:?}");
    }
    // (message() is these fields plus fixed English text, which may itself
    // contain a short "password" such as "o": checked through the fields.)
    let raw = redact(&with_p, Some(&pass), MAX_EXCERPT);
    assert!(!leaks(&raw, &pass), "redact keeps the password {pass:?}: {raw:?}");
});
