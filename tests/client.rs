//! Outcomes: never a success without HTTP 2xx, and the memory that turns a
//! later "no active call" into "most likely already transferred".

use vicidial_xfer::client::Response;
use vicidial_xfer::{Stage, TransferLog, Transport};

const OK: &str = "SUCCESS: ra_call_control transfer - 1028|Y1|\n";
const GONE: &str = "ERROR: no active call found - Y1\n";

fn reply(status: u16, body: &str) -> Transport<'_> {
    Transport::Response(Response::new(status, body))
}

#[test]
fn success_then_no_active_call_is_flagged_as_likely_already_transferred() {
    let mut log = TransferLog::new();
    let first = log.conclude(Stage::IngroupTransfer, "Y1", reply(200, OK), None);
    assert!(first.ok && !first.outcome_unknown);
    let second = log.conclude(Stage::IngroupTransfer, "Y1", reply(200, GONE), None);
    assert_eq!(second.code, "NO_ACTIVE_CALL");
    assert!(second.likely_already_transferred && !second.ok);
    assert!(second.message.contains("most likely already transferred"));
}

#[test]
fn timeout_network_error_and_abort_leave_the_outcome_unknown_and_are_remembered() {
    for (transport, code) in [(Transport::Timeout, "TIMEOUT"), (Transport::Network, "NETWORK_ERROR"), (Transport::Aborted, "ABORTED")] {
        let mut log = TransferLog::new();
        let o = log.conclude(Stage::IngroupTransfer, "Y1", transport, None);
        assert_eq!(o.code, code);
        assert!(o.outcome_unknown && !o.ok && o.http_status.is_none());
        assert!(log.conclude(Stage::IngroupTransfer, "y1", reply(200, GONE), None).likely_already_transferred, "call IDs match case-insensitively");
    }
}

#[test]
fn no_active_call_for_an_unknown_call_is_not_flagged() {
    let mut log = TransferLog::new();
    log.conclude(Stage::IngroupTransfer, "Y1", reply(200, OK), None);
    assert!(!log.conclude(Stage::IngroupTransfer, "Y2", reply(200, "ERROR: no active call found - Y2\n"), None).likely_already_transferred);
}

#[test]
fn http_5xx_is_never_a_success_even_with_a_success_line() {
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(500, OK), None);
    assert_eq!((o.ok, o.code, o.http_status, o.outcome_unknown), (false, "SUCCESS_NOT_COMPLETED", Some(500), true));
    assert_eq!(o.reply.unwrap().code(), "TRANSFERRED", "the parsed body stays available");
    assert!(o.message.starts_with("HTTP error 500"));
}

#[test]
fn http_4xx_is_a_refusal_with_a_known_outcome() {
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(403, "ERROR: proxy ORIGIN_NOT_ALLOWED - x\n"), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "HTTP_ERROR", false));
    assert!(o.message.starts_with("HTTP error 403"));
}

#[test]
fn fatal_error_or_unrecognized_body_with_200_leaves_the_outcome_unknown() {
    let fatal = format!("{OK}Fatal error: Uncaught mysqli_sql_exception\n");
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, &fatal), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "SUCCESS_NOT_COMPLETED", true));
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, "Fatal error: x\n"), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "SERVER_ERROR", true));
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, "SUCCÈS: transfert\n"), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "UNRECOGNIZED", true));
}

#[test]
fn a_known_secret_is_removed_from_free_text_the_server_printed() {
    let body = "<pre>UPDATE vicidial_users SET x=1 WHERE user='6666' AND pass=s3cretpw</pre>\nDebug: s3cretpw\n";
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, body), Some("s3cretpw"));
    assert_eq!(o.code, "UNRECOGNIZED");
    assert!(!format!("{o:?}").contains("s3cretpw"));
}

#[test]
fn a_short_numeric_password_never_rewrites_a_call_id_in_a_reply_line() {
    // The demo's password is 1234; call IDs are digits too.
    let body = "SUCCESS: ra_call_control transfer - 1028|Y1125092437500041234|\n";
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1125092437500041234", reply(200, body), Some("1234"));
    assert!(o.ok);
    assert_eq!(o.raw.as_deref(), Some(body));
    match o.reply {
        Some(vicidial_xfer::Reply::Transferred { call_id, .. }) => assert_eq!(call_id, "Y1125092437500041234"),
        other => panic!("{other:?}"),
    }
    let gone = "ERROR: no active call found - Y1125092437500041234\n";
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1125092437500041234", reply(200, gone), Some("1234"));
    assert_eq!(o.raw.as_deref(), Some(gone));
}

