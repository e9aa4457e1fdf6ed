//! Building requests and decoding them back.

use vicidial_xfer::{
    decode_call_control, decode_transfer, CallControlDraft, Field, FieldErrorKind, ServerVersion, Target, TransferDraft,
};

const NEWEST: Target = Target::Version(ServerVersion::NEWEST);

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
    let req = full().validate_for(NEWEST).unwrap();
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
    let errs = TransferDraft { pass: None, ..full() }.validate_for(NEWEST).unwrap_err();
    assert_eq!((errs[0].field, errs[0].kind), (Field::Pass, FieldErrorKind::Missing));
    let errs = TransferDraft { user: None, ..full() }.validate_for(NEWEST).unwrap_err();
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
    .validate_for(NEWEST)
    .unwrap_err();
    let got: Vec<_> = errs.iter().map(|e| (e.field.param(), e.code())).collect();
    assert_eq!(
        got,
        [("agent_user", "MISSING"), ("value", "INVALID_CHARACTER"), ("ingroup_choices", "SURROUNDING_SPACE"), ("status", "TOO_LONG")]
    );
}

#[test]
fn masked_encoding_never_contains_the_password() {
    let req = full().validate_for(NEWEST).unwrap();
    let masked = req.encode_masked();
    assert!(masked.contains("pass=********&"));
    assert!(!masked.contains("12"));
    assert!(!format!("{req:?}").contains("12+34"));
    assert!(!format!("{:?}", full()).contains("12+34"));
}

#[test]
fn decode_inverts_encode() {
    let req = full().validate_for(NEWEST).unwrap();
    assert_eq!(decode_call_control(&req.encode(), NEWEST).unwrap(), req);
    assert_eq!(decode_call_control(&format!("?{}", req.encode()), NEWEST).unwrap(), req);
    let plus = decode_call_control(&req.encode(), Target::AnyVersion).unwrap_err();
    assert_eq!((plus[0].param.name(), plus[0].code()), ("pass", "NEEDS_NEWER_VERSION"));
}

#[test]
fn decode_reads_raw_plus_as_space_like_the_server_and_refuses_it() {
    let errs = decode_transfer(
        "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER&value=Y1&ingroup_choices=SALES+LINE",
    )
    .unwrap_err();
    assert_eq!((errs[0].param.name(), errs[0].code()), ("ingroup_choices", "INVALID_CHARACTER"));
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
    assert_eq!(codes(&format!("{BASE}&ingroup_choices=OLDQUEUE")), [("ingroup_choices".into(), "DUPLICATE_PARAMETER")]);
    assert_eq!(
        codes(&format!("{BASE}&ingroup_choices=A&ingroup_choices=B")),
        [("ingroup_choices".into(), "DUPLICATE_PARAMETER")],
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
    assert_eq!(codes(&BASE.replace("Y1", "Y1%2")), [("value".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%zz")), [("value".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%FF")), [("value".into(), "BAD_ENCODING")]);
    assert_eq!(codes(&BASE.replace("Y1", "Y1%C3%A9")), [("value".into(), "INVALID_CHARACTER")]);
    assert_eq!(codes(&format!("{BASE}&%ZZ=1")), [("%ZZ".into(), "BAD_ENCODING")]);
}

#[test]
fn decode_reports_missing_required_fields() {
    assert_eq!(
        codes("function=ra_call_control&stage=INGROUPTRANSFER"),
        [("agent_user".into(), "MISSING"), ("value".into(), "MISSING"), ("ingroup_choices".into(), "MISSING")]
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

fn call(stage: &'static str) -> CallControlDraft<'static> {
    CallControlDraft {
        stage: Some(stage),
        agent_user: Some("1028"),
        call_id: Some("Y0315201639000402027"),
        ..CallControlDraft::default()
    }
}

#[test]
fn each_stage_requires_its_own_fields_and_refuses_the_ones_it_does_not_use() {
    let problems = |d: CallControlDraft<'_>| -> Vec<(Field, &'static str)> {
        d.problems(Target::AnyVersion).iter().map(|e| (e.field, e.code())).collect()
    };
    assert_eq!(problems(call("INGROUPTRANSFER")), [(Field::Ingroup, "MISSING")]);
    assert_eq!(problems(call("EXTENSIONTRANSFER")), [(Field::PhoneNumber, "MISSING")]);
    assert_eq!(problems(call("HANGUP")), []);
    let with_phone = CallControlDraft { ingroup: Some("SALESLINE"), phone_number: Some("8500"), ..call("INGROUPTRANSFER") };
    assert_eq!(problems(with_phone), [(Field::PhoneNumber, "NOT_USED_BY_STAGE")]);
    let with_ingroup = CallControlDraft { ingroup: Some("SALESLINE"), phone_number: Some("8500"), ..call("EXTENSIONTRANSFER") };
    assert_eq!(problems(with_ingroup), [(Field::Ingroup, "NOT_USED_BY_STAGE")]);
    let hangup = CallControlDraft { ingroup: Some("SALESLINE"), phone_number: Some("8500"), ..call("HANGUP") };
    assert_eq!(problems(hangup), [(Field::Ingroup, "NOT_USED_BY_STAGE"), (Field::PhoneNumber, "NOT_USED_BY_STAGE")]);
    assert_eq!(problems(CallControlDraft { stage: None, ..call("HANGUP") }), [(Field::Stage, "MISSING")]);
    assert_eq!(problems(call("hangup")), [(Field::Stage, "STAGE_NOT_VALID")]);
    let missing = call("EXTENSIONTRANSFER").problems(Target::AnyVersion);
    assert_eq!(missing[0].message(), "Phone number is required for EXTENSIONTRANSFER");
}

#[test]
fn every_stage_encodes_in_the_fixed_order_and_decodes_back() {
    let ext = CallControlDraft { phone_number: Some("*8500#"), status: Some("SALE"), ..call("EXTENSIONTRANSFER") };
    let req = ext.validate(NEWEST).unwrap();
    assert_eq!(
        req.encode(),
        "agent_user=1028&function=ra_call_control&stage=EXTENSIONTRANSFER&value=Y0315201639000402027\
         &phone_number=*8500%23&status=SALE"
    );
    assert_eq!(decode_call_control(&req.encode(), NEWEST).unwrap(), req);
    assert_eq!(req.target(), Some("*8500#"));
    let hangup = call("HANGUP").validate(Target::AnyVersion).unwrap();
    assert_eq!(hangup.encode(), "agent_user=1028&function=ra_call_control&stage=HANGUP&value=Y0315201639000402027");
    assert_eq!(hangup.target(), None);
    assert_eq!(decode_call_control(&hangup.encode(), Target::AnyVersion).unwrap(), hangup);
}

#[test]
fn credentials_go_together_with_a_source() {
    let d = CallControlDraft { user: Some("6666"), pass: Some("1234"), ..call("HANGUP") };
    let errs = d.problems(Target::AnyVersion);
    assert_eq!((errs[0].field, errs[0].code()), (Field::Source, "MISSING"));
    let req = call("HANGUP").validate(Target::AnyVersion).unwrap();
    let with = req.with_credentials("crm", "6666", "12+34", NEWEST).unwrap();
    assert!(with.encode().starts_with("source=crm&user=6666&pass=12%2B34&"));
    let bad = req.with_credentials("crm", "6666", "12+34", Target::AnyVersion).unwrap_err();
    assert_eq!((bad.field, bad.code()), (Field::Pass, "NEEDS_NEWER_VERSION"));
}
