//! The npm package's `index.d.ts` lists exactly the codes the core (and
//! the bindings) can produce: a code the core does not have, or one it has
//! and the types miss, fails here. Every enum is matched exhaustively, so a
//! new variant in the core fails to compile until it is listed.

use std::collections::BTreeSet;
use std::path::Path;

use vicidial_xfer::client::TRANSPORT_CODES;
use vicidial_xfer::decode::DecodeErrorKind;
use vicidial_xfer::fields::FieldErrorKind;
use vicidial_xfer::reply::{AuthReason, Died, Reply};
use vicidial_xfer::version::VersionError;
use vicidial_xfer::wasm::{BINDING_ISSUE_CODES, CLIENT_OUTCOME_CODES, FIELD_KEYS, RECORD_KEYS};
use vicidial_xfer::Stage;

/// The string literals of `export type NAME = ...;` in the .d.ts (not those of unions it names).
fn union(dts: &str, name: &str) -> BTreeSet<String> {
    let start = dts.find(&format!("export type {name} =")).unwrap_or_else(|| panic!("index.d.ts has no type {name}"));
    let body: String = dts[start..].lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n");
    let body = &body[..body.find(';').unwrap()];
    body.split('"').skip(1).step_by(2).map(String::from).collect()
}

fn set<'a>(codes: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    codes.into_iter().map(String::from).collect()
}

/// `Reply::CODES` is pinned to the variants, both ways, by tests/reply.rs.
fn reply_codes() -> BTreeSet<String> {
    set(Reply::CODES)
}

fn decode_codes() -> BTreeSet<String> {
    use DecodeErrorKind as K;
    let all = [K::Missing, K::Duplicate, K::UnknownParameter, K::BadEncoding, K::UnsupportedFunction, K::UnsupportedStage, K::TooLarge];
    for k in all {
        match k {
            K::Field(_) | K::Missing | K::Duplicate | K::UnknownParameter | K::BadEncoding | K::UnsupportedFunction | K::UnsupportedStage | K::TooLarge => {}
        }
    }
    all.into_iter().map(|k| String::from(k.code())).collect()
}

fn serde_word<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap().to_string()
}

fn auth_reasons() -> BTreeSet<String> {
    use AuthReason as A;
    let all = [A::BadPassword, A::NoApiAccess, A::Locked, A::NoServers, A::IpBlocked, A::Other];
    for a in all {
        match a {
            A::BadPassword | A::NoApiAccess | A::Locked | A::NoServers | A::IpBlocked | A::Other => {}
        }
    }
    all.into_iter().map(serde_word).collect()
}

fn died_causes() -> BTreeSet<String> {
    let all = [Died::QueueMetricsConnect, Died::FatalError, Died::UnexpectedOutput];
    for d in all {
        match d {
            Died::QueueMetricsConnect | Died::FatalError | Died::UnexpectedOutput => {}
        }
        assert_eq!(serde_word(d), d.code());
    }
    all.into_iter().map(|d| String::from(d.code())).collect()
}

fn version_codes() -> BTreeSet<String> {
    let all = [VersionError::Unreadable, VersionError::TooOld];
    for v in all {
        match v {
            VersionError::Unreadable | VersionError::TooOld => {}
        }
    }
    all.into_iter().map(|v| String::from(v.code())).collect()
}

/// A file of pkg-template/, or `None` in the published crate, which has no
/// pkg-template/ (then there is nothing to compare; in CI it must be there).
fn template_file(name: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("pkg-template").join(name);
    let text = std::fs::read_to_string(&path).ok();
    if text.is_none() {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{} is missing", path.display());
        eprintln!("skipped: {} is not here (a packaged crate)", path.display());
    }
    text
}

#[test]
fn index_d_ts_lists_exactly_the_codes_of_the_core() {
    let Some(dts) = template_file("index.d.ts") else { return };
    let fields = set(FieldErrorKind::ALL.map(FieldErrorKind::code)).union(&set(BINDING_ISSUE_CODES)).cloned().collect::<BTreeSet<_>>();
    assert_eq!(union(&dts, "FieldIssueCode"), fields, "FieldIssueCode");
    // `DecodeIssueCode = FieldIssueCode | ...`: the rest.
    let decode_only: BTreeSet<String> = decode_codes().difference(&fields).cloned().collect();
    assert_eq!(union(&dts, "DecodeIssueCode"), decode_only, "DecodeIssueCode (besides FieldIssueCode)");
    assert_eq!(union(&dts, "ReplyCode"), reply_codes(), "ReplyCode");
    assert_eq!(union(&dts, "AuthReason"), auth_reasons(), "AuthReason");
    assert_eq!(union(&dts, "DiedCause"), died_causes(), "DiedCause");
    assert_eq!(union(&dts, "VersionErrorCode"), version_codes(), "VersionErrorCode");
    let transport = set(TRANSPORT_CODES).union(&set(CLIENT_OUTCOME_CODES)).cloned().collect::<BTreeSet<_>>();
    assert_eq!(union(&dts, "TransportCode"), transport, "TransportCode");
    assert_eq!(union(&dts, "Stage"), set(Stage::ALL.map(Stage::wire)), "Stage");
    let keys: BTreeSet<String> = vicidial_xfer::Field::ALL.iter().map(serde_word).collect();
    assert_eq!(union(&dts, "Field"), keys, "Field (the JS keys are serde's camelCase)");
}

/// The string literals of api.js's `const NAME = [...]`.
fn js_list(js: &str, name: &str) -> Vec<String> {
    let start = js.find(&format!("const {name} = [")).unwrap_or_else(|| panic!("api.js has no {name}"));
    let list = &js[start..start + js[start..].find("];").unwrap()];
    list.split('"').skip(1).step_by(2).map(String::from).collect()
}

/// api.js names request fields and a parsed reply's keys by letters: its
/// lists must be the core's, in order; it masks a preview's password with the core's MASK.
#[test]
fn api_js_letters_are_the_cores_fields_and_record_keys_in_order() {
    let Some(js) = template_file("api.js") else { return };
    assert_eq!(js_list(&js, "RECORD_KEYS"), RECORD_KEYS);
    assert!(js.contains(&format!("const MASK = \"{}\";", vicidial_xfer::request::MASK)), "api.js's MASK is the core's");
    let fields: Vec<String> = vicidial_xfer::Field::ALL.iter().map(serde_word).collect();
    assert_eq!(FIELD_KEYS.to_vec(), fields, "the core's JS keys are serde's camelCase words");
    assert_eq!(js_list(&js, "FIELD_KEYS"), fields);
}

#[test]
fn the_union_reader_sees_what_is_there() {
    let dts = "export type X =\n  | \"A\" // \"NOT\"; really\n  | \"B\";\nexport type Y = \"C\";";
    assert_eq!(union(dts, "X"), set(["A", "B"]));
}
