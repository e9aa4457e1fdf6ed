//! Results cross to JavaScript as ONE JSON string, which the wrapper turns
//! into plain objects with `JSON.parse`.
//!
//! Building objects key by key from Rust costs a boundary crossing and a
//! string decode per key and per value (about 20 per transfer); one string
//! and `JSON.parse` measured 2-3 times faster, and smaller than serde.

// One-character appends are `push_str`: at `opt-level = "z"`, `push(char)`
// calls the UTF-8 encoder each time (measured in the profile of the JSON writer).
#![allow(clippy::single_char_add_str)]

use alloc::string::String;

use crate::text::{has_below, word_at, ONES};

/// A JSON object under construction.
pub(crate) struct Json {
    out: String,
    first: bool,
}

impl Json {
    pub(crate) fn object() -> Json {
        // Room for a reply with its message and excerpt: no regrowth (and
        // copy) on the way; the bump allocator frees it all after the call.
        let mut out = String::with_capacity(512);
        out.push_str("{");
        Json { out, first: true }
    }

    /// `key` is one of this crate's static identifiers (camelCase ASCII
    /// letters: nothing to escape), written as it is: three appends per key
    /// (at `opt-level = "z"` each append is a call).
    fn key(&mut self, key: &str) {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphabetic()), "JSON key {key:?} would need escaping");
        self.out.push_str(if self.first { "\"" } else { ",\"" });
        self.first = false;
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    pub(crate) fn str(mut self, key: &str, value: &str) -> Json {
        self.put_str(key, value);
        self
    }

    pub(crate) fn put_str(&mut self, key: &str, value: &str) {
        self.key(key);
        string(&mut self.out, value);
    }

    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Json {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn bool(mut self, key: &str, value: bool) -> Json {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub(crate) fn num(mut self, key: &str, value: usize) -> Json {
        self.key(key);
        crate::text::push_decimal(&mut self.out, value);
        self
    }

    /// `value` must already be JSON.
    pub(crate) fn raw(mut self, key: &str, value: &str) -> Json {
        self.key(key);
        self.out.push_str(value);
        self
    }

    pub(crate) fn end(mut self) -> String {
        self.out.push_str("}");
        self.out
    }
}

/// A JSON array of already-encoded values, written as it grows (no
/// `Vec<String>` to collect and join: 0.7 KB of wasm).
pub(crate) struct Array {
    out: String,
}

impl Array {
    pub(crate) fn new() -> Array {
        Array { out: String::from("[") }
    }

    pub(crate) fn push(&mut self, item: &str) {
        if !self.is_empty() {
            self.out.push_str(",");
        }
        self.out.push_str(item);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.out.len() == 1
    }

    pub(crate) fn end(mut self) -> String {
        self.out.push_str("]");
        self.out
    }
}

/// Appends `s` as a JSON string literal, copying runs of plain bytes at
/// once: eight bytes are tested at a time (a byte-by-byte loop was a
/// quarter of `buildCallControl`'s time in the profile).
fn string(out: &mut String, s: &str) {
    out.push_str("\"");
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        if word_at(bytes, at).is_some_and(|w| !needs_escape(w)) {
            at += 8;
            continue;
        }
        // Byte by byte through this chunk (or the tail).
        let stop = (at + 8).min(bytes.len());
        while let Some(&b) = bytes.get(at).filter(|_| at < stop) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                // `b` is ASCII, so `run..at` and `at + 1..` are char boundaries.
                out.push_str(s.get(run..at).unwrap_or(""));
                run = at + 1;
                escape(out, b);
            }
            at += 1;
        }
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push_str("\"");
}

/// Whether one of the eight bytes of `w` is `"`, `\\` or below 0x20.
fn needs_escape(w: u64) -> bool {
    has_below(w, 0x20) || has_below(w ^ (u64::from(b'"') * ONES), 1) || has_below(w ^ (u64::from(b'\\') * ONES), 1)
}

fn escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        _ => {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::string;
    use alloc::string::String;

    #[test]
    fn strings_read_back_as_json_at_every_offset() {
        let mut values: alloc::vec::Vec<String> = alloc::vec!["".into(), "SALESLINE".into(), "é€😀 plain".into()];
        // Every ASCII byte at every place in an eight-byte word, and across words.
        for b in 0..128u8 {
            for at in 0..17 {
                let mut v: String = "abcdefghijklmnopq".into();
                v.replace_range(at..=at, core::str::from_utf8(&[b]).unwrap());
                values.push(v);
            }
        }
        values.push("\"\\\u{1}\u{1f}\u{7f}é\u{2028}\"".repeat(5));
        for v in values {
            let mut out = String::new();
            string(&mut out, &v);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), v, "{out}");
            assert!(!out.bytes().any(|b| b < 0x20), "{out:?}");
        }
    }
}
