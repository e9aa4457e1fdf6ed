//! Native throughput of the core on one core (`cargo bench --bench core`).
//!
//! - `build/*`: a draft validated and encoded (what a client does per
//!   action): INGROUPTRANSFER (`TransferDraft`), EXTENSIONTRANSFER and
//!   HANGUP (`CallControlDraft`), against 2.14-82's rules; goal >= 2 M/s.
//! - `parse/*`: `parse_reply` of a reply body; goal >= 5 M/s. `recorded_mix`
//!   parses every recorded reply of `tests/recordings/` once per
//!   iteration (reported per reply).
//! - `decode/*`: `decode_transfer` / `decode_call_control` of an encoded
//!   request (what the proxy does per request).
//!
//! bench/report.mjs reads `target/criterion/*/*/new/estimates.json`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vicidial_xfer::{
    decode_call_control, decode_transfer, parse_reply, parse_reply_with_secret, redact::redact, reply::MAX_EXCERPT, CallControlDraft,
    ServerVersion, Target, TransferDraft,
};

const NEWEST: Target = Target::Version(ServerVersion::NEWEST);

const CALL: &str = "Y0315201639000402027";

fn draft(with_credentials: bool) -> TransferDraft<'static> {
    let (source, user, pass) =
        if with_credentials { (Some("crm"), Some("6666"), Some("12+34")) } else { (None, None, None) };
    TransferDraft {
        source,
        user,
        pass,
        agent_user: Some("1028"),
        call_id: Some(CALL),
        ingroup: Some("SALESLINE"),
        status: None,
    }
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build");
    g.throughput(Throughput::Elements(1));
    g.bench_function("validate_encode", |b| {
        let d = draft(false);
        b.iter(|| black_box(black_box(&d).validate_for(NEWEST).unwrap().encode()))
    });
    g.bench_function("validate_encode_credentials", |b| {
        let d = draft(true);
        b.iter(|| black_box(black_box(&d).validate_for(NEWEST).unwrap().encode()))
    });
    // The two halves of validate_encode_credentials.
    g.bench_function("validate_only", |b| {
        let d = draft(true);
        b.iter(|| black_box(black_box(&d).validate_for(NEWEST).unwrap()))
    });
    g.bench_function("encode_only", |b| {
        let r = draft(true).validate_for(NEWEST).unwrap();
        b.iter(|| black_box(black_box(&r).encode()))
    });
    let extension = CallControlDraft {
        stage: Some("EXTENSIONTRANSFER"),
        source: Some("crm"),
        user: Some("6666"),
        pass: Some("12+34"),
        agent_user: Some("ra_1028"),
        call_id: Some(CALL),
        phone_number: Some("*72#AGENT1028"),
        ..CallControlDraft::default()
    };
    g.bench_function("extension_validate_encode", |b| b.iter(|| black_box(black_box(&extension).validate(NEWEST).unwrap().encode())));
    let hangup = CallControlDraft { stage: Some("HANGUP"), agent_user: Some("1028"), call_id: Some(CALL), status: Some("DROP"), ..CallControlDraft::default() };
    g.bench_function("hangup_validate_encode", |b| b.iter(|| black_box(black_box(&hangup).validate(Target::AnyVersion).unwrap().encode())));
    g.bench_function("validate_invalid", |b| {
        let d = TransferDraft { ingroup: Some("SALES.LINE"), ..draft(true) };
        b.iter(|| black_box(black_box(&d).validate_for(NEWEST).unwrap_err()))
    });
    g.finish();
}

fn recorded_replies() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/recordings");
    let mut out = Vec::new();
    for file in ["real-2.14-82.jsonl", "real-2.14-82-more.jsonl", "stages-2.14-82.jsonl", "edge-2.14-82.jsonl", "strict-2.14-82.jsonl", "documented-agent-api.jsonl"] {
        let Ok(text) = std::fs::read_to_string(format!("{dir}/{file}")) else { continue };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("recorded reply is JSON");
            let reply = v.get("reply").or_else(|| v.get("line")).and_then(|r| r.as_str());
            if let Some(r) = reply {
                out.push(r.to_string());
            }
        }
    }
    out
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(1));
    let success = "SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n";
    g.bench_function("success", |b| b.iter(|| black_box(parse_reply(black_box(success)))));
    let no_call = "ERROR: no active call found - Y0315201639000402027\n";
    g.bench_function("no_active_call", |b| b.iter(|| black_box(parse_reply(black_box(no_call)))));
    let auth = "ERROR: Invalid Username/Password: |6666|wrongpass|0|1|BAD|0|api|SELECT count(*) from vicidial_users where user='6666' and pass='wrongpass' and user_level > 0 and active='Y' and ( (failed_login_count < 10) or (UNIX_TIMESTAMP(last_login_date) < 1700000000) );|\n";
    g.bench_function("auth_error", |b| b.iter(|| black_box(parse_reply(black_box(auth)))));
    // What the package's parseReply does besides parsing: secret removal, message, raw excerpt.
    g.bench_function("success_full_js_work", |b| {
        b.iter(|| {
            let r = parse_reply_with_secret(black_box(success), Some("1234"));
            black_box((r.message(), redact(success, Some("1234"), MAX_EXCERPT), r))
        })
    });
    let replies = recorded_replies();
    assert!(replies.len() >= 40, "recorded replies not found ({} read)", replies.len());
    g.throughput(Throughput::Elements(replies.len() as u64));
    g.bench_function("recorded_mix", |b| {
        b.iter(|| {
            for r in &replies {
                black_box(parse_reply(black_box(r)));
            }
        })
    });
    g.finish();
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    let body = draft(false).validate().unwrap().encode();
    g.bench_function("proxy_request", |b| b.iter(|| black_box(decode_transfer(black_box(&body)).unwrap())));
    let ext = "agent_user=ra_1028&function=ra_call_control&stage=EXTENSIONTRANSFER&value=Y0315201639000402027&phone_number=*72%23AGENT1028";
    g.bench_function("call_control_extension", |b| b.iter(|| black_box(decode_call_control(black_box(ext), NEWEST).unwrap())));
    g.finish();
}

fn config() -> Criterion {
    // Bounded: about 3 s per benchmark.
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2)).sample_size(50)
}

criterion_group! { name = benches; config = config(); targets = build, parse, decode }
criterion_main!(benches);
