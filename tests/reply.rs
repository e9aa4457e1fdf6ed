//! Reply parsing where real servers put the line, and malformed bodies.

use vicidial_xfer::reply::{MAX_EXCERPT, MAX_FIELD};
use vicidial_xfer::{parse_reply, Reply};

const OK: &str = "SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|";

#[test]
fn tolerates_missing_newline_crlf_and_surrounding_whitespace() {
    for body in [OK.to_string(), format!("{OK}\r\n"), format!("  \n\t{OK}  \r\n\n"), format!("{OK}\n\n")] {
        assert_eq!(parse_reply(&body).code(), "TRANSFERRED", "{body:?}");
    }
}

#[test]
fn finds_the_line_among_php_warnings() {
    let body = format!("\nWarning: Undefined variable $DB in /var/www/html/agc/api.php on line 304\n\nDeprecated: x\n{OK}\n\nWarning: y\n");
    assert_eq!(parse_reply(&body).code(), "TRANSFERRED");
}

#[test]
fn finds_the_line_inside_a_debug_html_page() {
    let body = format!("<html><body>\n<pre>SELECT x from y;</pre>\n<br><b>{OK}</b><br>\n</body></html>");
    assert_eq!(parse_reply(&body).code(), "TRANSFERRED");
}

#[test]
fn a_fatal_error_after_success_means_the_success_did_not_complete() {
    let body = format!("{OK}\n<br />\n<b>Fatal error</b>:  Uncaught mysqli_sql_exception: Incorrect integer value: '' for column `man_id` in /var/www/html/agc/api.php:3504\n");
    let r = parse_reply(&body);
    assert_eq!(r.code(), "SUCCESS_NOT_COMPLETED");
    assert!(!r.is_success());
    let text = format!("{OK}\nPHP Fatal error:  Uncaught mysqli_sql_exception: x in /var/www/html/agc/api.php:1\n");
    assert_eq!(parse_reply(&text).code(), "SUCCESS_NOT_COMPLETED");
    assert_eq!(parse_reply(&format!("Fatal error: x\n{OK}")).code(), "SERVER_ERROR", "a fatal error before the line");
}

#[test]
fn html_error_pages_and_translated_replies_are_unrecognized_and_kept_redacted() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    assert!(matches!(parse_reply(page), Reply::Unrecognized { ref excerpt } if excerpt == page));
    assert_eq!(parse_reply("ERREUR: aucun appel actif trouvé - Y1\n").code(), "UNRECOGNIZED");
    assert_eq!(parse_reply("Coffee: coffee|Error 418 I'm a teapot\n").code(), "UNRECOGNIZED");
    let r = parse_reply("<pre>UPDATE vicidial_users set x=1 where user='6666' and pass='topsecret';</pre>");
    assert!(!format!("{r:?}").contains("topsecret"));
}

#[test]
fn replies_of_any_size_keep_bounded_text() {
    let huge = "x".repeat(5_000_000);
    match parse_reply(&huge) {
        Reply::Unrecognized { excerpt } => assert!(excerpt.len() <= MAX_EXCERPT),
        other => panic!("{other:?}"),
    }
    let long_stage = format!("ERROR: stage is not valid - {}\n", "é".repeat(10_000));
    match parse_reply(&long_stage) {
        Reply::StageNotValid { stage } => assert!(stage.len() <= MAX_FIELD && stage.chars().all(|c| c == 'é')),
        other => panic!("{other:?}"),
    }
}

#[test]
fn stage_echo_is_kept_as_plain_text() {
    let r = parse_reply("ERROR: stage is not valid - <b>X</b>\n");
    assert_eq!(r, Reply::StageNotValid { stage: "<b>X</b>".into() });
}

#[test]
fn ingroup_not_valid_keeps_the_servers_view_of_the_value() {
    assert_eq!(parse_reply("ERROR: ingroup is not valid -  SALESLINE\n"), Reply::IngroupNotValid { ingroup: " SALESLINE".into() });
    assert_eq!(parse_reply("ERROR: ingroup is not valid - ---NONE---\n"), Reply::IngroupNotValid { ingroup: "---NONE---".into() });
    assert_eq!(parse_reply("ERROR: ingroup is not valid - \n"), Reply::IngroupNotValid { ingroup: String::new() });
}

