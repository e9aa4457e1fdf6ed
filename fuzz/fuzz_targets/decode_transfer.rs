//! decode_transfer on arbitrary text.
//!
//! Properties checked on every input:
//! 1. `decode_transfer` never panics (valid UTF-8 as is, anything else lossily).
//! 2. When it decodes, re-encoding and decoding again gives the identical
//!    request, and the encoding is a fixed point (encode(decode(encode(r)))
//!    == encode(r)); the masked encoding never contains the password's
//!    own encoding (for passwords of 4+ characters, which cannot be a part
//!    of the fixed parameter text by accident).
//! 3. When it fails, every error has a code and a message, and unknown
//!    parameter names are cut to 40 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vicidial_xfer::decode::{decode_transfer, Param, MAX_INPUT};
use vicidial_xfer::request::MASK;

fuzz_target!(|data: &[u8]| {
    let input = match std::str::from_utf8(data) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(data),
    };
    match decode_transfer(&input) {
        Ok(request) => {
            assert!(input.len() <= MAX_INPUT);
            let encoded = request.encode();
            let again = decode_transfer(&encoded)
                .unwrap_or_else(|e| panic!("re-encoded request does not decode: {encoded:?}: {e:?}"));
            assert_eq!(again, request, "decode(encode(r)) != r for {encoded:?}");
            assert_eq!(again.encode(), encoded, "encoding is not a fixed point");
            let masked = request.encode_masked();
            if let Some(pass) = &request.pass {
                assert!(masked.contains(MASK));
                let wire: String = form_encode(pass.expose());
                if pass.expose().len() >= 4 {
                    assert!(!masked.contains(&format!("pass={wire}")), "masked encoding shows the password");
                }
                assert_eq!(format!("{pass:?}"), "Password([REDACTED])");
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
