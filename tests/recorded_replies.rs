//! Every reply recorded from a real VICIdial 2.14-82 server (and every form
//! the published documentation prints) parses to the code its scenario
//! implies, with typed fields checked, and never leaks the password.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use vicidial_xfer::client::Response;
use vicidial_xfer::{parse_reply, AuthReason, Reply, Stage, TransferLog, Transport};

/// Every file of api.php / non_agent_api.php recordings.
const SERVER_FILES: [&str; 7] = [
    "real-2.14-82.jsonl",
    "real-2.14-82-more.jsonl",
    "stages-2.14-82.jsonl",
    "edge-2.14-82.jsonl",
    "strict-2.14-82.jsonl",
    "nonagent-2.14-82.jsonl",
    "realserver-extra-2.14-82.jsonl",
];

const CALL: &str = "Y0315201639000402027";
/// Stands in for a recorded password in leak checks.
const MARK: &str = "Pw9Zx7Qk3Marker";

fn shared(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("json line")).collect()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn transferred(agent: &str, call: &str) -> Reply {
    Reply::Transferred { agent_user: s(agent), call_id: s(call), ingroup: None, phone_number: None }
}

fn ingroup_not_valid(g: &str) -> Reply {
    Reply::IngroupNotValid { ingroup: s(g) }
}

fn bad(user: &str, reason: AuthReason) -> Reply {
    Reply::InvalidCredentials { user: s(user), reason }
}

/// The reply each scenario implies; `None` for replies whose excerpt is
/// checked by code only.
fn expected(name: &str) -> (&'static str, Option<Reply>) {
    let t = |r: Reply| (r.code(), Some(r));
    match name {
        "success_named_out" | "default_out_resolves" | "lockout_then_good_password" | "status_default"
        | "status_sale" | "twice_first" | "post_form" | "get_and_post_mixed" => t(transferred("1028", CALL)),
        "default_in_resolves" => t(transferred("1028", "Y0315201640000402028")),
        "default_in_empty" | "ingroup_empty" | "ingroup_absent" | "02c_DEFAULTINGROUP_IN_default_empty" => {
            t(ingroup_not_valid(""))
        }
        "ingroup_inactive" | "12b_warn_ingroup_invalid" => t(ingroup_not_valid("OLDQUEUE")),
        "ingroup_missing_group" => t(ingroup_not_valid("NOSUCHGROUP")),
        "ingroup_one_char" => t(ingroup_not_valid("S")),
        "ingroup_space" => t(ingroup_not_valid("SALES LINE")),
        "no_active_call" => t(Reply::NoActiveCall { call_id: s("Y9999999999999999999") }),
        "04i_invalid_stage_and_wrong_call" => t(Reply::NoActiveCall { call_id: s("Y0000000000000000000") }),
        "agent_not_logged_in" => t(Reply::AgentNotLoggedIn { agent_user: s("2000") }),
        "missing_value" => t(Reply::NotValid { call_id: s(""), agent_user: s("1028"), stage: s("INGROUPTRANSFER") }),
        "missing_stage" => t(Reply::NotValid { call_id: s(CALL), agent_user: s("1028"), stage: s("") }),
        "stage_invalid" | "04g_invalid_stage_XYZ" | "doc_stage_not_valid" => t(Reply::StageNotValid { stage: s("XYZ") }),
        "bad_password" | "lockout_fail_1" | "lockout_fail_2" => t(bad("6666", AuthReason::BadPassword)),
        "user_no_api_access" => t(bad("apinoaccess", AuthReason::NoApiAccess)),
        "source_one_char" => t(Reply::InvalidSource { source: s("c") }),
        "source_missing" => t(Reply::InvalidSource { source: s("") }),
        "user_function_not_allowed" => t(Reply::PermissionDenied {
            call_id: s(CALL),
            user: s("apilimited"),
            function: s("ra_call_control"),
            user_group: s("ADMIN"),
        }),
        "api_not_active" => t(Reply::ApiNotActive),
        "version" => ("UNRECOGNIZED", None),
        "function_missing" | "function_unknown" => t(Reply::EmptyReply),
        "hangup" | "doc_hungup" => {
            let agent = if name == "hangup" { "1028" } else { "6666" };
            t(Reply::Hungup { agent_user: s(agent), call_id: s(CALL) })
        }
        "extension_ok" => t(Reply::Transferred {
            agent_user: s("1028"),
            call_id: s(CALL),
            ingroup: None,
            phone_number: Some(s("8500")),
        }),
        "13a_strict_success_IN" | "03q_duplicate_param_last_wins" | "08c_success_POST_multipart" => {
            t(transferred("1028", CALL))
        }
        "doc_not_valid" => t(Reply::NotValid { call_id: s(CALL), agent_user: s("6666"), stage: s("INGROUPTRANSFER") }),
        "doc_no_user_found" => t(Reply::NoUserFound { user: s("6666") }),
        "doc_user_not_logged_in" => t(Reply::AgentNotLoggedIn { agent_user: s("6666") }),
        "doc_no_active_call" => t(Reply::NoActiveCall { call_id: s(CALL) }),
        "doc_phone_number_not_valid" => t(Reply::PhoneNumberNotValid { phone_number: s("9") }),
        "doc_ingroup_not_valid" => t(ingroup_not_valid("TESTINGROUP")),
        "doc_transferred" => t(Reply::Transferred {
            agent_user: s("6666"),
            call_id: s(CALL),
            ingroup: Some(s("SALESLINE")),
            phone_number: None,
        }),
        other => panic!("scenario {other} has no expectation: add it to this table"),
    }
}