#[test]
fn auth_reasons_are_typed() {
    use vicidial_xfer::AuthReason::*;
    for (word, reason) in [("BAD", BadPassword), ("GOOD", NoApiAccess), ("LOCK", Locked), ("ERRSERVERS", NoServers), ("???", Other)] {
        let r = parse_reply(&format!("ERROR: Invalid Username/Password: |6666|pw|0|1|{word}|\n"));
        assert_eq!(r, Reply::InvalidCredentials { user: "6666".into(), reason });
    }
    assert_eq!(parse_reply("ERROR: Invalid Username/Password:").code(), "INVALID_CREDENTIALS");
}

#[test]
fn empty_and_whitespace_bodies_are_empty_replies() {
    for body in ["", "\n", " \r\n\t "] {
        assert_eq!(parse_reply(body), Reply::EmptyReply);
    }
}

#[test]
fn display_is_one_line_for_every_code() {
    let bodies = [
        format!("{OK}\n"),
        "SUCCESS: ra_call_control hungup - 1028|Y1|HANGUP".into(),
        "ERROR: no active call found - Y1".into(),
        "ERROR: System API NOT ACTIVE".into(),
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - Y1|u|ra_call_control|ADMIN".into(),
        "junk\nmore junk".into(),
    ];
    for b in bodies {
        let r = parse_reply(&b);
        let shown = r.to_string();
        assert!(!shown.contains('\n') && !shown.is_empty(), "{shown:?}");
        assert_eq!(shown, r.message());
    }
}

#[test]
fn every_reply_code_is_listed_and_every_listed_code_is_produced() {
    use vicidial_xfer::{AuthReason, Died};
    let e = String::new;
    let all = [
        Reply::Transferred { agent_user: e(), call_id: e(), ingroup: None, phone_number: None },
        Reply::Hungup { agent_user: e(), call_id: e() },
        Reply::IngroupNotValid { ingroup: e() },
        Reply::NoActiveCall { call_id: e() },
        Reply::AgentNotLoggedIn { agent_user: e() },
        Reply::NoUserFound { user: e() },
        Reply::NotValid { call_id: e(), agent_user: e(), stage: e() },
        Reply::StageNotValid { stage: e() },
        Reply::PhoneNumberNotValid { phone_number: e() },
        Reply::InvalidCredentials { user: e(), reason: AuthReason::Other },
        Reply::InvalidSource { source: e() },
        Reply::ApiNotActive,
        Reply::PermissionDenied { call_id: e(), user: e(), function: e(), user_group: e() },
        Reply::SuccessNotCompleted { line: e(), cause: Died::FatalError, excerpt: e() },
        Reply::Translated { excerpt: e() },
        Reply::ServerError { excerpt: e() },
        Reply::EmptyReply,
        Reply::Unrecognized { excerpt: e() },
    ];
    // Exhaustive: a new variant does not compile until it is listed above.
    for r in &all {
        match r {
            Reply::Transferred { .. }
            | Reply::Hungup { .. }
            | Reply::IngroupNotValid { .. }
            | Reply::NoActiveCall { .. }
            | Reply::AgentNotLoggedIn { .. }
            | Reply::NoUserFound { .. }
            | Reply::NotValid { .. }
            | Reply::StageNotValid { .. }
            | Reply::PhoneNumberNotValid { .. }
            | Reply::InvalidCredentials { .. }
            | Reply::InvalidSource { .. }
            | Reply::ApiNotActive
            | Reply::PermissionDenied { .. }
            | Reply::SuccessNotCompleted { .. }
            | Reply::Translated { .. }
            | Reply::ServerError { .. }
            | Reply::EmptyReply
            | Reply::Unrecognized { .. } => {}
        }
    }
    let codes: Vec<&str> = all.iter().map(Reply::code).collect();
    assert_eq!(codes, Reply::CODES);
}
