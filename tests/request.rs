//! Building INGROUPTRANSFER requests and decoding them back.

use vicidial_xfer::{decode_transfer, Field, FieldErrorKind, TransferDraft};

fn full() -> TransferDraft<'static> {
    TransferDraft {
        source: Some("crm"),
        user: Some("6666"),
        pass: Some("12+34/="),
        agent_user: Some("1028"),
        call_id: Some("Y0315201639000402027"),
        ingroup: Some("SALESLINE"),
        status: Some("SALE"),
    }
}

#[test]
fn encoding_has_fixed_order_and_sends_plus_in_password_as_percent_2b() {
    let req = full().validate().unwrap();
    assert_eq!(
        req.encode(),
        "source=crm&user=6666&pass=12%2B34%2F%3D&agent_user=1028&function=ra_call_control\
         &stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE&status=SALE"
    );
}

#[test]
fn credentials_are_optional_for_a_proxy_to_add() {
    let req = TransferDraft { source: None, user: None, pass: None, status: None, ..full() }.validate().unwrap();
    assert!(!req.has_credentials());
    assert_eq!(
        req.encode(),
        "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y0315201639000402027&ingroup_choices=SALESLINE"
    );
}

#[test]
fn user_and_pass_go_together() {
    let errs = TransferDraft { pass: None, ..full() }.validate().unwrap_err();
    assert_eq!((errs[0].field, errs[0].kind), (Field::Pass, FieldErrorKind::Missing));
    let errs = TransferDraft { user: None, ..full() }.validate().unwrap_err();
    assert_eq!((errs[0].field, errs[0].kind), (Field::User, FieldErrorKind::Missing));
}

#[test]
fn validation_reports_every_problem_at_once_in_field_order() {
    let errs = TransferDraft {
        agent_user: None,
        call_id: Some("Y1."),
        ingroup: Some("SALESLINE "),
        status: Some("TOOLONGX"),
        ..full()
    }
    .validate()
    .unwrap_err();
    let got: Vec<_> = errs.iter().map(|e| (e.field.name(), e.code())).collect();
    assert_eq!(
        got,
        [("agentUser", "MISSING"), ("callId", "INVALID_CHARACTER"), ("ingroup", "SURROUNDING_SPACE"), ("status", "TOO_LONG")]
    );
}

#[test]
fn masked_encoding_never_contains_the_password() {
    let req = full().validate().unwrap();
    let masked = req.encode_masked();
    assert!(masked.contains("pass=********&"));
    assert!(!masked.contains("12"));
    assert!(!format!("{req:?}").contains("12+34"));
    assert!(!format!("{:?}", full()).contains("12+34"));
}

#[test]
fn decode_inverts_encode() {
    let req = full().validate().unwrap();
    assert_eq!(decode_transfer(&req.encode()).unwrap(), req);
    assert_eq!(decode_transfer(&format!("?{}", req.encode())).unwrap(), req);
}

#[test]
fn decode_reads_raw_plus_as_space_like_the_server_and_refuses_it() {
    let errs = decode_transfer(
        "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y1&ingroup_choices=SALES+LINE",
    )
    .unwrap_err();
    assert_eq!((errs[0].param.name(), errs[0].code()), ("ingroup", "INVALID_CHARACTER"));
}

fn codes(input: &str) -> Vec<(String, &'static str)> {
    decode_transfer(input).unwrap_err().iter().map(|e| (e.param.name().to_string(), e.code())).collect()
}

const BASE: &str = "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y1&ingroup_choices=SALESLINE";

#[test]
fn decode_refuses_other_functions_and_stages() {
    assert_eq!(codes(&BASE.replace("ra_call_control", "external_status")), [("function".into(), "UNSUPPORTED_FUNCTION")]);
    assert_eq!(codes(&BASE.replace("INGROUPTRANSFER", "HANGUP")), [("stage".into(), "UNSUPPORTED_STAGE")]);
    assert_eq!(codes(&BASE.replace("INGROUPTRANSFER", "ingrouptransfer")), [("stage".into(), "UNSUPPORTED_STAGE")]);
    assert_eq!(codes(&BASE.replace("&stage=INGROUPTRANSFER", "")), [("stage".into(), "MISSING")]);
}

#[test]
fn decode_refuses_duplicates_that_the_server_would_resolve_silently() {
    assert_eq!(codes(&format!("{BASE}&ingroup_choices=OLDQUEUE")), [("ingroup".into(), "DUPLICATE_PARAMETER")]);
    assert_eq!(
        codes(&format!("{BASE}&ingroup_choices=A&ingroup_choices=B")),
        [("ingroup".into(), "DUPLICATE_PARAMETER")],
        "reported once"
    );
}

#[test]
fn decode_refuses_unknown_parameters_such_as_an_upstream_url() {
    assert_eq!(codes(&format!("{BASE}&upstream=http%3A%2F%2Fevil")), [("upstream".into(), "UNKNOWN_PARAMETER")]);
    assert_eq!(codes(&format!("{BASE}&ingroup_choices[]=X")), [("ingroup_choices[]".into(), "UNKNOWN_PARAMETER")]);
}

#[test]
fn decode_refuses_malformed_percent_encoding_and_non_utf8() {
    assert_eq!(codes(&BASE.replace("Y1", "Y1%2")), [("callId".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%zz")), [("callId".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%FF")), [("callId".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%C3%A9")), [("callId".into(), "INVALID_CHARACTER")]);
    assert_eq!(codes(&format!("{BASE}&%ZZ=1")), [("%ZZ".into(), "BAD_ENCODING")]);
}

#[test]
fn decode_reports_missing_required_fields() {
    assert_eq!(
        codes("function=ra_call_control&stage=INGROUPTRANSFER"),
        [("agentUser".into(), "MISSING"), ("callId".into(), "MISSING"), ("ingroup".into(), "MISSING")]
    );
    assert_eq!(codes(""), codes("&&"));
}

#[test]
fn decode_refuses_oversized_input() {
    let big = format!("{BASE}&status={}", "A".repeat(5000));
    assert_eq!(codes(&big), [("input".into(), "TOO_LARGE")]);
}

#[test]
fn decode_skips_empty_segments_and_reads_a_bare_key_as_empty() {
    assert!(decode_transfer(&format!("&{BASE}&&")).is_ok());
    assert_eq!(codes(&format!("{BASE}&status")), [("status".into(), "EMPTY")]);
}
