//! decode_call_control on arbitrary text, for every stage (the stage comes
//! from the input; seeds and dictionary hold all three) and version (the
//! first byte picks the target), and decode_transfer.
//!
//! Properties checked on every input:
//! 1. decoding never panics (valid UTF-8 as is, anything else lossily).
//! 2. When it decodes, re-encoding and decoding again gives the identical
//!    request, and the encoding is a fixed point (encode(decode(encode(r)))
//!    == encode(r)); the same fields as a CallControlDraft validate, for the
//!    same target, to the identical request (decoder and validator agree);
//!    the stage's target field is there exactly when the stage has one;
//!    the masked encoding never contains the password's own encoding (for
//!    passwords of 4+ characters, which cannot be a part of the fixed
//!    parameter text by accident).
//! 3. When it fails, every error has a code and a message, and unknown
//!    parameter names are cut to 40 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vicidial_xfer::decode::{decode_call_control, decode_transfer, Param, MAX_INPUT};
use vicidial_xfer::request::MASK;
use vicidial_xfer::{CallControlDraft, Field, ServerVersion, Stage, Target};

const TARGETS: [Target; 6] = [
    Target::AnyVersion,
    Target::Version(ServerVersion::new(12, 47)),
    Target::Version(ServerVersion::new(14, 67)),
    Target::Version(ServerVersion::new(14, 72)),
    Target::Version(ServerVersion::new(14, 75)),
    Target::Version(ServerVersion::NEWEST),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let target = TARGETS[usize::from(pick) % TARGETS.len()];
    let input = match std::str::from_utf8(rest) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(rest),
    };
    if let Ok(r) = decode_transfer(&input) {
        assert_eq!(r.stage(), Stage::IngroupTransfer);
    }
    match decode_call_control(&input, target) {
        Ok(request) => {
            assert!(input.len() <= MAX_INPUT);
            let encoded = request.encode();
            let again = decode_call_control(&encoded, target)
                .unwrap_or_else(|e| panic!("re-encoded request does not decode: {encoded:?}: {e:?}"));
            assert_eq!(again, request, "decode(encode(r)) != r for {encoded:?}");
            assert_eq!(again.encode(), encoded, "encoding is not a fixed point");
            let draft = CallControlDraft::from_fn(|f| if f == Field::Pass { request.expose_password() } else { request.get(f) });
            assert_eq!(draft.validate(target).as_ref(), Ok(&request), "the validator disagrees with the decoder on {encoded:?}");
            assert!(!request.call_id().is_empty());
            assert_eq!(request.target().is_some(), request.stage() != Stage::Hangup, "target field vs stage for {encoded:?}");
            let masked = request.encode_masked();
            if let Some(pass) = request.expose_password() {
                assert!(masked.contains(MASK));
                let wire: String = form_encode(pass);
                if pass.len() >= 4 {
                    assert!(!masked.contains(&format!("pass={wire}")), "masked encoding shows the password");
                }
                // Debug never depends on the password: the same request with another one prints
                // the same (another field may hold the password's text: `*72#AGENT1028` and pass
                // `AGENT1028`, found by this target).
                let other = CallControlDraft::from_fn(|f| if f == Field::Pass { Some("Zq7Zq7Zq7") } else { request.get(f) });
                if let Ok(other) = other.validate(target) {
                    assert_eq!(format!("{request:?}"), format!("{other:?}"), "Debug depends on the password");
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error result without errors");
            for e in &errors {
                assert!(!e.code().is_empty());
                assert!(!e.message().is_empty());
                let _ = e.to_string();
                if let Param::Other(name) = &e.param {
                    assert!(name.len() <= 40, "unknown parameter name kept at {} bytes", name.len());
                }
            }
        }
    }
});

/// application/x-www-form-urlencoded for the password's characters
/// (`A-Z a-z 0-9 - _ . + / =`): `+`, `/` and `=` are escaped.
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
