//! Serde forms: camelCase names, stable codes, and no password on output.
#![cfg(all(feature = "serde", not(target_arch = "wasm32")))]

use serde_json::json;
use vicidial_xfer::{parse_reply, FieldError, Reply, TransferDraft, TransferRequest};

#[test]
fn replies_serialize_with_code_tag_and_camel_case_fields_and_round_trip() {
    let r = parse_reply("ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - Y1|apilimited|ra_call_control|ADMIN\n");
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        json!({"code": "PERMISSION_DENIED", "callId": "Y1", "user": "apilimited", "function": "ra_call_control", "userGroup": "ADMIN"})
    );
    assert_eq!(serde_json::from_value::<Reply>(v).unwrap(), r);
    let v = serde_json::to_value(parse_reply("ERROR: Invalid Username/Password: |6666|pw|0|1|LOCK|\n")).unwrap();
    assert_eq!(v, json!({"code": "INVALID_CREDENTIALS", "user": "6666", "reason": "LOCKED"}));
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
        json!({"source": "crm", "user": "6666", "pass": "[REDACTED]", "agentUser": "1028", "callId": "Y1", "ingroup": "SALESLINE"})
    );
    let back: TransferRequest =
        serde_json::from_value(json!({"agentUser": "1028", "callId": "Y1", "ingroup": "SALESLINE", "pass": "1234", "user": "6666"})).unwrap();
    assert_eq!(back.pass.unwrap().expose(), "1234");
    let bad = serde_json::from_value::<TransferRequest>(json!({"agentUser": "1028", "callId": "Y1", "ingroup": "SALES.LINE"}));
    assert!(bad.unwrap_err().to_string().contains("ingroup may contain only"));
}

#[test]
fn field_errors_serialize_with_field_name_and_code() {
    let e = vicidial_xfer::fields::Ingroup::new("SALES.LINE").unwrap_err();
    let v = serde_json::to_value(e).unwrap();
    assert_eq!(v, json!({"field": "ingroup", "kind": "INVALID_CHARACTER", "position": 5}));
    assert_eq!(serde_json::from_value::<FieldError>(v).unwrap(), e);
}

#[test]
fn decode_errors_serialize_and_round_trip() {
    let errs = vicidial_xfer::decode_transfer("function=ra_call_control&stage=HANGUP&upstream=x").unwrap_err();
    let v = serde_json::to_value(&errs).unwrap();
    assert_eq!(v[0], json!({"param": {"other": "upstream"}, "kind": "UNKNOWN_PARAMETER"}));
    assert_eq!(v[1], json!({"param": "stage", "kind": "UNSUPPORTED_STAGE"}));
    let back: Vec<vicidial_xfer::DecodeError> = serde_json::from_value(v).unwrap();
    assert_eq!(back, errs);
}
