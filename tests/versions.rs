//! The version table against real servers: `tests/recordings/filters/`
//! holds, for each probed api.php revision, what the server kept of
//! `AB<c>CD` for every printable ASCII character `c` (and `é`, `€`, NUL)
//! in every parameter. With that version as `Target`, a value the server
//! rewrote is refused, and a value it kept exactly is accepted (in-groups
//! excepted: the server keeps `-` and space there, but no in-group ID has
//! them, so this crate refuses them everywhere).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use serde_json::Value;
use vicidial_xfer::fields::check;
use vicidial_xfer::{Field, ServerVersion, Target};

fn probes() -> Vec<(ServerVersion, Vec<Value>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recordings/filters");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/recordings/filters") {
        let path = entry.unwrap().path();
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let version = ServerVersion::parse(file["version"].as_str().unwrap()).unwrap();
        out.push((version, file["probes"].as_array().unwrap().clone()));
    }
    out.sort_by_key(|(v, _)| *v);
    assert_eq!(out.len(), 4, "filters of 2.14-56, 2.14-72, 2.14-75, 2.14-82");
    out
}

/// The probe's middle character, for probes sent percent-encoded.
fn probe_char(p: &Value) -> Option<char> {
    let sent = p["sent"].as_str()?;
    let raw_plus = p["query_part"].as_str().unwrap_or("").contains("(raw");
    let mid = sent.strip_prefix("AB")?.strip_suffix("CD")?;
    let mut chars = mid.chars();
    let c = chars.next()?;
    (chars.next().is_none() && !raw_plus).then_some(c)
}

#[test]
fn every_character_a_version_kept_is_in_its_table_and_every_one_it_deleted_is_not() {
    let mut compared = 0;
    for (version, probes) in probes() {
        for p in &probes {
            let field = Field::from_param(p["param"].as_str().unwrap()).unwrap();
            let Some(c) = probe_char(p) else { continue };
            let kept_by_server = p["kept"].as_bool().unwrap();
            let ours = c.is_ascii() && field.kept(Target::Version(version)).contains(c as u8);
            if field == Field::Ingroup {
                // Stricter on purpose: no in-group ID holds `-` or a space.
                assert!(!ours || kept_by_server, "{version} ingroup {c:?}");
                if c.is_ascii_alphanumeric() || c == '_' {
                    assert!(ours, "{version} ingroup {c:?}");
                }
            } else {
                assert_eq!(ours, kept_by_server, "{version} {} {c:?} (U+{:04X})", field.param(), c as u32);
            }
            compared += 1;
        }
    }
    assert!(compared > 2500, "{compared} probes compared");
}

#[test]
fn with_the_servers_version_a_value_it_would_rewrite_is_refused() {
    for (version, probes) in probes() {
        for p in &probes {
            let field = Field::from_param(p["param"].as_str().unwrap()).unwrap();
            let sent = p["sent"].as_str().unwrap();
            // The raw `+` probe (it arrives as a space) has no `exact`.
            let Some(exact) = p["exact"].as_bool() else { continue };
            let received = sent.to_string();
            for target in [Target::Version(version), Target::AnyVersion] {
                if check(field, &received, target).is_ok() {
                    assert!(exact, "{version}: {} {received:?} accepted for {target:?} but the server rewrote it", field.param());
                }
            }
        }
    }
}

#[test]
fn kept_values_are_accepted_with_the_version_and_refused_without_it_when_older_versions_delete_them() {
    let v = |minor, build| Target::Version(ServerVersion::new(minor, build));
    assert!(check(Field::AgentUser, "agent_7-b", v(14, 75)).is_ok());
    assert!(check(Field::AgentUser, "agent_7-b", v(14, 74)).is_err());
    assert!(check(Field::Pass, "pa+ss/w=rd", v(14, 72)).is_ok());
    assert!(check(Field::Pass, "pa+ss/w=rd", v(14, 56)).is_err());
    assert!(check(Field::PhoneNumber, "AGENT1028", v(14, 82)).is_ok());
    assert!(check(Field::PhoneNumber, "AGENT1028", v(14, 81)).is_err());
    assert!(check(Field::PhoneNumber, "*8500#", v(12, 50)).is_ok());
    assert!(check(Field::PhoneNumber, "*8500#", v(12, 49)).is_err());
    // Newer than the newest known: the newest rules.
    assert!(check(Field::PhoneNumber, "AGENT1028", v(16, 1)).is_ok());
}

#[test]
fn a_version_that_cannot_be_read_or_is_too_old_is_an_error_never_a_guess() {
    for bad in ["", "2.14", "2.14-", "14-82", "2.x-82", "VERSION: |BUILD: 1", "2.14-82a", "2.14-99999"] {
        assert_eq!(ServerVersion::parse(bad).unwrap_err().code(), "VERSION_UNREADABLE", "{bad:?}");
    }
    for old in ["2.12-46", "2.10-45", "2.4-20", "VERSION: 2.8-32|BUILD: 130603-2221"] {
        assert_eq!(ServerVersion::parse(old).unwrap_err().code(), "VERSION_TOO_OLD", "{old:?}");
    }
    let line = "VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-12-01 07:05:12|EPOCH: 1796108712\n";
    assert_eq!(ServerVersion::parse(line).unwrap(), ServerVersion::NEWEST);
}