#[test]
fn the_auth_echo_is_redacted_even_when_the_password_is_short() {
    let body = "ERROR: Invalid Username/Password: |6666|1234|0|1|BAD|0|api|SELECT x where pass='1234';|\n";
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, body), Some("1234"));
    assert_eq!(o.raw.as_deref(), Some("ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n"));
}

#[test]
fn the_log_is_bounded() {
    let mut log = TransferLog::new();
    for i in 0..1000 {
        log.conclude(Stage::IngroupTransfer, &format!("Y{i}"), Transport::Timeout, None);
    }
    assert!(!log.may_have_moved("Y0"));
    assert!(log.may_have_moved("Y999"));
}

#[test]
fn ok_means_the_server_queued_this_stages_action() {
    let hungup = "SUCCESS: ra_call_control hungup - 1028|Y1|HANGUP\n";
    let ext = "SUCCESS: ra_call_control transfer - 1028|Y1|8500\n";
    assert!(TransferLog::new().conclude(Stage::Hangup, "Y1", reply(200, hungup), None).ok);
    assert!(TransferLog::new().conclude(Stage::ExtensionTransfer, "Y1", reply(200, ext), None).ok);
    let mismatch = TransferLog::new().conclude(Stage::Hangup, "Y1", reply(200, ext), None);
    assert!(!mismatch.ok && mismatch.outcome_unknown, "a transfer line for a HANGUP request is not what was asked");
}

#[test]
fn a_hang_up_then_no_active_call_says_the_call_most_likely_already_ended() {
    let mut log = TransferLog::new();
    log.conclude(Stage::Hangup, "Y1", Transport::Timeout, None);
    let again = log.conclude(Stage::Hangup, "Y1", reply(200, GONE), None);
    assert!(again.likely_already_ended && !again.likely_already_transferred);
    assert!(again.message.contains("most likely already ended"));
}

#[test]
fn a_request_that_never_left_has_a_known_outcome_and_is_not_remembered() {
    use vicidial_xfer::client::NotSent;
    for (why, code) in [(NotSent::Aborted, "ABORTED"), (NotSent::Refused, "NETWORK_ERROR"), (NotSent::InvalidUrl, "NETWORK_ERROR")] {
        let mut log = TransferLog::new();
        let o = log.conclude(Stage::IngroupTransfer, "Y1", Transport::NotSent(why), None);
        assert_eq!((o.ok, o.code, o.outcome_unknown), (false, code, false));
        assert!(!log.may_have_moved("Y1"));
    }
}

#[test]
fn a_redirect_is_never_followed_nor_a_success() {
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(307, OK), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "REDIRECTED", false));
}

#[test]
fn a_proxy_refusal_is_typed_with_its_code_reason_and_wait() {
    let body = "ERROR: proxy RATE_LIMITED - too many requests for this token; retry in 3 s\n";
    let r = Response { proxy_error: Some("RATE_LIMITED"), retry_after: Some(3), ..Response::new(429, body) };
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", Transport::Response(r), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "PROXY_REFUSED", false));
    assert_eq!(o.proxy_code.as_deref(), Some("RATE_LIMITED"));
    assert_eq!(o.reason.as_deref(), Some("too many requests for this token; retry in 3 s"));
    assert_eq!(o.retry_after, Some(3));
    let lost = Response { proxy_error: Some("UPSTREAM_TIMEOUT"), ..Response::new(504, "ERROR: proxy UPSTREAM_TIMEOUT - x\n") };
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", Transport::Response(lost), None);
    assert!(o.outcome_unknown, "the proxy sent it and lost the answer");
}

#[test]
fn a_replayed_success_is_a_success_marked_replayed() {
    let r = Response { replayed: true, ..Response::new(200, OK) };
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", Transport::Response(r), None);
    assert!(o.ok && o.replayed);
}

#[test]
fn success_then_a_queuemetrics_connection_failure_is_known_not_done() {
    let body = format!("{OK}Could not connect: 10.0.0.9|qmuser Access denied");
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, &body), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "SUCCESS_NOT_COMPLETED", false));
}

#[test]
fn a_translated_reply_is_never_a_success() {
    let o = TransferLog::new().conclude(Stage::IngroupTransfer, "Y1", reply(200, "EXITO: ra_call_control transfer - 1028|Y1|\n"), None);
    assert_eq!((o.ok, o.code, o.outcome_unknown), (false, "TRANSLATED", false));
}