/// The password a scenario sent, from its query or form body.
fn password(scenario: &Value) -> Option<String> {
    let text = format!("{}&{}", scenario["query"].as_str().unwrap_or(""), scenario["body"].as_str().unwrap_or(""));
    form_urlencoded::parse(text.as_bytes()).find(|(k, _)| k == "pass").map(|(_, v)| v.into_owned())
}

fn check_file(file: &str) -> usize {
    let scenarios = shared(file);
    let mut names = BTreeSet::new();
    for sc in &scenarios {
        let name = sc["name"].as_str().expect("name");
        assert!(names.insert(name.to_string()), "duplicate scenario {name}");
        let body = sc["reply"].as_str().expect("reply");
        let reply = parse_reply(body);
        let (code, want) = expected(name);
        assert_eq!(reply.code(), code, "{file}: {name}");
        if let Some(want) = want {
            assert_eq!(reply, want, "{file}: {name}");
        }
        if let Some(pass) = password(sc).filter(|p| !p.is_empty()) {
            // A short password can be an ordinary word of a message ("wrong"):
            // give it a unique spelling, which the parser cannot depend on.
            let marked = parse_reply(&body.replace(&pass, MARK));
            assert_eq!(marked.code(), reply.code());
            let shown = format!("{marked} {marked:?} {}", serde_json::to_string(&marked).unwrap());
            assert!(!shown.contains(MARK), "{file}: {name} leaks the password: {shown}");
            assert!(!shown.contains("SELECT"), "{file}: {name} leaks SQL: {shown}");
        }
    }
    scenarios.len()
}

#[test]
fn every_real_reply_parses_to_its_scenario_code() {
    assert_eq!(check_file("real-2.14-82.jsonl"), 34);
}

#[test]
fn every_reply_from_other_server_configurations_parses_to_its_scenario_code() {
    assert_eq!(check_file("real-2.14-82-more.jsonl"), 7);
}

#[test]
fn every_documented_reply_form_parses_to_its_code() {
    assert_eq!(check_file("documented-agent-api.jsonl"), 9);
}

#[test]
fn strict_sql_success_with_http_500_is_not_a_success() {
    let sc = shared("real-2.14-82-more.jsonl").into_iter().find(|s| s["name"] == "13a_strict_success_IN").unwrap();
    let status = sc["http_status"].as_u64().unwrap() as u16;
    assert_eq!(status, 500);
    let outcome = TransferLog::new().conclude(Stage::IngroupTransfer, CALL, Transport::Response(Response::new(status, sc["reply"].as_str().unwrap())), None);
    assert!(!outcome.ok);
    assert_eq!(outcome.code, "SUCCESS_NOT_COMPLETED");
    assert!(outcome.outcome_unknown);
}

