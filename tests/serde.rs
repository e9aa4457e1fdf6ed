//! Serde forms: the shapes every binding shows (camelCase names, stable
//! codes), and no password on output.
#![cfg(all(feature = "serde", not(target_arch = "wasm32")))]

use serde_json::json;
use vicidial_xfer::fields::check;
use vicidial_xfer::{decode_transfer, parse_reply, CallControlRequest, Field, Reply, Target, TransferDraft};

#[test]
fn replies_serialize_with_code_tag_and_camel_case_fields_and_round_trip() {
    let r = parse_reply("ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - Y1|apilimited|ra_call_control|ADMIN\n");
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        json!({"code": "PERMISSION_DENIED", "callId": "Y1", "user": "apilimited", "function": "ra_call_control", "userGroup": "ADMIN"})
    );
    assert_eq!(serde_json::from_value::<Reply>(v).unwrap(), r);
    let v = serde_json::to_value(parse_reply("ERROR: Invalid Username/Password: |6666|pw|0|1|IPBLOCK|\n")).unwrap();
    assert_eq!(v, json!({"code": "INVALID_CREDENTIALS", "user": "6666", "reason": "IP_BLOCKED"}));
    let died = parse_reply("SUCCESS: ra_call_control transfer - 1028|Y1|\nCould not connect: 10.0.0.9|qm");
    assert_eq!(
        serde_json::to_value(&died).unwrap(),
        json!({"code": "SUCCESS_NOT_COMPLETED", "line": "SUCCESS: ra_call_control transfer - 1028|Y1|",
               "cause": "QUEUE_METRICS_CONNECT", "excerpt": "Could not connect: 10.0.0.9|qm"})
    );
}

#[test]
fn requests_serialize_camel_case_with_the_password_redacted_and_deserialize_validated() {
    let req = TransferDraft {
        source: Some("crm"),
        user: Some("6666"),
        pass: Some("1234"),
        agent_user: Some("1028"),
        call_id: Some("Y1"),
        ingroup: Some("SALESLINE"),
        status: None,
    }
    .validate()
    .unwrap();
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(
        v,
        json!({"source": "crm", "user": "6666", "pass": "[REDACTED]", "agentUser": "1028", "stage": "INGROUPTRANSFER",
               "callId": "Y1", "ingroup": "SALESLINE"})
    );
    let back: CallControlRequest = serde_json::from_value(
        json!({"stage": "INGROUPTRANSFER", "agentUser": "1028", "callId": "Y1", "ingroup": "SALESLINE", "pass": "1234", "user": "6666", "source": "crm"}),
    )
    .unwrap();
    assert_eq!(back.expose_password(), Some("1234"));
    let bad = serde_json::from_value::<CallControlRequest>(json!({"stage": "HANGUP", "agentUser": "1028", "callId": "Y1", "ingroup": "X"}));
    assert!(bad.unwrap_err().to_string().contains("In-group is not used by HANGUP"));
    let typo = serde_json::from_value::<CallControlRequest>(json!({"stage": "HANGUP", "agentUser": "1028", "callID": "Y1"}));
    assert!(typo.unwrap_err().to_string().contains("callID"), "an unknown key is refused by name");
}

#[test]
fn field_errors_serialize_as_the_issue_shape_of_every_binding() {
    let e = check(Field::Ingroup, "SALES.LINE", Target::AnyVersion).unwrap_err();
    assert_eq!(
        serde_json::to_value(e).unwrap(),
        json!({"field": "ingroup", "code": "INVALID_CHARACTER", "position": 5, "message": e.message()})
    );
    let e = check(Field::AgentUser, "ra_1", Target::AnyVersion).unwrap_err();
    assert_eq!(serde_json::to_value(e).unwrap()["since"], json!("2.14-75"));
    assert_eq!(serde_json::to_value(e).unwrap()["field"], json!("agentUser"));
}

#[test]
fn decode_errors_serialize_as_the_same_issue_shape() {
    let errs = decode_transfer("function=ra_call_control&stage=HANGUP&upstream=x&agent_user=1028&value=Y1").unwrap_err();
    let v = serde_json::to_value(&errs).unwrap();
    assert_eq!(v[0], json!({"field": "upstream", "code": "UNKNOWN_PARAMETER", "message": "upstream is not a parameter of ra_call_control"}));
    assert_eq!(v[1], json!({"field": "stage", "code": "UNSUPPORTED_STAGE", "message": "Stage must be INGROUPTRANSFER here"}));
}