#[test]
fn recorded_http_status_decides_success_for_every_scenario() {
    for file in ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl"] {
        for sc in shared(file) {
            let status = sc["http_status"].as_u64().unwrap() as u16;
            let body = sc["reply"].as_str().unwrap();
            let call = sc["name"].as_str().unwrap();
            let outcome = TransferLog::new().conclude(Stage::IngroupTransfer, call, Transport::Response(Response::new(status, body)), None);
            let expect_ok = status == 200 && parse_reply(body).code() == "TRANSFERRED";
            assert_eq!(outcome.ok, expect_ok, "{file}: {call}");
            if let Some(pass) = password(&sc).filter(|p| !p.is_empty()) {
                let marked = body.replace(&pass, MARK);
                let transport = Transport::Response(Response::new(status, &marked));
                for secret in [None, Some(MARK)] {
                    let shown = format!("{:?}", TransferLog::new().conclude(Stage::IngroupTransfer, call, transport, secret));
                    assert!(!shown.contains(MARK), "{file}: {call} outcome leaks the password: {shown}");
                }
            }
        }
    }
}

#[test]
fn auth_error_raw_text_keeps_user_and_reason_but_not_password_or_sql() {
    let sc = shared("real-2.14-82.jsonl").into_iter().find(|s| s["name"] == "bad_password").unwrap();
    let body = sc["reply"].as_str().unwrap();
    let outcome = TransferLog::new().conclude(Stage::IngroupTransfer, CALL, Transport::Response(Response::new(200, body)), None);
    assert_eq!(outcome.raw.as_deref(), Some("ERROR: Invalid Username/Password: |6666|[REDACTED]|0|1|BAD|\n"));
}

/// The parameters a scenario sent (query, then a form body).
fn params(sc: &Value) -> Vec<(String, String)> {
    let mut text = sc["query"].as_str().unwrap_or("").to_string();
    if !sc["content_type_sent"].as_str().unwrap_or("").starts_with("multipart/") {
        text.push('&');
        text.push_str(sc["body"].as_str().unwrap_or(""));
    }
    form_urlencoded::parse(text.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The sequence a scenario belongs to (`twice_*`, `lockout_*`, `seqN_*`):
/// only its first member ran from a fresh seed.
fn sequence(name: &str) -> Option<&str> {
    if name.starts_with("twice_") || name.starts_with("lockout_") {
        return name.split('_').next();
    }
    let (head, _) = name.split_once('_')?;
    (head.starts_with("seq") && head.len() > 3 && head[3..].bytes().all(|b| b.is_ascii_digit())).then_some(head)
}

/// The ground truth: across EVERY recorded api.php request, the outcome is
/// `ok` exactly when the database shows the server queued a manager action
/// for that request (a Redirect or Hangup row appeared), and a success
/// echoes the agent user and call ID that were sent.
#[test]
fn ok_is_true_exactly_when_the_server_queued_the_action_in_every_recording() {
    let mut checked = 0;
    let mut with_effects = 0;
    for file in SERVER_FILES {
        let mut group: Option<String> = None;
        let mut manager_before = String::new();
        for sc in shared(file) {
            let name = sc["name"].as_str().unwrap();
            let seq = sequence(name).map(String::from);
            if seq.is_none() || seq != group {
                manager_before.clear();
            }
            group = seq;
            let manager_after = sc["db_effects"]["manager"].as_str().map(String::from);
            let path = sc["path"].as_str().unwrap_or("/agc/api.php");
            let p = params(&sc);
            let get = |k: &str| p.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
            let stage = get("stage").and_then(Stage::from_wire);
            if path == "/agc/api.php" && get("function") == Some("ra_call_control") {
                let status = sc["http_status"].as_u64().unwrap() as u16;
                let body = sc["reply"].as_str().unwrap();
                let stage = stage.unwrap_or(Stage::IngroupTransfer);
                let call = get("value").unwrap_or("");
                let outcome = TransferLog::new().conclude(stage, call, Transport::Response(Response::new(status, body)), None);
                assert_ne!(outcome.code, "UNRECOGNIZED", "{file}: {name}: {body:?}");
                if let Some(after) = &manager_after {
                    let queued = after.len() > manager_before.len();
                    assert_eq!(outcome.ok, queued, "{file}: {name}: ok={} but the server queued {queued}: {body:?}", outcome.ok);
                    with_effects += 1;
                }
                if outcome.ok {
                    let (agent, call_id) = match outcome.reply.as_ref().unwrap() {
                        Reply::Transferred { agent_user, call_id, .. } | Reply::Hungup { agent_user, call_id } => (agent_user, call_id),
                        other => panic!("{file}: {name}: ok with {other:?}"),
                    };
                    assert_eq!(Some(agent.as_str()), get("agent_user"), "{file}: {name}");
                    assert_eq!(Some(call_id.as_str()), get("value"), "{file}: {name}");
                }
                // Reply lines echo only request values (a password 1234 may
                // match digits of an echoed number); the others must not show it.
                let echoes_request = !matches!(
                    outcome.reply,
                    Some(Reply::InvalidCredentials { .. } | Reply::Unrecognized { .. } | Reply::ServerError { .. } | Reply::SuccessNotCompleted { .. })
                );
                if let Some(pass) = get("pass").filter(|p| p.len() >= 4 && !echoes_request) {
                    let marked = body.replace(pass, MARK);
                    let o = TransferLog::new().conclude(stage, call, Transport::Response(Response::new(status, &marked)), None);
                    let shown = format!("{o:?} {}", serde_json::to_string(&o).unwrap());
                    assert!(!shown.contains(MARK), "{file}: {name} leaks the password: {shown}");
                }
                checked += 1;
            }
            if let Some(after) = manager_after {
                manager_before = after;
            }
        }
    }
    // The counts of the files in tests/recordings/ (a new recording raises them).
    assert_eq!((checked, with_effects), (92, 64), "ra_call_control recordings read, and those with database effects");
}

/// Every reply recorded in the new files parses to a known code.
#[test]
fn every_stage_edge_strict_and_sequence_reply_is_understood() {
    let cases: [(&str, &str, &str); 12] = [
        ("stages-2.14-82.jsonl", "hangup_success_out", "HUNGUP"),
        ("stages-2.14-82.jsonl", "twice_hangup_second", "NO_ACTIVE_CALL"),
        ("stages-2.14-82.jsonl", "ext_success_phone", "TRANSFERRED"),
        ("stages-2.14-82.jsonl", "ext_phone_empty", "PHONE_NUMBER_NOT_VALID"),
        ("stages-2.14-82.jsonl", "ext_phone_one_char", "PHONE_NUMBER_NOT_VALID"),
        ("stages-2.14-82.jsonl", "hangup_stage_lowercase", "STAGE_NOT_VALID"),
        ("stages-2.14-82.jsonl", "default_call_029_in_nodefault", "INGROUP_NOT_VALID"),
        ("edge-2.14-82.jsonl", "edge_all_missing", "NOT_VALID"),
        ("edge-2.14-82.jsonl", "edge_no_credentials", "INVALID_CREDENTIALS"),
        ("edge-2.14-82.jsonl", "edge_stage_html", "STAGE_NOT_VALID"),
        ("strict-2.14-82.jsonl", "strict_success_out", "TRANSFERRED"),
        ("nonagent-2.14-82.jsonl", "seq3_02_xfer_other_agents_call", "HUNGUP"),
    ];
    for (file, name, code) in cases {
        let sc = shared(file).into_iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("{file}: {name}"));
        let reply = parse_reply(sc["reply"].as_str().unwrap());
        assert_eq!(reply.code(), code, "{file}: {name}");
    }
    let ext = shared("stages-2.14-82.jsonl").into_iter().find(|s| s["name"] == "ext_phone_empty").unwrap();
    assert_eq!(parse_reply(ext["reply"].as_str().unwrap()), Reply::PhoneNumberNotValid { phone_number: String::new() });
    let phone = shared("stages-2.14-82.jsonl").into_iter().find(|s| s["name"] == "ext_success_phone").unwrap();
    assert!(matches!(parse_reply(phone["reply"].as_str().unwrap()), Reply::Transferred { phone_number: Some(ref n), .. } if n == "7275559999"));
}

/// non_agent_api.php's login error echoes the password too: redaction
/// removes it, and the core never mistakes its replies for call control.
#[test]
fn non_agent_api_replies_are_never_call_control_and_never_leak_the_password() {
    for sc in shared("nonagent-2.14-82.jsonl") {
        if sc["path"].as_str() != Some("/vicidial/non_agent_api.php") {
            continue;
        }
        let body = sc["reply"].as_str().unwrap();
        let reply = parse_reply(body);
        assert!(!reply.is_success(), "{}", sc["name"]);
        let p = params(&sc);
        if let Some((_, pass)) = p.iter().find(|(k, _)| k == "pass").filter(|(_, v)| v.len() >= 6) {
            let shown = vicidial_xfer::redact::redact(body, None, 4096);
            assert!(!shown.contains(pass.as_str()), "{}: {shown}", sc["name"]);
        }
    }
}
